import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from '../src/cli/command.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { EXIT, exitCodeForError, GENERAL_EXITS } from '../src/cli/exit-codes.js';
import type { FlagSpec } from '../src/cli/flags/spec.js';
import { CATALOGUES } from '../src/core/words/index.js';
import type { WordEntry } from '../src/core/words.js';

/**
 * docs/reference.md, rendered from the command registry: the same
 * declarations --help is built from, so the two cannot disagree; and the
 * table of codes in docs/guide/exit-codes-and-error-codes.md, rendered from
 * the catalogues of words, between its markers. `npm run docs:reference`
 * writes both; a test fails when either is not what this renders.
 */

export const REFERENCE_FILE = fileURLToPath(new URL('../../docs/reference.md', import.meta.url));
export const CODES_PAGE = fileURLToPath(new URL('../../docs/guide/exit-codes-and-error-codes.md', import.meta.url));
const CODES_START =
  '<!-- The table of codes: generated from the catalogues of words (src/core/words/index.ts) by `npm run docs:reference`; a test fails when it is out of date. -->';
const CODES_END = '<!-- End of the table of codes. -->';

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function typeOf(spec: FlagSpec): string {
  if (spec.choices !== undefined) return spec.choices.join(' \\| ');
  if (spec.type === 'number') return spec.min === undefined && spec.max === undefined ? 'number' : `number ${spec.min ?? 0}–${spec.max ?? '…'}`;
  if (spec.type === 'share') return 'share 0–1';
  if (spec.type === 'list') return 'text, repeatable';
  if (spec.type === 'pair') return 'two values';
  return spec.type === 'string' ? 'text' : 'switch';
}

function defaultOf(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.default === undefined) return '';
  return String(spec.default);
}

function notesOf(spec: FlagSpec): string {
  const notes = [
    spec.env === undefined ? '' : `env ${spec.env}`,
    spec.perRun === true ? 'not from a config file' : '',
    ...Object.entries(spec.conflicts ?? {}).map(([other, why]) => `not with --${other} (${why})`),
    ...Object.entries(spec.requires ?? {}).map(([other, why]) => `needs --${other} (${why})`),
  ].filter((note) => note !== '');
  return notes.join('; ');
}

function renderCommand(command: Command): string {
  const lines = [`## ${command.name}`, '', command.summary, '', '```', ...command.usage, '```', ''];
  if (command.positional !== undefined) lines.push(`\`<${command.positional.name}>\`: ${command.positional.describe}`, '');
  lines.push('| flag | takes | default | what it does | notes |', '|---|---|---|---|---|');
  for (const [name, spec] of Object.entries(command.flags)) {
    const flag = spec.alias === undefined ? `--${name}` : `--${name}, -${spec.alias}`;
    lines.push(`| \`${flag}\` | ${typeOf(spec)} | ${cell(defaultOf(spec))} | ${cell(spec.describe)} | ${cell(notesOf(spec))} |`);
  }
  lines.push('', 'Examples:', '', ...command.examples.flatMap(([line, meaning]) => ['```', line, '```', meaning, '']));
  if (command.notes !== undefined) lines.push(...command.notes.flatMap((note) => [note, '']));
  lines.push('Exit codes:', '', '| code | meaning |', '|---|---|', ...command.exits.map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`), '');
  return lines.join('\n');
}

export function renderReference(): string {
  return [
    '# Command reference',
    '',
    '<!-- Generated from the command registry (src/cli/commands/) by `npm run docs:reference`; a test fails when it is out of date. -->',
    '',
    'Every command and flag, as `ti-credits <command> --help` shows them. Flags may also come from a config file (see [configuration](guide/configuration.md)), except those marked otherwise.',
    '',
    ...COMMANDS.map((command) => `- [${command.name}](#${command.name}): ${command.summary}`),
    '',
    'Exit codes in general (each command below says what they mean for it):',
    '',
    '| code | meaning |',
    '|---|---|',
    ...GENERAL_EXITS.map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`),
    '',
    ...COMMANDS.map(renderCommand),
  ].join('\n');
}

/** What a code leads to: a row problem (the row is not sent, the run goes on), or the exit code its kind of error ends a command with. */
function kindOf(code: string, entry: WordEntry<never>): string {
  if (entry.kind === 'row') return 'row problem';
  // Ctrl-C stops a run (kind aborted) but ends it with the shell's code for an interruption, not with 3.
  if (code === 'TIC-INTERRUPTED') return `exit ${EXIT.interrupted}`;
  return `exit ${entry.kind === 'internal' ? EXIT.internal : exitCodeForError(entry.kind)}`;
}

/** Every catalogue's codes, one table each, in the order CATALOGUES lists them. */
export function renderCodes(): string {
  return CATALOGUES.flatMap(({ name, words }) => [
    `### ${name}`,
    '',
    '| code | kind | meaning |',
    '|---|---|---|',
    ...Object.entries(words).map(([code, entry]) => `| \`${code}\` | ${kindOf(code, entry)} | ${cell(entry.title)} |`),
    '',
  ]).join('\n');
}

/** The page with its table of codes as the catalogues render it; the rest of the page as written. */
export function withCodes(page: string): string {
  const start = page.indexOf(CODES_START);
  const end = page.indexOf(CODES_END);
  if (start < 0 || end < start) throw new Error(`${CODES_PAGE} has lost the markers of its table of codes`);
  return `${page.slice(0, start + CODES_START.length)}\n\n${renderCodes()}\n${page.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(REFERENCE_FILE, renderReference());
  writeFileSync(CODES_PAGE, withCodes(readFileSync(CODES_PAGE, 'utf8')));
}

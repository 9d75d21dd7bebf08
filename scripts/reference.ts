import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from '../src/cli/command.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { GENERAL_EXITS } from '../src/cli/exit-codes.js';
import type { FlagSpec } from '../src/cli/flags/spec.js';

/**
 * docs/reference.md, rendered from the command registry: the same
 * declarations --help is built from, so the two cannot disagree. `npm run
 * docs:reference` writes it; a test fails when the file is not what this
 * renders.
 */

export const REFERENCE_FILE = fileURLToPath(new URL('../../docs/reference.md', import.meta.url));

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

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(REFERENCE_FILE, renderReference());

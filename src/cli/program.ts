import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { OPTION_WORDS } from '../core/words/options.js';
import type { Command, CommandError, CommandResult } from './command.js';
import { COMMANDS, commandNamed } from './commands/index.js';
import { loadConfig, type ConfigFile, type ConfigKeys } from './config-file.js';
import { EXIT, exitCodeForError, exitCodeTable, GENERAL_EXITS } from './exit-codes.js';
import { typedOptions } from './flags/recorded.js';
import { Flags, toYargs } from './flags/spec.js';
import { refuseKeyFlag } from './flags/target.js';
import type { CliIo } from './io.js';
import { errorJson, formatError, formatInternalError } from './messages.js';
import { runNotified } from './notify.js';
import { chooseProfile, profileChoice } from './profiles.js';
import { closestName } from './suggest.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Names yargs answers to besides the commands. */
const OTHER_NAMES = ['help', 'completion'];

/** The flags of a command a config file may set: those not per run. */
export function configurableFlags(command: Command): string[] {
  return command.configurable ? Object.entries(command.flags).flatMap(([name, spec]) => (spec.perRun === true ? [] : [name])) : [];
}

/** What a config file may hold: the flags of every command, as declared. */
function configKeys(): ConfigKeys {
  const flags = COMMANDS.filter((command) => command.configurable).flatMap((command) => Object.entries(command.flags));
  const names = (keep: (spec: (typeof flags)[number][1]) => boolean): string[] => [...new Set(flags.filter(([, spec]) => keep(spec)).map(([name]) => name))];
  return { known: names((spec) => spec.perRun !== true), repeatable: names((spec) => spec.type === 'list'), perRun: names((spec) => spec.perRun === true) };
}

/** A command's --help epilogue: its notes, then the exit codes it can end with. */
function epilogue(command: Command): string {
  return [...(command.notes ?? []), `Exit codes:\n${exitCodeTable(command.exits)}`].join('\n\n');
}

/** The parser, built from the command registry: each command with exactly its own flags. */
function buildParser(args: readonly string[], config: ConfigFile | undefined, named: Command | undefined): Argv {
  // A config file may serve several commands: each takes the keys it knows.
  const known = named === undefined ? [] : configurableFlags(named);
  const defaults = Object.fromEntries(Object.entries(config?.options ?? {}).filter(([key]) => known.includes(key)));
  let parser = yargs([...args])
    .config(defaults)
    .scriptName('ti-credits')
    .usage('ti-credits <command> [options]\n\nApply a spreadsheet of changes to Thought Industries credit batches.');
  for (const command of COMMANDS) {
    const name =
      command.positional === undefined ? command.name : `${command.name} [${command.positional.name}${command.positional.variadic === true ? '..' : ''}]`;
    parser = parser.command(name, command.summary, (y) => {
      let built = y.usage(command.usage.join('\n'));
      if (command.positional !== undefined)
        built = built.positional(command.positional.name, {
          type: 'string',
          array: command.positional.variadic === true,
          describe: command.positional.describe,
        });
      built = built.options(Object.fromEntries(Object.entries(command.flags).map(([flag, spec]) => [flag, toYargs(spec)])));
      for (const [line, meaning] of command.examples) built = built.example(line, meaning);
      return built.epilogue(epilogue(command));
    });
  }
  return parser
    .completion('completion', 'Print a script that completes ti-credits commands and options in bash or zsh: ti-credits completion >> ~/.bashrc')
    .example('ti-credits validate adjustments.csv', 'Check a file; no API key needed')
    .example('TI_API_KEY=ti_live_… ti-credits apply adjustments.csv --instance acme', 'Check the file, then update every batch it lists')
    .example('ti-credits help apply', 'All the options of apply (or: ti-credits apply --help)')
    .demandCommand(1, `Name a command: ${COMMANDS.map((command) => command.name).join(', ')}.`)
    .strict()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .epilogue(`Exit codes (each command's --help says what they mean for it):\n${exitCodeTable(GENERAL_EXITS)}`)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false);
}

/**
 * yargs renders a command's whole --help text once it has parsed it, in case
 * a failure later in its handler shows it: a third of the time a one-row run
 * took to start. The commands have no yargs handler and a failure here never
 * shows yargs' text, so the copy is never read; --help renders its own.
 */
function skipHelpCache(parser: Argv): void {
  const internals = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage?.cacheHelpMessage !== undefined) usage.cacheHelpMessage = () => undefined;
}

/** Parses `args` and runs the command; returns the exit code. Never exits the process itself. */
export async function runCli(given: readonly string[], io: CliIo): Promise<number> {
  // `ti-credits help apply` is `ti-credits apply --help`, as in git and npm.
  const args = given[0] === 'help' ? [...given.slice(1, 2), '--help'] : given;
  const debug = args.some((arg, index) => arg === '--log-level=debug' || (arg === '--log-level' && args[index + 1] === 'debug'));
  const name = args.find((arg) => !arg.startsWith('-'));
  const named = name === undefined ? undefined : commandNamed(name);
  let argv: Record<string, unknown> = {};
  try {
    refuseKeyFlag(args);
    if (name !== undefined && name === args[0]) refuseUnknownCommand(name);
    // The profile chosen is laid over the file before the parser takes its options: flags > environment > profile > file > defaults.
    const config =
      named?.configurable === true
        ? chooseProfile(await loadConfig(configFlag(args), io.cwd, configKeys()), profileChoice(args, io.env), 'profile' in named.flags)
        : undefined;
    let refused: Error | undefined;
    let output = '';
    const parser = buildParser(args, config, named);
    skipHelpCache(parser);
    parser.parse([...args], {}, (error, parsed, text) => {
      refused = error ?? undefined;
      argv = parsed as Record<string, unknown>;
      output = text;
    });
    if (refused !== undefined)
      throw failure(OPTION_WORDS, 'TIC-USAGE', { said: (refused as Error).message, command: named?.name, near: suggestFlags(args, named) });
    if (output !== '') {
      io.stdout.write(`${output}\n`);
      return EXIT.ok;
    }
    const command = commandNamed(String((argv._ as unknown[])[0]));
    if (command === undefined) throw unknownCommand(String((argv._ as unknown[])[0]));
    const flags = new Flags(command.name, argv, command.flags);
    const result = await runNotified(command, flags, io, config, () => command.run({ flags, io, config, typed: typedOptions(args) }));
    return render(result, argv.json === true, io);
  } catch (error) {
    if (error instanceof TiError) {
      io.stderr.write(formatError(error));
      // A script that asked for JSON reads what went wrong from stdout too, by its code.
      if (jsonAsked(args, argv, named)) io.stdout.write(`${JSON.stringify({ error: errorJson(error) }, null, 2)}\n`);
      return exitCodeForError(error.kind);
    }
    io.stderr.write(formatInternalError(error, debug));
    return EXIT.internal;
  }
}

/** How every command ends: the error, if any, on stderr; the summary (or its JSON) on stdout; the exit code. */
function render(result: CommandResult, json: boolean, io: CliIo): number {
  const scrub = result.scrub ?? ((text: string): string => text);
  const error = result.error ?? undefined;
  if (error !== undefined) io.stderr.write(scrub(formatError(error)));
  const document = json ? withError(result.json, error) : undefined;
  const text = document !== undefined ? `${JSON.stringify(document, null, 2)}\n` : result.text;
  if (text !== '') io.stdout.write(scrub(text));
  return result.exit;
}

/**
 * What --json prints: the command's document, whose `error` (summary.json's)
 * carries the code; a command whose document has no `error` of its own, or
 * no document, gets one, so that every command's JSON says what went wrong
 * the same way.
 */
function withError(document: unknown, error: CommandError | undefined): unknown {
  if (error === undefined) return document;
  if (document === undefined) return { error: errorJson(error) };
  if (typeof document === 'object' && document !== null && !Array.isArray(document) && !('error' in document)) return { ...document, error: errorJson(error) };
  return document;
}

/** Whether --json was asked for, by a command that takes it, even when the command line could not be read whole. */
function jsonAsked(args: readonly string[], argv: Readonly<Record<string, unknown>>, named: Command | undefined): boolean {
  if (named !== undefined && !('json' in named.flags)) return false;
  if (typeof argv.json === 'boolean') return argv.json;
  const typed = args.slice(0, args.includes('--') ? args.indexOf('--') : args.length).filter((arg) => /^--(no-)?json(=|$)/.test(arg));
  const last = typed[typed.length - 1];
  return last === '--json' || last === '--json=true';
}

/** A mistyped command, named back with the one meant, before yargs calls it and the file "unknown arguments". */
function refuseUnknownCommand(name: string): void {
  if (COMMANDS.some((command) => command.name === name) || OTHER_NAMES.includes(name)) return;
  throw unknownCommand(name);
}

function unknownCommand(name: string): TiError {
  const names = COMMANDS.map((command) => command.name);
  return failure(OPTION_WORDS, 'TIC-UNKNOWN-COMMAND', { name, near: closestName(name, names), names });
}

function configFlag(args: readonly string[]): string | undefined {
  const index = args.indexOf('--config');
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith('--config='))?.slice('--config='.length);
}

/** Each flag the command does not know but nearly does, with the one meant ("did you mean --rate?"). */
function suggestFlags(args: readonly string[], named: Command | undefined): (readonly [string, string])[] {
  const known = [...Object.keys(named?.flags ?? {}), 'help', 'version'];
  return args
    .filter((arg) => arg.startsWith('--'))
    .map((arg) => arg.slice(2).split('=')[0] ?? '')
    .filter((name) => !known.includes(name) && !known.includes(name.replace(/^no-/, '')))
    .map((name) => [name, closestName(name, known)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
}

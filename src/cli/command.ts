import type { ConfigFile } from './config-file.js';
import type { FlagSpecs, Flags } from './flags/spec.js';
import type { CliIo } from './io.js';

/**
 * A command of ti-credits, declared in one module: its name, what it does,
 * its flags, examples, the exit codes it can end with, and `run`. The parser,
 * --help, the config file's keys and docs/reference.md are all built from
 * these declarations (see commands/index.ts); adding a command is adding a
 * module to that list.
 */
export interface Command {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** The usage lines of its --help. */
  readonly usage: readonly string[];
  /** The value it takes after its name, if any; `variadic`: the words after its name, as a list (an action and its argument). */
  readonly positional?: { readonly name: string; readonly describe: string; readonly variadic?: boolean };
  readonly flags: FlagSpecs;
  /** A command line and what it does; `ti-credits` is written out, never a placeholder. */
  readonly examples: readonly (readonly [string, string])[];
  /** Paragraphs --help prints after the flags. */
  readonly notes?: readonly string[];
  /** The exit codes it can end with, and what each means for it. */
  readonly exits: readonly (readonly [number, string])[];
  /** Whether a config file's options apply to it (those of its flags that are not per run). */
  readonly configurable: boolean;
  run(input: CommandInput): Promise<CommandResult>;
}

/** What a command is given to run with. */
export interface CommandInput {
  readonly flags: Flags;
  readonly io: CliIo;
  readonly config: ConfigFile | undefined;
  /** The long flags typed on the command line (a resumed run takes the others from its run.json). */
  readonly typed: ReadonlySet<string>;
}

/**
 * How a command ends, rendered in one place (program.ts): the error, if
 * any, on stderr; then the human summary, or with --json the document, on
 * stdout; then the exit code.
 */
export interface CommandResult {
  readonly exit: number;
  readonly error?: { readonly message: string; readonly hint?: string | null | undefined } | null | undefined;
  readonly text: string;
  /** What --json prints instead of `text`; absent for a command without --json. */
  readonly json?: unknown;
  /** Applied to everything printed: a command holding the key scrubs it, in every form, from what the API said. */
  readonly scrub?: (text: string) => string;
}

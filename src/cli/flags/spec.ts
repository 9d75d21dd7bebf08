import type { Options } from 'yargs';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';

/**
 * A flag as a command declares it: what --help says of it, and the rules its
 * value is held to. The declaration is the one source for the parser
 * (yargs), --help, the config file's keys, docs/reference.md and the checks
 * made before a command runs.
 */
export interface FlagSpec {
  /**
   * `number` flags are taken as the text typed and parsed here, strictly:
   * yargs would quietly turn "1e3" into 1000 and "x" into NaN. `share`: a
   * number from 0 to 1, parsed as strictly. `list`: given once per value (a
   * config file gives a JSON list). `pair`: two values after the flag
   * (`--expiring-between <from> <to>`).
   */
  readonly type: 'string' | 'boolean' | 'number' | 'share' | 'list' | 'pair';
  readonly describe: string;
  /** The value when the flag is not given; for a number, applied by `Flags.number`. */
  readonly default?: string | number | boolean;
  /** What --help shows as the default when it is not a value (e.g. "the clientId column"). */
  readonly defaultText?: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** The environment variable that sets it when the flag is not given. */
  readonly env?: string;
  readonly alias?: string;
  /** It belongs to one run: a config file may not set it (a `yes` there would send without asking). */
  readonly perRun?: boolean;
  /** Flags it cannot be given with, each with why. */
  readonly conflicts?: Readonly<Record<string, string>>;
  /** Flags it cannot be given without, each with why. */
  readonly requires?: Readonly<Record<string, string>>;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** Raw values as yargs hands them over. */
export type Raw = Readonly<Record<string, unknown>>;
export type Env = Readonly<Record<string, string | undefined>>;

/** The flag as yargs declares it: its type, its label in --help, and --help's words for its default and environment variable. */
export function toYargs(spec: FlagSpec): Options {
  const notes = [spec.env === undefined ? '' : `[env: ${spec.env}]`, defaultNote(spec)].filter((note) => note !== '').join(' ');
  const describe = notes === '' ? spec.describe : `${spec.describe} ${notes}`;
  const alias = spec.alias === undefined ? {} : { alias: spec.alias };
  switch (spec.type) {
    case 'boolean':
      return { type: 'boolean', default: spec.default ?? false, describe, ...alias };
    case 'number':
    case 'share':
      // yargs never converts an option declared a string, and labels it in --help by the last type declared, number.
      return { type: 'string', number: true, describe, ...alias };
    case 'list':
      return { type: 'string', array: true, describe, ...alias };
    case 'pair':
      return { type: 'string', nargs: 2, describe, ...alias };
    case 'string':
      return spec.choices === undefined
        ? { type: 'string', describe, ...alias }
        : { type: 'string', choices: [...spec.choices], default: spec.default, describe, ...alias };
  }
}

function defaultNote(spec: FlagSpec): string {
  // yargs shows a boolean's and a choice's default itself.
  if (spec.type === 'boolean' || spec.choices !== undefined) return '';
  if (spec.defaultText !== undefined) return `[default: ${spec.defaultText}]`;
  return spec.default === undefined ? '' : `[default: ${String(spec.default)}]`;
}

/**
 * One command's flags as typed, read through their declarations: the one
 * place a flag's text becomes a typed value. Every refusal names the flag
 * and points to the command's --help.
 */
export class Flags {
  readonly command: string;
  readonly raw: Raw;
  readonly #specs: FlagSpecs;

  constructor(command: string, raw: Raw, specs: FlagSpecs) {
    this.command = command;
    this.raw = raw;
    this.#specs = specs;
  }

  /** The same command's flags with some values set (a resumed run's recorded ones, below those typed). */
  with(values: Raw): Flags {
    return new Flags(this.command, { ...this.raw, ...values }, this.#specs);
  }

  /** Whether the flag was given (a switch: turned on). */
  given(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== false;
  }

  boolean(name: string): boolean {
    return this.raw[name] === true;
  }

  /** A text value, trimmed; undefined when not given or empty. Given twice is refused. */
  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) throw failure(OPTION_WORDS, 'TIC-FLAG-TWICE', { flag: name });
    return nonEmpty(String(value));
  }

  /** A text value exactly as typed (a tab or a sheet's spaces count); undefined when not given. */
  verbatim(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) throw failure(OPTION_WORDS, 'TIC-FLAG-TWICE', { flag: name });
    return String(value);
  }

  /** A repeatable flag's values: none, one, or one per time it was given. */
  list(name: string): string[] {
    const value = this.raw[name];
    const values = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    return values.map((item) => nonEmpty(String(item))).filter((item): item is string => item !== undefined);
  }

  /** A `pair` flag's two values, trimmed; undefined when not given. Given twice is refused. */
  pair(name: string): readonly [string, string] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    const values = (Array.isArray(value) ? value : [value]).map((item) => String(item).trim());
    if (values.length !== 2) throw failure(OPTION_WORDS, 'TIC-FLAG-PAIR', { flag: name, command: this.command });
    return [values[0] ?? '', values[1] ?? ''];
  }

  /** A whole number within the flag's bounds; its default when not given. */
  number(name: string): number {
    const value = this.optionalNumber(name);
    if (value !== undefined) return value;
    const fallback = this.#spec(name).default;
    if (typeof fallback !== 'number') throw new Error(`--${name} has no default`);
    return fallback;
  }

  /** A whole number within the flag's bounds, or undefined when not given. */
  optionalNumber(name: string): number | undefined {
    const raw = this.raw[name];
    if (raw === undefined) return undefined;
    const { min = 0, max = Number.MAX_SAFE_INTEGER } = this.#spec(name);
    const text = String(raw).trim();
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw failure(OPTION_WORDS, 'TIC-FLAG-NUMBER', { flag: name, min, max, text, command: this.command });
    }
    return value;
  }

  /** A share between 0 and 1 (the mock's fault rates); 0 when not given. */
  share(name: string): number {
    const raw = this.raw[name];
    if (raw === undefined) return 0;
    const text = String(raw).trim();
    const value = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(value)) throw failure(OPTION_WORDS, 'TIC-FLAG-SHARE', { flag: name, text, command: this.command });
    return value;
  }

  /**
   * The declared relations between the flags given: a flag given with one it
   * conflicts with, or without one it requires, is refused with the reason
   * its declaration gives.
   */
  checkRelations(): void {
    for (const [name, spec] of Object.entries(this.#specs)) {
      if (!this.given(name)) continue;
      for (const [other, why] of Object.entries(spec.conflicts ?? {})) {
        if (this.given(other)) throw failure(OPTION_WORDS, 'TIC-FLAGS-CONFLICT', { flag: name, other, why });
      }
      for (const [other, why] of Object.entries(spec.requires ?? {})) {
        if (!this.given(other)) throw failure(OPTION_WORDS, 'TIC-FLAG-REQUIRES', { flag: name, other, why });
      }
    }
  }

  #spec(name: string): FlagSpec {
    const spec = this.#specs[name];
    if (spec === undefined) throw new Error(`${this.command} declares no --${name}`);
    return spec;
  }
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids a repeatable flag names, each a UUID, each once, in lower case. */
export function uuids(flags: Flags, name: string, what: string): string[] {
  const values = flags.list(name);
  const wrong = values.find((value) => !UUID.test(value));
  if (wrong !== undefined) throw failure(OPTION_WORDS, 'TIC-NOT-AN-ID', { flag: name, text: wrong, what });
  return [...new Set(values.map((value) => value.toLowerCase()))];
}

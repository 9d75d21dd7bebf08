import type { RecordedOptions } from '../../report/run-record.js';
import { guardFlags } from './guard.js';
import { pacingFlags } from './pacing.js';
import type { Raw } from './spec.js';

/**
 * Every setting run.json records that a flag sets, with the flag and its
 * value as typed: how a resumed run takes its options back, and how a
 * printed command says them again. `default` is the value that needs no flag.
 */
const RECORDED_FLAGS: readonly {
  readonly flag: string;
  readonly key: keyof RecordedOptions;
  readonly typed: (options: RecordedOptions) => Typed;
  readonly default?: string;
  readonly onByDefault?: boolean;
}[] = [
  { flag: 'base-url', key: 'target', typed: (options) => options.target },
  { flag: 'api-key-file', key: 'apiKeyFile', typed: (options) => options.apiKeyFile ?? undefined },
  { flag: 'concurrency', key: 'concurrency', typed: (options) => digits(options.concurrency), default: String(pacingFlags.concurrency.default) },
  // Not given, it is null: a resumed run follows the API's limit as the run did.
  { flag: 'rate', key: 'ratePerMinute', typed: (options) => digits(options.ratePerMinute ?? undefined) },
  { flag: 'burst', key: 'burst', typed: (options) => digits(options.burst), default: String(pacingFlags.burst.default) },
  { flag: 'timeout', key: 'timeoutMs', typed: (options) => digits(options.timeoutMs), default: String(pacingFlags.timeout.default) },
  { flag: 'retries', key: 'retries', typed: (options) => digits(options.retries), default: String(pacingFlags.retries.default) },
  { flag: 'retry-delay', key: 'retryDelayMs', typed: (options) => digits(options.retryDelayMs), default: String(pacingFlags['retry-delay'].default) },
  {
    flag: 'max-throttle-wait',
    key: 'maxThrottleWaitMs',
    typed: (options) => digits(options.maxThrottleWaitMs === undefined ? undefined : options.maxThrottleWaitMs / 1000),
    default: String(pacingFlags['max-throttle-wait'].default),
  },
  {
    flag: 'circuit-breaker',
    key: 'circuitBreaker',
    typed: (options) => digits(options.circuitBreaker),
    default: String(pacingFlags['circuit-breaker'].default),
  },
  { flag: 'skip-invalid', key: 'skipInvalid', typed: (options) => options.skipInvalid },
  // A run.json written before apply read before it wrote has no `blind`: such a run was blind.
  { flag: 'blind', key: 'blind', typed: (options) => options.blind ?? true },
  { flag: 'client', key: 'clients', typed: (options) => options.clients },
  {
    flag: 'max-staleness',
    key: 'maxStalenessMs',
    typed: (options) => digits(options.maxStalenessMs === null || options.maxStalenessMs === undefined ? undefined : options.maxStalenessMs / 1000),
    default: String(guardFlags['max-staleness'].default),
  },
  // A run.json written before reconciliation records none: such a run was not reconciled.
  { flag: 'reconcile', key: 'reconcile', typed: (options) => (options.blind === true ? undefined : (options.reconcile ?? false)), onByDefault: true },
  { flag: 'max-balance-change', key: 'limits', typed: (options) => digits(options.limits?.maxBalanceChange ?? undefined) },
  { flag: 'max-total-change', key: 'limits', typed: (options) => digits(options.limits?.maxTotalChange ?? undefined) },
  { flag: 'max-rows', key: 'limits', typed: (options) => digits(options.limits?.maxRows ?? undefined) },
  { flag: 'max-expiry-move', key: 'limits', typed: (options) => digits(options.limits?.maxExpiryMoveDays ?? undefined) },
  { flag: 'encoding', key: 'encoding', typed: (options) => options.encoding ?? undefined },
  { flag: 'delimiter', key: 'delimiter', typed: (options) => options.delimiter ?? undefined },
  { flag: 'sheet', key: 'sheet', typed: (options) => options.sheet ?? undefined },
  { flag: 'date-only', key: 'dateOnly', typed: (options) => options.dateOnly, default: 'end-of-day' },
  { flag: 'timezone', key: 'timezone', typed: (options) => options.timezone, default: 'UTC' },
  { flag: 'date-format', key: 'dateFormat', typed: (options) => options.dateFormat ?? undefined },
  { flag: 'thousands-separator', key: 'thousandsSeparator', typed: (options) => options.thousandsSeparator ?? undefined },
  { flag: 'allow-past-expiry', key: 'allowPastExpiry', typed: (options) => options.allowPastExpiry },
  { flag: 'extra-column', key: 'extraColumns', typed: (options) => (Array.isArray(options.extraColumns) ? options.extraColumns : undefined) },
  { flag: 'excel', key: 'excel', typed: (options) => options.excel },
  { flag: 'log-level', key: 'logLevel', typed: (options) => options.logLevel, default: 'info' },
];

/** A value as yargs would hand it over: text, a switch, or a repeated option's list. */
type Typed = string | boolean | readonly string[] | undefined;

const digits = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(value));

/** The flag that sets a recorded setting, for messages. */
export function flagOf(key: keyof RecordedOptions): string {
  return `--${RECORDED_FLAGS.find((entry) => entry.key === key)?.flag ?? key}`;
}

/**
 * The recorded settings as flags, for those not typed; the recorded target
 * only when nothing else names one (`targetNamed`), so that the run's own
 * check refuses a target named otherwise rather than the record overriding it.
 */
export function recordedArgv(options: RecordedOptions, typed: ReadonlySet<string>, targetNamed: boolean): Raw {
  const argv: Record<string, Typed> = {};
  for (const { flag, typed: value } of RECORDED_FLAGS) {
    if (typed.has(flag) || (flag === 'base-url' && targetNamed)) continue;
    const given = value(options);
    if (given !== undefined) argv[flag] = given;
  }
  return argv;
}

/**
 * The flags that make a new run take the options this one was started with,
 * leaving out those at their default and those in `omit`: what a printed
 * command carries so that, pasted, it does what the run did.
 */
export function recordedFlags(options: RecordedOptions, omit: readonly string[]): string[] {
  const words: string[] = [];
  for (const { flag, typed, default: fallback, onByDefault } of RECORDED_FLAGS) {
    if (omit.includes(flag)) continue;
    const value = typed(options);
    // A switch on by default is said only when it was turned off.
    if (onByDefault === true) {
      if (value === false) words.push(`--no-${flag}`);
      continue;
    }
    if (value === undefined || value === false || value === fallback) continue;
    if (value === true) words.push(`--${flag}`);
    else for (const item of typeof value === 'string' ? [value] : value) words.push(`--${flag} ${shellWord(FLAG_WORDS[item] ?? item)}`);
  }
  return words;
}

/** Values a flag names in words, since a tab or a space would not survive a shell. */
const FLAG_WORDS: Readonly<Record<string, string>> = { '\t': 'tab', ' ': 'space' };

/** `text` as one word of a POSIX shell: as it is when that is safe, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w./:,+@%=-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * The long options typed in `args` (`--rate`, `--rate=5`, `--no-excel`,
 * `--dateFormat`), by their kebab-case names. Only long options are recorded
 * in run.json, so the short ones (-y, -q) need not be known here.
 */
export function typedOptions(args: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = (arg.slice(2).split('=')[0] ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    names.add(name.startsWith('no-') ? name.slice(3) : name);
  }
  return names;
}

import type { LogLevel } from '../log.js';
import type { LayoutChoice } from '../read/layout.js';
import { keyKind, type ApiTarget } from '../send/api-target.js';
import type { RetryPolicy } from '../send/retry.js';
import type { FieldRules } from '../validate/rules.js';

/** How rows are sent: resolved and checked once, by the CLI's option parsing. */
export interface SendOptions {
  readonly target: ApiTarget;
  readonly concurrency: number;
  /** Requests per minute; 0 leaves the pace to the server's rate-limit headers. */
  readonly ratePerMinute: number;
  /** Requests that may start at once after an idle spell. */
  readonly burst: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Longest a row may be held back by 429 pauses, in all, before it fails. */
  readonly maxThrottleWaitMs: number;
  /** Consecutive rows failing after every retry that stop the run; 0 never stops it. */
  readonly circuitBreaker: number;
}

/** Everything one run needs to know. */
export interface RunOptions {
  readonly command: 'apply' | 'validate';
  readonly inputPath: string;
  /** The run folder; undefined picks `reports/<UTC time>-<input name>/`. */
  readonly outDir: string | undefined;
  readonly logLevel: LogLevel;
  /** Send the valid rows even though some rows are invalid. */
  readonly skipInvalid: boolean;
  /** Validate and show what would be sent, send nothing. */
  readonly dryRun: boolean;
  /** The folder of an interrupted run to continue: its updated rows are not sent again. */
  readonly resume: string | undefined;
  /** The encoding and delimiter the user named; the rest is read from the file. */
  readonly read: LayoutChoice;
  /** How to read dates and numbers that could mean more than one thing. */
  readonly rules: FieldRules;
  /** Write report.csv and failed.csv with a UTF-8 byte order mark, for Excel. */
  readonly excel: boolean;
  /** Absent for `validate`; for `apply --dry-run` it is checked but never used to send. */
  readonly send: SendOptions | undefined;
}

/**
 * The options that decide what a cell means, by their key in run.json and
 * summary.json and their flag. A resumed run must read the file as its first
 * session did; a re-run of failed.csv (UTF-8, comma-separated, cells as
 * given) needs the ones that are not about the file's layout.
 */
export const READING_OPTIONS = [
  { key: 'encoding', flag: '--encoding', layout: true },
  { key: 'delimiter', flag: '--delimiter', layout: true },
  { key: 'dateOnly', flag: '--date-only', layout: false },
  { key: 'timezone', flag: '--timezone', layout: false },
  { key: 'dateFormat', flag: '--date-format', layout: false },
  { key: 'thousandsSeparator', flag: '--thousands-separator', layout: false },
  { key: 'allowPastExpiry', flag: '--allow-past-expiry', layout: false },
] as const;

/** The options as recorded in run.json, the log and summary.json: everything but the key. */
export function describeOptions(options: RunOptions): Record<string, unknown> {
  const send = options.send;
  const { rules } = options;
  return {
    skipInvalid: options.skipInvalid,
    dryRun: options.dryRun,
    out: options.outDir ?? null,
    logLevel: options.logLevel,
    excel: options.excel,
    encoding: options.read.encoding ?? null,
    delimiter: options.read.delimiter ?? null,
    dateOnly: rules.dateOnly,
    timezone: rules.timezone,
    dateFormat: rules.dateFormat?.text ?? null,
    thousandsSeparator: rules.thousandsSeparator ?? null,
    allowPastExpiry: rules.allowPastExpiry,
    ...(send === undefined
      ? {}
      : {
          target: send.target.origin,
          keyKind: keyKind(send.target.apiKey),
          concurrency: send.concurrency,
          ratePerMinute: send.ratePerMinute,
          burst: send.burst,
          timeoutMs: send.timeoutMs,
          retries: send.retry.retries,
          retryDelayMs: send.retry.baseDelayMs,
          maxThrottleWaitMs: send.maxThrottleWaitMs,
          circuitBreaker: send.circuitBreaker,
        }),
  };
}

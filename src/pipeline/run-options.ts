import type { LogLevel } from '../log.js';
import type { ApiTarget } from '../send/api-target.js';
import type { RetryPolicy } from '../send/retry.js';

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
  /** Absent for `validate`; for `apply --dry-run` it is checked but never used to send. */
  readonly send: SendOptions | undefined;
}

import type { LogLevel } from '../log.js';
import type { ApiTarget } from '../send/api-target.js';
import type { RetryPolicy } from '../send/retry.js';

/** How rows are sent: resolved and checked once, by the CLI's option parsing. */
export interface SendOptions {
  readonly target: ApiTarget;
  readonly concurrency: number;
  /** Requests per minute; 0 turns client-side pacing off. */
  readonly ratePerMinute: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
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
  /** Absent for `validate`; for `apply --dry-run` it is checked but never used to send. */
  readonly send: SendOptions | undefined;
}

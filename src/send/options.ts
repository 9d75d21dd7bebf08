import type { PacingStats } from '../core/run-facts.js';
import type { ApiTarget } from './api-target.js';
import type { RetryPolicy } from './retry.js';

/** How requests are sent: resolved and checked once, by the command line's option parsing. */
export interface SendOptions {
  readonly target: ApiTarget;
  readonly concurrency: number;
  /** Requests per minute at the start; 0 sends unpaced until the API states its limit or answers 429. */
  readonly ratePerMinute: number;
  /**
   * --rate as given: the pace never goes above it (0: no ceiling). Undefined
   * when --rate was not given: the API's limit, stated in its X-RateLimit-Limit
   * or shown by its 429s, sets the pace, above the start or below.
   */
  readonly maxRatePerMinute: number | undefined;
  /**
   * Where `ratePerMinute` comes from: --rate (`told`), the default (`guessed`:
   * raised quickly while the API states no limit and answers no 429), or the
   * pace an earlier run against the target learned (`remembered`: raised slowly).
   */
  readonly rateFrom: 'told' | 'guessed' | 'remembered';
  /** Requests that may start at once after an idle spell. */
  readonly burst: number;
  /** --burst was not given: the API's first answer tells its burst (X-RateLimit-Remaining); `burst` holds until then. */
  readonly learnBurst: boolean;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Longest a request may be held back by 429 pauses, in all, before it fails. */
  readonly maxThrottleWaitMs: number;
  /** Consecutive items failing after every retry that stop the run; 0 never stops it. */
  readonly circuitBreaker: number;
}

/**
 * The options of a later executor on the same key, in the same run (the
 * credit ledger read once the writes are sent): it starts at the pace the
 * first one ended at, with the burst it learned, rather than learning them
 * again from the API's answers, or its 429s.
 */
export function continuing(send: SendOptions, pacing: PacingStats | undefined): SendOptions {
  if (pacing === undefined || pacing.learnedRatePerMinute === null || pacing.ratePerMinute <= 0) return send;
  return { ...send, ratePerMinute: pacing.ratePerMinute, rateFrom: 'remembered', ...(pacing.learnedBurst === null ? {} : { burst: pacing.learnedBurst }) };
}

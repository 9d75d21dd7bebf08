import type { ApiTarget } from './api-target.js';
import type { RetryPolicy } from './retry.js';

/** How requests are sent: resolved and checked once, by the command line's option parsing. */
export interface SendOptions {
  readonly target: ApiTarget;
  readonly concurrency: number;
  /** Requests per minute; 0 leaves the pace to the server's rate-limit headers. */
  readonly ratePerMinute: number;
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

import pRetry, { AbortError } from 'p-retry';
import { ApiError } from '../core/errors.js';
import { apiFailure } from '../core/words.js';
import { API_WORDS } from '../core/words/api.js';
import { systemClock, type Clock } from './clock.js';

export interface RetryPolicy {
  /** Further attempts after the first, for transient failures only. */
  readonly retries: number;
  /** The first backoff's ceiling; each later one doubles it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this fails the request rather than stalling it. */
  readonly maxRetryAfterMs: number;
}

/**
 * What to do after a failed attempt. This is the one place that decides it:
 * - `backoff`: try again after `delayMs`, spending one of --retries;
 * - `throttled`: the key's rate limit was reached (429): every request of the
 *   run waits (the throttle's pause), and this one goes again without
 *   spending a retry, since the request itself was not at fault;
 * - `fail`: this request has failed; the run goes on with the others;
 * - `stop`: no request of the run can succeed (key refused, redirect, unknown
 *   host, untrusted certificate): the run stops.
 */
export type RetryDecision =
  | { readonly action: 'backoff'; readonly delayMs: number }
  | { readonly action: 'throttled' }
  | { readonly action: 'fail'; readonly error: ApiError }
  | { readonly action: 'stop'; readonly error: ApiError };

export interface DecisionContext {
  /** Retries already spent on this request. */
  readonly retriesUsed: number;
  readonly policy: RetryPolicy;
  /** Whether a throttle shares the key's pace between requests; without one a 429 is waited out like any fault. */
  readonly throttled: boolean;
}

export function decide(error: ApiError, context: DecisionContext): RetryDecision {
  if (stopsTheRun(error)) return { action: 'stop', error };
  if (!error.retryable) return { action: 'fail', error };
  if (error.status === 429 && context.throttled) return { action: 'throttled' };
  if (context.retriesUsed >= context.policy.retries) return { action: 'fail', error };
  if (error.retryAfterMs !== undefined && error.retryAfterMs > context.policy.maxRetryAfterMs) {
    const waited = apiFailure(
      API_WORDS,
      'TIC-API-WAIT-TOO-LONG',
      { failure: error.message, seconds: Math.ceil(error.retryAfterMs / 1000) },
      error.status === undefined ? {} : { status: error.status },
    );
    return { action: 'fail', error: waited };
  }
  return { action: 'backoff', delayMs: retryDelay(error, context.retriesUsed + 1, context.policy) };
}

/** Failures after which no request of the run can succeed. */
export function stopsTheRun(error: ApiError): boolean {
  return error.kind === 'auth' || error.kind === 'aborted';
}

/** At least what the server asked for; otherwise full jitter: uniform in [0, min(max, base * 2^(n-1))). */
export function retryDelay(error: ApiError, attemptNumber: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
  const backoff = Math.random() * ceiling;
  return Math.round(Math.max(error.retryAfterMs ?? 0, backoff));
}

export interface RetryHooks {
  /** Stops the waiting between attempts; an attempt already under way still delivers its result. */
  readonly signal?: AbortSignal;
  /** Called before each backoff, with the failure that caused it. */
  readonly onRetry?: (error: ApiError, attemptNumber: number, delayMs: number) => void;
  /**
   * Given, a 429 is the key's and not the request's: it is handed here (to
   * pause every request) and the request goes again at once, its next turn
   * waiting out the pause. Absent, a 429 is backed off like any fault.
   */
  readonly onThrottled?: (error: ApiError) => void;
  readonly clock?: Clock;
}

/**
 * Runs `attempt` until it succeeds or `decide` says otherwise, with p-retry's
 * loop and hooks: `shouldRetry` and `shouldConsumeRetry` carry the decision,
 * so a throttled request retries without spending one of --retries. p-retry's
 * own count is unbounded because it would end a throttled request once the
 * retries are spent; the count that matters is `retriesConsumed`. Any error
 * that is not an ApiError (a bug) ends the request at once.
 */
export function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const clock = hooks.clock ?? systemClock;
  let decision: RetryDecision = { action: 'backoff', delayMs: 0 };
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt(attemptNumber);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new AbortError(error as Error);
      }
    },
    {
      retries: Number.POSITIVE_INFINITY,
      // The wait happens in onFailedAttempt, where the failure and its Retry-After are known.
      minTimeout: 0,
      // The stop signal is deliberately not given to p-retry: it throws away a result that
      // arrives after the signal aborted, and a request the API applied must be reported
      // as updated. The waits below honour the signal instead.
      onFailedAttempt: async ({ error, attemptNumber, retriesConsumed }) => {
        const failure = error as ApiError;
        decision = decide(failure, { retriesUsed: retriesConsumed, policy, throttled: hooks.onThrottled !== undefined });
        if (decision.action === 'throttled') hooks.onThrottled?.(failure);
        else if (decision.action === 'backoff') {
          hooks.onRetry?.(failure, attemptNumber, decision.delayMs);
          await clock.sleep(decision.delayMs, hooks.signal);
        } else if (decision.error !== failure) throw decision.error;
      },
      shouldRetry: () => decision.action === 'backoff' || decision.action === 'throttled',
      shouldConsumeRetry: () => decision.action === 'backoff',
    },
  );
}

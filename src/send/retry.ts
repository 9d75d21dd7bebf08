import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { ApiError } from '../core/errors.js';

export interface RetryPolicy {
  /** Further attempts after the first, for transient failures only. */
  readonly retries: number;
  /** The first backoff's ceiling; each later one doubles it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this fails the row rather than stalling it. */
  readonly maxRetryAfterMs: number;
}

export interface RetryHooks {
  /** Stops the waiting between attempts; an attempt already under way still delivers its result. */
  readonly signal?: AbortSignal;
  /** Called before each wait, with the failure that caused it. */
  readonly onRetry?: (error: ApiError, attemptNumber: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, retrying only retryable ApiErrors, waiting
 * between tries for what the server asked (Retry-After) or else an exponential
 * backoff with full jitter, so workers that failed together do not retry together.
 * Any other error ends the row at once.
 */
export function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt(attemptNumber);
      } catch (error) {
        if (error instanceof ApiError && error.retryable) throw error;
        throw new AbortError(error as Error);
      }
    },
    {
      retries: policy.retries,
      // The wait happens in onFailedAttempt, where the failure and its Retry-After are known.
      minTimeout: 0,
      // The stop signal is deliberately not given to p-retry: it throws away a result that
      // arrives after the signal aborted, and a request the API applied must be reported
      // as updated. The waits below honour the signal instead.
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0) return;
        const failure = error as ApiError;
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs) {
          throw new ApiError('transient', `${failure.message}; the API asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s before trying again, longer than ti-credits waits for one row`, {
            ...(failure.status === undefined ? {} : { status: failure.status }),
          });
        }
        const delayMs = retryDelay(failure, attemptNumber, policy);
        hooks.onRetry?.(failure, attemptNumber, delayMs);
        await sleep(delayMs, undefined, hooks.signal === undefined ? {} : { signal: hooks.signal });
      },
    },
  );
}

/** At least what the server asked for; otherwise full jitter: uniform in [0, min(max, base * 2^(n-1))). */
export function retryDelay(error: ApiError, attemptNumber: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
  const backoff = Math.random() * ceiling;
  return Math.round(Math.max(error.retryAfterMs ?? 0, backoff));
}

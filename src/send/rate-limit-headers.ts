type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** What one answer says of the key's rate limit; a field is absent when the header is missing or unreadable. */
export interface RateLimitState {
  /** X-RateLimit-Limit: requests per minute allowed to the key. */
  readonly limit?: number;
  /** X-RateLimit-Remaining: requests the key may still send at once. */
  readonly remaining?: number;
}

/** Waited after a 429 that names no time at all: long enough not to hammer, short enough not to stall. */
export const DEFAULT_THROTTLE_PAUSE_MS = 1000;

/**
 * X-RateLimit-Reset is not read here: the API's limit is a token bucket, whose
 * next free request comes long before the bucket is full again, so pacing
 * follows Limit and Remaining and only a 429 without Retry-After waits for Reset.
 */
export function readRateLimit(headers: Headers): RateLimitState {
  const limit = wholeNumber(headers['x-ratelimit-limit']);
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  return {
    ...(limit === undefined || limit === 0 ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
  };
}

/**
 * How long a 429 holds back every request of the key: what it asked for
 * (Retry-After, or the body's `retryAfter`, as read with the rest of the
 * answer), else until X-RateLimit-Reset, else a short default; and never
 * less than `floorMs` (the throttle's `minPauseMs`), since a 429 asking for
 * no wait at all (`Retry-After: 0`, a date already past) would otherwise be
 * answered at once, and again, as fast as the network allows.
 */
export function throttlePauseMs(askedMs: number | undefined, headers: Headers, nowMs: number, floorMs: number): number {
  return Math.max(floorMs, askedPauseMs(askedMs, headers, nowMs));
}

function askedPauseMs(askedMs: number | undefined, headers: Headers, nowMs: number): number {
  if (askedMs !== undefined) return askedMs;
  const resetAtMs = resetTime(headers['x-ratelimit-reset'], nowMs);
  if (resetAtMs !== undefined) return Math.max(0, resetAtMs - nowMs);
  return DEFAULT_THROTTLE_PAUSE_MS;
}

function first(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim();
}

function wholeNumber(value: string | string[] | undefined): number | undefined {
  const text = first(value);
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** Unix seconds, as documented; an HTTP date is read too, since servers send either. */
function resetTime(value: string | string[] | undefined, nowMs: number): number | undefined {
  const seconds = wholeNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  const text = first(value);
  if (text === undefined || text === '') return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(date, nowMs);
}

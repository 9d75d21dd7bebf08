/** The API's documented limit: so many requests per minute per key, with a burst allowance. */
export interface RateLimitOptions {
  readonly perMinute: number;
  readonly burst: number;
  /**
   * Whether answers state the limit in X-RateLimit-* headers, as TI's docs
   * promise (the default); false answers as a gateway that strips them does.
   */
  readonly headers?: boolean;
  /** What a 429's Retry-After says: the honest wait (the default), or 0, as some servers answer whatever the wait. */
  readonly retryAfter?: 'honest' | 'zero';
}

/** What the limiter decided for one request: the headers every answer carries, and whether it may proceed. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** When refused: whole seconds until a request would be allowed, as Retry-After says it. */
  readonly retryAfterSeconds?: number;
}

/**
 * A token bucket per API key, refilled continuously at `perMinute`, holding at
 * most `burst` requests. X-RateLimit-Reset is the Unix second by which the
 * bucket is full again; a refused request is told, in Retry-After, when the
 * next one will be allowed.
 */
export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: RateLimitOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  take(key: string): RateDecision {
    const { perMinute, burst } = this.#options;
    const perMs = perMinute / 60_000;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const headers =
      this.#options.headers === false
        ? {}
        : {
            'x-ratelimit-limit': String(perMinute),
            'x-ratelimit-remaining': String(Math.floor(bucket.tokens)),
            'x-ratelimit-reset': String(Math.ceil((now + (burst - bucket.tokens) / perMs) / 1000)),
          };
    if (allowed) return { allowed, headers };
    const retryAfterSeconds = this.#options.retryAfter === 'zero' ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    return { allowed, headers: { ...headers, 'retry-after': String(retryAfterSeconds) }, retryAfterSeconds };
  }
}

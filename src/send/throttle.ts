import { setTimeout as sleep } from 'node:timers/promises';
import { TokenBucket } from 'limiter';
import type { RateLimitState } from './rate-limit-headers.js';

export interface ThrottleOptions {
  /** Requests per minute; 0 leaves the pace to what the server's headers say. */
  readonly ratePerMinute: number;
  /** Requests that may start at once after an idle spell. */
  readonly burst: number;
}

export interface ThrottleEvents {
  /** The pace changed to follow the server's X-RateLimit-Limit. */
  readonly onPaceChange?: (ratePerMinute: number, previous: number) => void;
}

/** Leave to send one request. */
export interface Turn {
  /** The request's place in the order requests were let through: tells which later requests an answer cannot know of. */
  readonly ticket: number;
  /** How long this turn was held back by pauses after 429s. */
  readonly pausedMs: number;
}

/**
 * Requests kept in reserve below the burst. A request that spends longer on
 * its way than the others reaches the server later than it left; while the
 * server's bucket is full it earns nothing in that time, and the client's
 * bucket, which did, would be ahead of it. One request in reserve absorbs a
 * delay of one request's interval (half a second at 120 per minute).
 */
const RESERVE = 1;

/**
 * The pace of one run, shared by every worker, because the API's limit is per
 * key: a token bucket at `ratePerMinute` holding `burst` requests (limiter's
 * TokenBucket), kept in step with the server's own bucket as answers come in,
 * and paused as a whole when the server answers 429.
 */
export class Throttle {
  readonly #requested: number;
  readonly #size: number;
  readonly #events: ThrottleEvents;
  #rate: number;
  #bucket: TokenBucket | undefined;
  #issued = 0;
  #pausedUntil = 0;
  #pausedTotal = 0;
  #pauses = 0;

  constructor(options: ThrottleOptions, events: ThrottleEvents = {}) {
    this.#requested = options.ratePerMinute;
    this.#size = Math.max(1, options.burst - RESERVE);
    this.#events = events;
    this.#rate = options.ratePerMinute;
    this.#bucket = this.#rate > 0 ? this.#fullBucket(this.#rate) : undefined;
  }

  /**
   * Resolves when a request may be sent. Undefined when a pause in force
   * would hold this turn back for more than `maxPauseMs` in all; rejects if
   * `signal` aborts first.
   */
  async turn(signal: AbortSignal, maxPauseMs = Number.POSITIVE_INFINITY): Promise<Turn | undefined> {
    let pausedMs = 0;
    for (;;) {
      const pauseLeft = this.#pausedUntil - performance.now();
      if (pauseLeft > 0) {
        if (pausedMs + pauseLeft > maxPauseMs) return undefined;
        await sleep(pauseLeft, undefined, { signal });
        pausedMs += pauseLeft;
        continue;
      }
      if (this.#bucket !== undefined) await untilAborted(this.#bucket.removeTokens(1), signal);
      // A 429 may have paused everyone while this turn waited for its token.
      if (performance.now() >= this.#pausedUntil) return { ticket: ++this.#issued, pausedMs };
    }
  }

  /** Learns from an answer's rate-limit headers: the server's limit, and how much of its bucket is left. */
  observe(state: RateLimitState, turn: Turn): void {
    if (state.limit !== undefined) this.#follow(state.limit);
    const bucket = this.#bucket;
    if (state.remaining === undefined || bucket === undefined) return;
    // The server counted this request but not those let through after it, which are on their way.
    const unseen = this.#issued - turn.ticket;
    bucket.drip();
    bucket.content = Math.min(bucket.content, Math.max(0, state.remaining - unseen));
  }

  /**
   * Holds every turn back for `ms` from now, then lets requests through one
   * interval apart, since the server's bucket is empty. True when this starts
   * a pause, false when it extends (or falls within) one already in force.
   */
  pause(ms: number): boolean {
    const now = performance.now();
    const until = now + ms;
    const fresh = now >= this.#pausedUntil;
    if (fresh) {
      this.#pauses++;
      this.#pausedTotal += ms;
    } else if (until > this.#pausedUntil) {
      this.#pausedTotal += until - this.#pausedUntil;
    }
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    if (this.#bucket !== undefined) {
      this.#bucket.drip();
      this.#bucket.content = 0;
    }
    return fresh;
  }

  /** Requests per minute now: the lower of --rate and the server's limit; 0 when neither is known. */
  get ratePerMinute(): number {
    return this.#rate;
  }

  get pauses(): number {
    return this.#pauses;
  }

  /** How long the pause in force still holds every request back; 0 when none is. */
  get pauseLeftMs(): number {
    return Math.max(0, Math.round(this.#pausedUntil - performance.now()));
  }

  /** Time during which sending was paused, so far. */
  get pausedMs(): number {
    return Math.round(this.#pausedTotal - Math.max(0, this.#pausedUntil - performance.now()));
  }

  #follow(limit: number): void {
    const pace = this.#requested === 0 ? limit : Math.min(this.#requested, limit);
    if (pace === this.#rate) return;
    const previous = this.#rate;
    this.#rate = pace;
    if (this.#bucket === undefined) {
      this.#bucket = this.#fullBucket(pace);
    } else {
      this.#bucket.drip();
      this.#bucket.tokensPerInterval = pace;
    }
    this.#events.onPaceChange?.(pace, previous);
  }

  #fullBucket(ratePerMinute: number): TokenBucket {
    const bucket = new TokenBucket({ bucketSize: this.#size, tokensPerInterval: ratePerMinute, interval: 'minute' });
    // limiter's bucket starts empty; the API's starts full, and so may a run.
    bucket.content = this.#size;
    return bucket;
  }
}

/** The promise, unless `signal` aborts first; a turn given up is simply never used. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // Not signal.reason: that may be the ApiError that stopped the run, which is no failure of this row.
  const stopped = (): DOMException => new DOMException('The run stopped', 'AbortError');
  if (signal.aborted) return Promise.reject(stopped());
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(stopped());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

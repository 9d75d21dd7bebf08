import { systemClock, type Clock } from './clock.js';
import { DEFAULT_THROTTLE_PAUSE_MS, type RateLimitState } from './rate-limit-headers.js';
import { TokenBucket } from './token-bucket.js';

export interface ThrottleOptions {
  /** Requests per minute; 0 leaves the pace to what the server's headers say. */
  readonly ratePerMinute: number;
  /** Requests that may start at once after an idle spell. */
  readonly burst: number;
  /** The burst was not given: the first answer that says how many requests remain tells it, and `burst` holds until then. */
  readonly learnBurst?: boolean;
}

export interface ThrottleEvents {
  /** The pace changed to follow the server's X-RateLimit-Limit. */
  readonly onPaceChange?: (ratePerMinute: number, previous: number) => void;
  /** The server's burst, as its first answer told it. */
  readonly onBurstLearned?: (burst: number) => void;
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
 * key: a token bucket at `ratePerMinute` holding `burst` requests, kept in
 * step with the server's own bucket as answers come in, and paused as a whole
 * when the server answers 429.
 */
export class Throttle {
  readonly #requested: number;
  #size: number;
  #learnBurst: boolean;
  readonly #events: ThrottleEvents;
  readonly #clock: Clock;
  #rate: number;
  /** The API's own limit, once an answer has said it. */
  #apiLimit: number | undefined;
  #bucket: TokenBucket | undefined;
  #issued = 0;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #pausedTotal = 0;
  #pauses = 0;

  constructor(options: ThrottleOptions, events: ThrottleEvents = {}, clock: Clock = systemClock) {
    this.#requested = options.ratePerMinute;
    this.#size = Math.max(1, options.burst - RESERVE);
    this.#learnBurst = options.learnBurst ?? false;
    this.#events = events;
    this.#clock = clock;
    this.#rate = options.ratePerMinute;
    this.#bucket = this.#rate > 0 ? this.#fullBucket(this.#rate) : undefined;
  }

  /**
   * Resolves when a request may be sent. Undefined when a pause in force
   * would hold this turn back for more than `maxPauseMs` in all; rejects with
   * an AbortError if `signal` aborts first.
   */
  async turn(signal: AbortSignal, maxPauseMs = Number.POSITIVE_INFINITY): Promise<Turn | undefined> {
    let pausedMs = 0;
    for (;;) {
      // Not signal.reason: that may be the ApiError that stopped the run, which is no failure of this request.
      if (signal.aborted) throw new DOMException('The run stopped', 'AbortError');
      const pauseLeft = this.#pausedUntil - this.#clock.now();
      if (pauseLeft > 0) {
        if (pausedMs + pauseLeft > maxPauseMs) return undefined;
        await this.#clock.sleep(pauseLeft, signal);
        pausedMs += pauseLeft;
        continue;
      }
      if (this.#bucket !== undefined) await this.#bucket.take(signal);
      // A 429 may have paused everyone while this turn waited for its token.
      if (this.#clock.now() >= this.#pausedUntil) return { ticket: ++this.#issued, pausedMs };
    }
  }

  /**
   * Learns from an answer's rate-limit headers: the server's limit, how much
   * of its bucket is left, and, when the burst was not given, how large that
   * bucket is.
   */
  observe(state: RateLimitState, turn: Turn): void {
    const learned = this.#learnBurst && state.remaining !== undefined;
    if (learned) this.#learn(state.remaining, turn);
    if (state.limit !== undefined) this.#follow(state.limit);
    if (state.remaining === undefined || this.#bucket === undefined) return;
    // The server counted this request but not those let through after it, which are on their way.
    const left = state.remaining - (this.#issued - turn.ticket);
    if (learned) this.#bucket.resize(this.#size, left);
    else this.#bucket.limit(left);
  }

  /**
   * Holds every turn back for `ms` from now, then lets requests through one
   * interval apart, since the server's bucket is empty. True when this starts
   * a pause, false when it extends (or falls within) one already in force.
   */
  pause(ms: number): boolean {
    const now = this.#clock.now();
    const until = now + ms;
    const fresh = now >= this.#pausedUntil;
    if (fresh) {
      this.#pauses++;
      this.#pausedTotal += ms;
    } else if (until > this.#pausedUntil) {
      this.#pausedTotal += until - this.#pausedUntil;
    }
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#bucket?.limit(0);
    return fresh;
  }

  /**
   * The shortest pause a 429 may cause: one interval of the pace once the API
   * has said its limit (its bucket earns a request in that time), and never
   * under a second before, since --rate is only the user's ceiling.
   */
  get minPauseMs(): number {
    const interval = this.#rate > 0 ? 60_000 / this.#rate : 0;
    return this.#apiLimit === undefined ? Math.max(DEFAULT_THROTTLE_PAUSE_MS, interval) : interval;
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
    return Math.max(0, Math.round(this.#pausedUntil - this.#clock.now()));
  }

  /** Time during which sending was paused, so far. */
  get pausedMs(): number {
    return Math.round(this.#pausedTotal - Math.max(0, this.#pausedUntil - this.#clock.now()));
  }

  /**
   * The first answer that says how many requests remain tells the server's
   * burst: its bucket held what remains plus the requests it had counted,
   * this one and at least every one let through before it. Later answers
   * would overstate it by what the bucket earned meanwhile, so only the
   * first is taken. The burst is used from then on, less the reserve, and
   * never beyond what remains (set in `observe`).
   */
  #learn(remaining: number, turn: Turn): void {
    this.#learnBurst = false;
    const burst = remaining + turn.ticket;
    this.#size = Math.max(1, burst - RESERVE);
    this.#events.onBurstLearned?.(burst);
  }

  #follow(limit: number): void {
    this.#apiLimit = limit;
    const pace = this.#requested === 0 ? limit : Math.min(this.#requested, limit);
    if (pace === this.#rate) return;
    const previous = this.#rate;
    this.#rate = pace;
    if (this.#bucket === undefined) this.#bucket = this.#fullBucket(pace);
    else this.#bucket.ratePerMinute = pace;
    this.#events.onPaceChange?.(pace, previous);
  }

  #fullBucket(ratePerMinute: number): TokenBucket {
    return new TokenBucket({ size: this.#size, ratePerMinute, clock: this.#clock });
  }
}

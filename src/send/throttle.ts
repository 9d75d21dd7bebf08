import { AdaptivePace } from './adaptive-pace.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_THROTTLE_PAUSE_MS, type RateLimitState } from './rate-limit-headers.js';
import { TokenBucket } from './token-bucket.js';

export interface ThrottleOptions {
  /** Requests per minute at the start; 0: unpaced until the server states its limit or answers 429. */
  readonly ratePerMinute: number;
  /**
   * The pace never goes above this (--rate). Absent, `ratePerMinute` is the
   * ceiling too (0: none); undefined given explicitly: none, the server's
   * limit sets the pace above the start or below.
   */
  readonly maxRatePerMinute?: number | undefined;
  /** How the start was chosen (see AdaptivePace): `told` unless said otherwise. */
  readonly startFrom?: 'told' | 'guessed' | 'remembered';
  /** Requests that may start at once after an idle spell. */
  readonly burst: number;
  /** The burst was not given: the first answer that says how many requests remain tells it, and `burst` holds until then. */
  readonly learnBurst?: boolean;
}

export interface ThrottleEvents {
  /** The pace changed to follow the server's X-RateLimit-Limit. */
  readonly onPaceChange?: (ratePerMinute: number, previous: number) => void;
  /** The pace was lowered after a 429 that stated no limit. */
  readonly onPaceLowered?: (ratePerMinute: number, previous: number) => void;
  /** The server's burst, as its first answer told it. */
  readonly onBurstLearned?: (burst: number) => void;
}

/** Leave to send one request. */
export interface Turn {
  /** The request's place in the order requests were let through: tells which later requests an answer cannot know of. */
  readonly ticket: number;
  /** How long this turn was held back by pauses after 429s. */
  readonly pausedMs: number;
  /** It took a token saved up while nothing was sent, rather than one earned at the pace: it rode a burst. */
  readonly saved?: boolean;
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
 * key: a token bucket holding `burst` requests, kept in step with the
 * server's own bucket as answers come in, and paused as a whole when the
 * server answers 429. Its pace is the server's X-RateLimit-Limit once an
 * answer states it (never above --rate); until then, and whenever the server
 * states none, the adaptive pace learned from the 429s (adaptive-pace.ts).
 */
export class Throttle {
  readonly #ceiling: number;
  #size: number;
  #learnBurst: boolean;
  #burstLearned: number | undefined;
  readonly #events: ThrottleEvents;
  readonly #clock: Clock;
  readonly #pace: AdaptivePace;
  /** The API's own limit, once an answer has said it. */
  #apiLimit: number | undefined;
  #bucket: TokenBucket | undefined;
  #issued = 0;
  /** Requests let through up to the last 429 that changed the pace: their 429s belong to it. */
  #episode = 0;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #pausedTotal = 0;
  #pauses = 0;

  constructor(options: ThrottleOptions, events: ThrottleEvents = {}, clock: Clock = systemClock) {
    const max = 'maxRatePerMinute' in options ? options.maxRatePerMinute : options.ratePerMinute;
    this.#ceiling = max === undefined || max <= 0 ? Number.POSITIVE_INFINITY : max;
    this.#size = Math.max(1, options.burst - RESERVE);
    this.#learnBurst = options.learnBurst ?? false;
    this.#events = events;
    this.#clock = clock;
    this.#pace = new AdaptivePace({ start: options.ratePerMinute, ceiling: this.#ceiling, from: options.startFrom ?? 'told' });
    const rate = this.#pace.ratePerMinute;
    this.#bucket = rate > 0 ? this.#fullBucket(rate) : undefined;
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
      const bucket = this.#bucket;
      if (bucket !== undefined && this.#apiLimit === undefined) bucket.ratePerMinute = this.#pace.ratePerMinute;
      const taken = bucket === undefined ? { waited: false, left: 0 } : await bucket.take(signal);
      // A 429 may have paused everyone while this turn waited for its token.
      if (this.#clock.now() >= this.#pausedUntil) {
        this.#pace.turn(this.#clock.now(), taken.waited);
        return { ticket: ++this.#issued, pausedMs, saved: taken.left >= 1 };
      }
    }
  }

  /**
   * Learns from an answer: from its rate-limit headers, the server's limit,
   * how much of its bucket is left, and, when the burst was not given, how
   * large that bucket is; from a 429 that states no limit, that the pace must
   * come down.
   */
  observe(state: RateLimitState, turn: Turn, status?: number): void {
    if (status !== 429) this.#pace.accepted();
    const learned = this.#learnBurst && state.remaining !== undefined;
    if (learned) this.#learn(state.remaining, turn);
    if (state.limit !== undefined) this.#follow(state.limit);
    else if (status === 429 && this.#apiLimit === undefined && turn.ticket > this.#episode) this.#refusedUnstated(turn);
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
    this.#bucket?.emptyUntil(this.#pausedUntil);
    return fresh;
  }

  /**
   * The shortest pause a 429 may cause: one interval of the pace once the API
   * has said its limit (its bucket earns a request in that time), and never
   * under a second before, since the pace is then only a guess.
   */
  get minPauseMs(): number {
    const rate = this.ratePerMinute;
    const interval = rate > 0 ? 60_000 / rate : 0;
    return this.#apiLimit === undefined ? Math.max(DEFAULT_THROTTLE_PAUSE_MS, interval) : interval;
  }

  /** Requests per minute now: the server's limit (never above --rate) once stated, else the adaptive pace; 0 while unpaced. */
  get ratePerMinute(): number {
    return this.#apiLimit === undefined ? this.#pace.ratePerMinute : Math.min(this.#ceiling, this.#apiLimit);
  }

  /** The server's limit as learned: stated in its X-RateLimit-Limit, or else the pace its 429s left; undefined when it said nothing either way. */
  get learnedRatePerMinute(): number | undefined {
    return this.#apiLimit ?? (this.#pace.lowered ? Math.round(this.#pace.ratePerMinute) : undefined);
  }

  /** Whether the server answered 429 without stating its limit, so that the pace was learned from its refusals. */
  get throttled(): boolean {
    return this.#pace.throttled && this.#apiLimit === undefined;
  }

  /** The server's burst as learned: from its first X-RateLimit-Remaining, or 1 once it answered 429 without stating a limit (no burst is trusted then). */
  get learnedBurst(): number | undefined {
    return this.#burstLearned ?? (this.throttled ? 1 : undefined);
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
    this.#burstLearned = burst;
    this.#size = Math.max(1, burst - RESERVE);
    this.#events.onBurstLearned?.(burst);
  }

  #follow(limit: number): void {
    const previous = this.ratePerMinute;
    this.#apiLimit = limit;
    const pace = Math.min(this.#ceiling, limit);
    if (this.#bucket === undefined) this.#bucket = this.#fullBucket(pace);
    else this.#bucket.ratePerMinute = pace;
    if (pace !== previous) this.#events.onPaceChange?.(pace, previous);
  }

  /**
   * A 429 without a limit stated, the first of its episode. One from a
   * request that rode a burst blames the burst: the server's is smaller than
   * ours, so no burst is sent again (a bucket of one). Any other lowers the pace.
   */
  #refusedUnstated(turn: Turn): void {
    this.#episode = this.#issued;
    const previous = this.#pace.ratePerMinute;
    this.#pace.refused(this.#clock.now(), !(turn.saved === true && this.#size > 1));
    this.#size = 1;
    const rate = this.#pace.ratePerMinute;
    if (this.#bucket === undefined) this.#bucket = new TokenBucket({ size: 1, ratePerMinute: rate, clock: this.#clock });
    else {
      this.#bucket.resize(1, 0);
      this.#bucket.ratePerMinute = rate;
    }
    if (rate !== previous) this.#events.onPaceLowered?.(Math.round(rate), Math.round(previous));
  }

  #fullBucket(ratePerMinute: number): TokenBucket {
    return new TokenBucket({ size: this.#size, ratePerMinute, clock: this.#clock });
  }
}

import type { Clock } from './clock.js';

/**
 * A token bucket on an injected clock: `size` tokens at most, refilled
 * continuously at `ratePerMinute`. The API's own limit is such a bucket, so
 * the client's is kept in step with it (see throttle.ts). Written here rather
 * than taken from a library because the pace must change mid-run, its content
 * must be set from the server's headers, and its clock must be a test's.
 */
export class TokenBucket {
  readonly #clock: Clock;
  #size: number;
  #perMs: number;
  #content: number;
  /** Refilled up to this moment; later than now while the bucket is held empty (`emptyUntil`). */
  #at: number;

  constructor(options: { readonly size: number; readonly ratePerMinute: number; readonly clock: Clock }) {
    this.#clock = options.clock;
    this.#size = options.size;
    this.#perMs = options.ratePerMinute / 60_000;
    // The API's bucket starts full, and so may a run's.
    this.#content = options.size;
    this.#at = options.clock.now();
  }

  /**
   * Waits until a token is there and takes it; rejects with an AbortError if
   * `signal` aborts first. Says whether it had to wait, and how many tokens
   * are left: a request that found some saved up rode a burst.
   */
  async take(signal: AbortSignal): Promise<{ readonly waited: boolean; readonly left: number }> {
    let waited = false;
    for (;;) {
      this.#drip();
      if (this.#content >= 1) {
        this.#content -= 1;
        return { waited, left: this.#content };
      }
      waited = true;
      const held = Math.max(0, this.#at - this.#clock.now());
      await this.#clock.sleep(held + Math.ceil((1 - this.#content) / this.#perMs), signal);
    }
  }

  /** Tokens now, refilled up to this moment. */
  get content(): number {
    this.#drip();
    return this.#content;
  }

  get size(): number {
    return this.#size;
  }

  /** Lowers (never raises) what the bucket holds, as when the server says less remains. */
  limit(content: number): void {
    this.#drip();
    this.#content = Math.max(0, Math.min(this.#content, content));
  }

  /**
   * Empty now, and earning nothing until `until`: after a 429 the server's
   * bucket is empty, and how much it saves up during the pause is unknown
   * (its burst may be smaller than ours), so sending resumes one interval
   * after the pause rather than with a burst.
   */
  emptyUntil(until: number): void {
    this.#drip();
    this.#content = 0;
    this.#at = Math.max(this.#at, until);
  }

  /** A new size, and what the bucket holds now (at most that size): when the server's burst is learned. */
  resize(size: number, content: number): void {
    this.#drip();
    this.#size = size;
    this.#content = Math.max(0, Math.min(size, content));
  }

  get ratePerMinute(): number {
    return this.#perMs * 60_000;
  }

  set ratePerMinute(ratePerMinute: number) {
    // What was earned at the old pace is kept.
    this.#drip();
    this.#perMs = ratePerMinute / 60_000;
  }

  #drip(): void {
    const now = this.#clock.now();
    if (now <= this.#at) return;
    this.#content = Math.min(this.#size, this.#content + (now - this.#at) * this.#perMs);
    this.#at = now;
  }
}

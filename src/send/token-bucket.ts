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
  #at: number;

  constructor(options: { readonly size: number; readonly ratePerMinute: number; readonly clock: Clock }) {
    this.#clock = options.clock;
    this.#size = options.size;
    this.#perMs = options.ratePerMinute / 60_000;
    // The API's bucket starts full, and so may a run's.
    this.#content = options.size;
    this.#at = options.clock.now();
  }

  /** Waits until a token is there and takes it; rejects with an AbortError if `signal` aborts first. */
  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      this.#drip();
      if (this.#content >= 1) {
        this.#content -= 1;
        return;
      }
      await this.#clock.sleep(Math.ceil((1 - this.#content) / this.#perMs), signal);
    }
  }

  /** Tokens now, refilled up to this moment. */
  get content(): number {
    this.#drip();
    return this.#content;
  }

  /** Lowers (never raises) what the bucket holds, as when the server says less remains. */
  limit(content: number): void {
    this.#drip();
    this.#content = Math.max(0, Math.min(this.#content, content));
  }

  /** A new size, and what the bucket holds now (at most that size): when the server's burst is learned. */
  resize(size: number, content: number): void {
    this.#drip();
    this.#size = size;
    this.#content = Math.max(0, Math.min(size, content));
  }

  set ratePerMinute(ratePerMinute: number) {
    // What was earned at the old pace is kept.
    this.#drip();
    this.#perMs = ratePerMinute / 60_000;
  }

  #drip(): void {
    const now = this.#clock.now();
    this.#content = Math.min(this.#size, this.#content + (now - this.#at) * this.#perMs);
    this.#at = now;
  }
}

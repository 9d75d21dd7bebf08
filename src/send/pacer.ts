import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces the start of requests evenly so the run stays under the API's
 * per-key limit. Every attempt, retries included, takes a turn. A rate of 0
 * turns pacing off (for the local mock and benchmarks).
 */
export class Pacer {
  readonly #intervalMs: number;
  #nextAt = 0;

  constructor(ratePerMinute: number) {
    this.#intervalMs = ratePerMinute > 0 ? 60_000 / ratePerMinute : 0;
  }

  /** Resolves when the caller may send; rejects if `signal` aborts first. */
  async turn(signal?: AbortSignal): Promise<void> {
    if (this.#intervalMs === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + this.#intervalMs;
    if (at > now) await sleep(at - now, undefined, signal === undefined ? {} : { signal });
  }
}

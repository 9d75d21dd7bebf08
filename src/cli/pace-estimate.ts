/**
 * The pace rows are finishing at, and so the time left, from what was
 * observed over the last minute: the rate limit dominates a long run, and a
 * pause after a 429 or a retry storm should show in the estimate while it
 * lasts, not be averaged away over an hour.
 */
export class PaceEstimate {
  readonly #windowMs: number;
  readonly #samples: { readonly at: number; readonly done: number }[] = [];

  constructor(windowMs = 60_000) {
    this.#windowMs = windowMs;
  }

  /** Records that `done` rows had finished at time `at` (ms). */
  observe(at: number, done: number): void {
    this.#samples.push({ at, done });
    while (this.#samples.length > 2 && (this.#samples[1]?.at ?? at) <= at - this.#windowMs) this.#samples.shift();
  }

  /**
   * Rows per minute over the window; before 5 s of observation, the pace
   * sending was told to keep (`fallbackPerMinute`, 0 when unknown).
   */
  rowsPerMinute(fallbackPerMinute: number): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (first === undefined || last === undefined || last.at - first.at < 5000) return fallbackPerMinute;
    return ((last.done - first.done) * 60_000) / (last.at - first.at);
  }

  /** Milliseconds until `remaining` rows are done at the pace given; undefined when no pace is known. */
  static timeLeftMs(remaining: number, rowsPerMinute: number): number | undefined {
    if (remaining <= 0) return 0;
    return rowsPerMinute > 0 ? (remaining / rowsPerMinute) * 60_000 : undefined;
  }
}

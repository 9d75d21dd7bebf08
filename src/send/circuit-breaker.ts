import type { SendResult } from './operation.js';

/**
 * Notices when the API has stopped answering usefully: `threshold` items in a
 * row (in the order they finish) failing after all their retries. An item the
 * API answered or refused on its merits (404, 422...) shows it is up, and
 * starts the count again; an item never sent (the run stopped, or a guard
 * withheld it) says nothing either way.
 * A threshold of 0 never trips.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  #consecutive = 0;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  /** Counts a finished item; true for the one item that trips the breaker. */
  record(result: SendResult<unknown, unknown>): boolean {
    if (result.kind === 'done' || (result.kind === 'failed' && result.error.kind === 'rejected')) {
      this.#consecutive = 0;
      return false;
    }
    if (result.kind !== 'failed' || result.error.kind !== 'transient') return false;
    this.#consecutive++;
    return this.#consecutive === this.#threshold;
  }

  get consecutiveFailures(): number {
    return this.#consecutive;
  }
}

import type { SendResult } from './operation.js';

/**
 * Notices when the API has stopped answering usefully: `threshold` items in a
 * row (in the order they finish) failing after all their retries, rows sent
 * and reads alike (the API is as unavailable to both), told apart in what it
 * says. An item the
 * API answered or refused on its merits (404, 422...) shows it is up, and
 * starts the count again; an item never sent (the run stopped, or a guard
 * withheld it) says nothing either way.
 * A threshold of 0 never trips.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  #consecutive = 0;
  /** How many of the consecutive failures were reads (requests that change nothing); the others were rows sent. */
  #reads = 0;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  /** Counts a finished item (`read`: a request that changes nothing); true for the one item that trips the breaker. */
  record(result: SendResult<unknown, unknown>, read = false): boolean {
    if (result.kind === 'done' || (result.kind === 'failed' && result.error.kind === 'rejected')) {
      this.#consecutive = 0;
      this.#reads = 0;
      return false;
    }
    if (result.kind !== 'failed' || result.error.kind !== 'transient') return false;
    this.#consecutive++;
    if (read) this.#reads++;
    return this.#consecutive === this.#threshold;
  }

  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /** The consecutive failures, told apart: rows sent and reads. */
  get failures(): { readonly rows: number; readonly reads: number } {
    return { rows: this.#consecutive - this.#reads, reads: this.#reads };
  }
}

import type { RowOutcome } from '../report/outcome.js';

/**
 * Notices when the API has stopped answering usefully: `threshold` rows in a
 * row (in the order they finish) failing after all their retries. A row the
 * API updated or refused on its merits (404, 422...) shows it is up, and
 * starts the count again; a row never sent says nothing either way.
 * A threshold of 0 never trips.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  #consecutive = 0;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  /** Counts a finished row; true for the one row that trips the breaker. */
  record(row: RowOutcome): boolean {
    if (row.outcome === 'updated' || (row.outcome === 'failed' && row.errorKind === 'rejected')) {
      this.#consecutive = 0;
      return false;
    }
    if (row.outcome !== 'failed' || row.errorKind !== 'transient') return false;
    this.#consecutive++;
    return this.#consecutive === this.#threshold;
  }

  get consecutiveFailures(): number {
    return this.#consecutive;
  }
}

import type { PacingStats } from '../core/run-facts.js';
import type { RowOutcome } from '../report/outcome.js';

/** Where sending stands, read by whoever shows progress; the pipeline keeps it current. */
export interface SendProgress {
  /** Rows this session sends. */
  readonly total: number;
  readonly updated: number;
  readonly failed: number;
  /** Rows waiting to be tried again after a network error, a timeout or a 5xx. */
  readonly retrying: number;
  /** How long every request is still held back by a 429, in ms; 0 when sending. */
  readonly pauseLeftMs: number;
  /** The pace sending keeps, and what set it. */
  readonly pacing: PacingStats;
}

/** Where sending's pause and pace are read from: the send stage. */
interface PacingSource {
  readonly pauseLeftMs: number;
  readonly pacing: PacingStats;
}

export class SendProgressCounter implements SendProgress {
  updated = 0;
  failed = 0;
  readonly total: number;
  readonly #retrying = new Set<number>();
  readonly #source: PacingSource;

  constructor(total: number, source: PacingSource) {
    this.total = total;
    this.#source = source;
  }

  retry(line: number): void {
    this.#retrying.add(line);
  }

  finish(row: RowOutcome): void {
    this.#retrying.delete(row.line);
    if (row.outcome === 'updated') this.updated++;
    else if (row.outcome === 'failed') this.failed++;
  }

  get retrying(): number {
    return this.#retrying.size;
  }

  get pauseLeftMs(): number {
    return this.#source.pauseLeftMs;
  }

  get pacing(): PacingStats {
    return this.#source.pacing;
  }
}

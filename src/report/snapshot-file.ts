import { join } from 'node:path';
import { BEFORE_PREFIX } from '../core/columns.js';
import { UPDATABLE_FIELDS, type CreditBatch } from '../core/credit-batch.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const SNAPSHOT_FILE = 'snapshot.csv';

/** The fields of a credit batch written after the updatable ones, as the API holds them. */
const CONTEXT_FIELDS = ['clientId', 'creditAccountId', 'startingBalance', 'allocatedCredits', 'status', 'createdAt', 'updatedAt'] as const satisfies readonly (keyof CreditBatch)[];

/**
 * snapshot.csv: one row per credit batch, its values exactly as the API gave
 * them (never reshaped, so that a value left alone compares equal to what the
 * API holds), and `before.*` repeating the updatable ones: the file carries
 * what it was exported from, and is an input of `apply` as it is.
 */
export class SnapshotFile {
  readonly #file: AtomicCsvFile;
  #rows = 0;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, SNAPSHOT_FILE), ['id', ...UPDATABLE_FIELDS, ...CONTEXT_FIELDS, ...UPDATABLE_FIELDS.map((field) => `${BEFORE_PREFIX}${field}`)]);
  }

  add(batch: CreditBatch): void {
    const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
    const updatable = UPDATABLE_FIELDS.map((field) => text(batch[field]));
    this.#file.add([batch.id, ...updatable, ...CONTEXT_FIELDS.map((field) => text(batch[field])), ...updatable]);
    this.#rows++;
  }

  get rows(): number {
    return this.#rows;
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

import { join } from 'node:path';
import { BEFORE_PREFIX } from '../core/columns.js';
import { CREDIT_BATCH_FIELDS, UPDATABLE_FIELDS, type CreditBatch, type ListedBatch } from '../core/credit-batch.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const SNAPSHOT_FILE = 'snapshot.csv';

/** The fields of a credit batch written after the updatable ones, as the API holds them. */
const CONTEXT_FIELDS = [
  'clientId',
  'creditAccountId',
  'startingBalance',
  'allocatedCredits',
  'status',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof CreditBatch)[];

/**
 * snapshot.csv: one row per credit batch, its values exactly as the API gave
 * them (never reshaped, so that a value left alone compares equal to what the
 * API holds), and `before.*` repeating the updatable ones: the file carries
 * what it was exported from, and is an input of `apply` as it is. A cell
 * that a spreadsheet would run as a formula is guarded (AtomicCsvFile), and
 * read back as it was.
 */
export class SnapshotFile {
  readonly #file: AtomicCsvFile;
  #rows = 0;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, SNAPSHOT_FILE), [
      'id',
      ...UPDATABLE_FIELDS,
      ...CONTEXT_FIELDS,
      ...UPDATABLE_FIELDS.map((field) => `${BEFORE_PREFIX}${field}`),
    ]);
  }

  add(batch: ListedBatch): void {
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a batch cannot be written so that it reads back as the API gave it, or
 * undefined: a text holding a NUL (which no CSV file ti-credits reads may
 * hold) or half of a UTF-16 surrogate pair (which UTF-8 cannot carry).
 */
export function describeUnwritable(batch: ListedBatch): string | undefined {
  for (const field of CREDIT_BATCH_FIELDS) {
    const value: unknown = batch[field];
    if (typeof value !== 'string') continue;
    if (value.includes('\u0000')) return `its ${field} holds a NUL character`;
    if (LONE_SURROGATE.test(value)) return `its ${field} holds half of a UTF-16 surrogate pair`;
  }
  return undefined;
}

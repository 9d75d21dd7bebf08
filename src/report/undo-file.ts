import { join } from 'node:path';
import { BEFORE_PREFIX, CLIENT_COLUMN, DELTA_COLUMN } from '../core/columns.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const UNDO_FILE = 'undo.csv';

/** The fields undo.csv sets back outright; a balance is taken back by a delta instead. */
const ABSOLUTE = ['name', 'expiresOn'] as const;

/**
 * undo.csv: for every row the run updated, its id and client; the name and
 * expiry date the run changed set back to what they held, with
 * `before.<field>` set to what the run wrote, so that `apply` refuses (as
 * drifted) a batch changed again since; and the balance taken back by the
 * credits the run added (`currentBalanceDelta` = value before the run − value
 * the run wrote), so that credits learners redeemed after the run survive the
 * undo.
 */
export class UndoFile {
  readonly #file: AtomicCsvFile;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, UNDO_FILE), [
      'id',
      CLIENT_COLUMN,
      ...ABSOLUTE,
      DELTA_COLUMN,
      ...ABSOLUTE.map((field) => `${BEFORE_PREFIX}${field}`),
    ]);
  }

  add(row: {
    readonly id: string;
    readonly clientId: string;
    readonly restore: CreditBatchUpdate;
    readonly delta: number | undefined;
    readonly written: CreditBatchUpdate;
  }): void {
    const cell = (values: CreditBatchUpdate, field: (typeof ABSOLUTE)[number]): string => (values[field] === undefined ? '' : String(values[field]));
    const delta = row.delta === undefined ? '' : row.delta > 0 ? `+${row.delta}` : String(row.delta);
    this.#file.add([row.id, row.clientId, ...ABSOLUTE.map((field) => cell(row.restore, field)), delta, ...ABSOLUTE.map((field) => cell(row.written, field))]);
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

import { join } from 'node:path';
import { BEFORE_PREFIX, CLIENT_COLUMN } from '../core/columns.js';
import { UPDATABLE_FIELDS, type CreditBatchUpdate } from '../core/credit-batch.js';
import { AtomicCsvFile } from './csv-sink.js';

export const UNDO_FILE = 'undo.csv';

/**
 * undo.csv: for every row the run updated, its id and client, each field the
 * run changed set back to what it held before, and `before.<field>` set to
 * what the run wrote. Given to `apply` as it is, it restores exactly what the
 * run changed, and refuses (as drifted) any batch changed again since.
 */
export class UndoFile {
  readonly #file: AtomicCsvFile;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, UNDO_FILE), ['id', CLIENT_COLUMN, ...UPDATABLE_FIELDS, ...UPDATABLE_FIELDS.map((field) => `${BEFORE_PREFIX}${field}`)]);
  }

  add(row: { readonly id: string; readonly clientId: string; readonly restore: CreditBatchUpdate; readonly written: CreditBatchUpdate }): void {
    const cell = (values: CreditBatchUpdate, field: (typeof UPDATABLE_FIELDS)[number]): string => (values[field] === undefined ? '' : String(values[field]));
    this.#file.add([row.id, row.clientId, ...UPDATABLE_FIELDS.map((field) => cell(row.restore, field)), ...UPDATABLE_FIELDS.map((field) => cell(row.written, field))]);
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

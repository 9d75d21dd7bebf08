import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { UPDATABLE_FIELDS, type CreditBatchUpdate } from '../core/credit-batch.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const VERIFY_FILE = 'verify.csv';

/**
 * verify.csv: for every row a run updated, whether its batch still holds
 * what the run wrote (`holds`) or no longer does (`changed`), with the values
 * written and the live ones, field by field.
 */
export class VerifyFile {
  readonly #file: AtomicCsvFile;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, VERIFY_FILE), [
      'line',
      'id',
      'clientId',
      'result',
      ...UPDATABLE_FIELDS.map((field) => `written.${field}`),
      ...UPDATABLE_FIELDS.map((field) => `live.${field}`),
    ]);
  }

  add(row: {
    readonly line: number;
    readonly id: string;
    readonly clientId: string;
    readonly result: string;
    readonly written: CreditBatchUpdate;
    readonly live: CreditBatchUpdate | null;
  }): void {
    const cell = (values: CreditBatchUpdate | null, field: (typeof UPDATABLE_FIELDS)[number]): string =>
      values?.[field] === undefined ? '' : String(values[field]);
    this.#file.add([
      String(row.line),
      row.id,
      row.clientId,
      row.result,
      ...UPDATABLE_FIELDS.map((field) => cell(row.written, field)),
      ...UPDATABLE_FIELDS.map((field) => cell(row.live, field)),
    ]);
  }

  commit(): void {
    this.#file.commit();
  }

  /** An earlier verify's verify.csv removed: a verify that checked nothing must not leave one standing beside its verify.json. */
  static remove(folder: string): void {
    rmSync(join(folder, VERIFY_FILE), { force: true });
  }
}

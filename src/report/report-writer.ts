import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Columns } from '../validate/header.js';
import { API_COLUMNS, API_FIELDS, ERROR_COLUMN, SENT_COLUMN, STATUS_COLUMNS } from './columns.js';
import type { RowOutcome } from './outcome.js';

export const REPORT_FILE = 'report.csv';
export const FAILED_FILE = 'failed.csv';

/** While validating only, rows are written in batches of this size; nothing is lost by a crash there. */
const BATCH_BYTES = 256 * 1024;

/**
 * Writes report.csv (every row) and failed.csv (every row still to do),
 * in the order rows finish. When `durable`, each row reaches the operating
 * system before write() returns, so a crash of ti-credits loses no finished row.
 */
export class ReportWriter {
  readonly #columns: Columns;
  readonly #durable: boolean;
  readonly #report: Sink;
  readonly #failed: Sink;

  constructor(folder: string, columns: Columns, options: { durable: boolean }) {
    this.#columns = columns;
    this.#durable = options.durable;
    const carriedNames = columns.carried.map((index) => columns.names[index] ?? '');
    this.#report = new Sink(join(folder, REPORT_FILE));
    this.#failed = new Sink(join(folder, FAILED_FILE));
    this.#report.append(csvLine([...STATUS_COLUMNS, ...carriedNames, SENT_COLUMN, ...API_COLUMNS]));
    this.#failed.append(csvLine([...carriedNames, ERROR_COLUMN]));
    this.#flush();
  }

  write(row: RowOutcome): void {
    const carried = this.#columns.carried.map((index) => row.cells[index] ?? '');
    const result = row.result;
    this.#report.append(
      csvLine([
        String(row.line),
        row.outcome,
        row.httpStatus === undefined ? '' : String(row.httpStatus),
        String(row.attempts),
        row.error ?? '',
        ...carried,
        row.sent === undefined ? '' : JSON.stringify(row.sent),
        ...API_FIELDS.map((field) => (result === undefined || result[field] === undefined || result[field] === null ? '' : String(result[field]))),
      ]),
    );
    if (row.outcome !== 'updated' && row.outcome !== 'valid') {
      // A row with the wrong number of cells goes back as it came, so that it is refused again rather than re-read shifted.
      const cells = row.cells.length === this.#columns.names.length ? carried : row.cells;
      this.#failed.append(csvLine([...cells, row.error ?? '']));
    }
    if (this.#durable) this.#flush();
  }

  close(): void {
    this.#flush();
    this.#report.close();
    this.#failed.close();
  }

  #flush(): void {
    this.#report.flush();
    this.#failed.flush();
  }
}

function csvLine(cells: readonly string[]): string {
  return stringify([cells]);
}

/** A file written with plain synchronous appends: one write per flush, nothing held by a stream. */
class Sink {
  readonly #fd: number;
  #pending = '';

  constructor(path: string) {
    this.#fd = openSync(path, 'wx');
  }

  append(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.#pending === '') return;
    const bytes = Buffer.from(this.#pending);
    this.#pending = '';
    for (let written = 0; written < bytes.length; ) written += writeSync(this.#fd, bytes, written);
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

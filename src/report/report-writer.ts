import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Columns } from '../validate/header.js';
import { API_COLUMNS, API_FIELDS, ERROR_COLUMN, SENT_COLUMN, STATUS_COLUMNS } from './columns.js';
import type { RowOutcome } from './outcome.js';

export const REPORT_FILE = 'report.csv';
export const FAILED_FILE = 'failed.csv';

/**
 * While validating only, rows are written in batches of this many; nothing is
 * lost by a crash there, and csv-stringify's set-up cost per call is paid once
 * per batch instead of once per row.
 */
const BATCH_ROWS = 256;

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
    this.#report.add([...STATUS_COLUMNS, ...carriedNames, SENT_COLUMN, ...API_COLUMNS]);
    this.#failed.add([...carriedNames, ERROR_COLUMN]);
    this.#flush();
  }

  write(row: RowOutcome): void {
    const { carried } = this.#columns;
    const record = [String(row.line), row.outcome, row.httpStatus === undefined ? '' : String(row.httpStatus), String(row.attempts), row.error ?? ''];
    for (const index of carried) record.push(row.cells[index] ?? '');
    record.push(row.sent === undefined ? '' : JSON.stringify(row.sent));
    const result = row.result;
    for (const field of API_FIELDS) {
      const value = result?.[field];
      record.push(value === undefined || value === null ? '' : String(value));
    }
    this.#report.add(record);
    if (row.outcome !== 'updated' && row.outcome !== 'valid') {
      // A row with the wrong number of cells goes back as it came, so that it is refused again rather than re-read shifted.
      const cells = row.cells.length === this.#columns.names.length ? carried.map((index) => row.cells[index] ?? '') : [...row.cells];
      cells.push(row.error ?? '');
      this.#failed.add(cells);
    }
    if (this.#durable || this.#report.pending >= BATCH_ROWS) this.#flush();
  }

  close(): void {
    this.#flush();
    this.#report.close();
    this.#failed.close();
  }

  /** Throws away both files, unwritten rows included, so that a new writer can start them again. */
  discard(): void {
    this.#report.discard();
    this.#failed.discard();
  }

  #flush(): void {
    this.#report.flush();
    this.#failed.flush();
  }
}

/** A CSV file written with plain synchronous appends: one write per flush, nothing held by a stream. */
class Sink {
  readonly #path: string;
  readonly #fd: number;
  #records: string[][] = [];

  constructor(path: string) {
    this.#path = path;
    this.#fd = openSync(path, 'wx');
  }

  get pending(): number {
    return this.#records.length;
  }

  add(record: string[]): void {
    this.#records.push(record);
  }

  flush(): void {
    if (this.#records.length === 0) return;
    const text = stringify(this.#records);
    this.#records = [];
    let written = writeSync(this.#fd, text);
    // A short write (a full disk, a signal) is rare; finish it from the encoded bytes.
    if (written < Buffer.byteLength(text)) {
      const bytes = Buffer.from(text);
      while (written < bytes.length) written += writeSync(this.#fd, bytes, written);
    }
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }

  discard(): void {
    this.#records = [];
    closeSync(this.#fd);
    unlinkSync(this.#path);
  }
}

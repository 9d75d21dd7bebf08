import { join } from 'node:path';
import { ERROR_COLUMN, fitsHeader, type Columns } from '../core/columns.js';
import { CsvSink } from './csv-sink.js';
import type { RowOutcome } from './outcome.js';
import { INPUT_COLUMNS, neutraliseFormula, reportHeader, ROW_REPORT, type ReportSchema } from './schema.js';

export const REPORT_FILE = 'report.csv';
export const FAILED_FILE = 'failed.csv';

/**
 * While validating only, rows are written in batches of this many; nothing is
 * lost by a crash there, so the report is written in large writes rather
 * than one system call per row.
 */
const BATCH_ROWS = 256;

export interface ReportWriterOptions {
  /**
   * When given, each row is appended the moment it is written, so that a
   * crash of ti-credits loses no finished row, and `sync` is called after
   * each append to decide when to force it to disk.
   */
  readonly sync?: (fd: number) => void;
  /** Go on with the report.csv of an interrupted run instead of starting one. */
  readonly append?: boolean;
  /** File names, when not report.csv and failed.csv. */
  readonly files?: { readonly report: string; readonly failed: string };
  /** Start each file with a UTF-8 byte order mark, for Excel (--excel). */
  readonly excel?: boolean;
  /** The report's columns and outcomes; the rows of `apply` and `validate` when not given. */
  readonly schema?: ReportSchema;
}

/**
 * Excel on Windows reads a CSV without a byte order mark in the machine's
 * legacy code page, garbling every accented name; with one, it reads UTF-8.
 * It is not written by default because other readers (scripts, `cut`, some
 * importers) take the mark as part of the first column's name.
 */
const UTF8_BOM = '\ufeff';

/**
 * Writes report.csv (every row) and failed.csv (every row still to do),
 * in the order rows are written.
 */
export class ReportWriter {
  readonly #columns: Columns;
  readonly #schema: ReportSchema;
  readonly #sync: ((fd: number) => void) | undefined;
  readonly #report: CsvSink;
  readonly #failed: CsvSink;

  constructor(folder: string, columns: Columns, options: ReportWriterOptions = {}) {
    this.#columns = columns;
    this.#schema = options.schema ?? ROW_REPORT;
    this.#sync = options.sync;
    const carriedNames = columns.carried.map((index) => columns.names[index] ?? '');
    const files = options.files ?? { report: REPORT_FILE, failed: FAILED_FILE };
    const bom = options.excel === true ? UTF8_BOM : '';
    this.#report = new CsvSink(join(folder, files.report), options.append === true ? 'a' : 'wx', options.append === true ? '' : bom);
    this.#failed = new CsvSink(join(folder, files.failed), options.append === true ? 'w' : 'wx', bom);
    if (options.append !== true) this.#report.add(reportHeader(this.#schema, columns));
    this.#failed.add([...carriedNames, ERROR_COLUMN]);
    this.#flush();
  }

  write(row: RowOutcome): void {
    const { carried } = this.#columns;
    const record: string[] = [];
    for (const column of this.#schema.columns) {
      if (column === INPUT_COLUMNS) for (const index of carried) record.push(row.cells[index] ?? '');
      else record.push(column.write(row));
    }
    this.#report.add(record);
    if (!this.#schema.done.includes(row.outcome)) {
      // A row with the wrong number of cells goes back as it came, so that it is refused again rather than re-read shifted.
      const cells = fitsHeader(this.#columns, row.cells) ? carried.map((index) => row.cells[index] ?? '') : [...row.cells];
      cells.push(row.error === undefined ? '' : neutraliseFormula(row.error));
      this.#failed.add(cells);
    }
    if (this.#sync !== undefined || this.#report.pending >= BATCH_ROWS) this.#flush();
  }

  close(): void {
    this.#flush();
    this.#report.close(this.#sync !== undefined);
    this.#failed.close(this.#sync !== undefined);
  }

  /** Throws away both files, unwritten rows included, so that a new writer can start them again. */
  discard(): void {
    this.#report.discard();
    this.#failed.discard();
  }

  #flush(): void {
    this.#report.flush();
    this.#failed.flush();
    if (this.#sync !== undefined) {
      this.#sync(this.#report.fd);
      this.#sync(this.#failed.fd);
    }
  }
}

import { fstatSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_COLUMN, ERROR_COLUMN, fitsHeader, type Columns } from '../core/columns.js';
import { AppendBatch, AppendFile } from './append-batch.js';
import { csvCell, csvText } from './csv-text.js';
import type { RowOutcome } from './outcome.js';
import { INPUT_COLUMNS, neutraliseFormula, reportHeader, ROW_REPORT, type ReportSchema } from './schema.js';

export const REPORT_FILE = 'report.csv';
export const FAILED_FILE = 'failed.csv';

/**
 * While validating only, rows are written once this many characters have
 * gathered; nothing is lost by a crash there, so the report is written in
 * large writes rather than one system call per row.
 */
const BATCH_CHARS = 64 * 1024;

export interface ReportWriterOptions {
  /**
   * When given, rows are appended as they finish, written by this batch at
   * the end of the event loop's turn (see AppendBatch), so that a crash of
   * ti-credits loses no finished row.
   */
  readonly batch?: AppendBatch;
  /** Go on with the report.csv of an interrupted run instead of starting one. */
  readonly append?: boolean;
  /** Start each file with a UTF-8 byte order mark, for Excel (--excel). */
  readonly excel?: boolean;
  /** The report's columns and outcomes; the rows of `apply` and `validate` when not given. */
  readonly schema?: ReportSchema;
  /** Told of each row's record in report.csv: where it starts and how many bytes it takes (a resumed run keeps an index of them). */
  readonly onRecord?: (row: RowOutcome, offset: number, length: number) => void;
}

/**
 * Excel on Windows reads a CSV without a byte order mark in the machine's
 * legacy code page, garbling every accented name; with one, it reads UTF-8.
 * It is not written by default because other readers (scripts, `cut`, some
 * importers) take the mark as part of the first column's name.
 */
export const UTF8_BOM = '\ufeff';

/** Rank in a batch: report.csv and failed.csv are written before sent.log (see AppendBatch). */
const REPORT_RANK = 0;

/**
 * The line of `row` in a report of `schema`: its own columns and the input's
 * cells as given, guarded against spreadsheets' formulas as every cell is (a
 * CSV file reads them back as they were); csvText's, built without a record's worth of arrays (a
 * million rows are validated through here).
 */
function reportLine(schema: ReportSchema, columns: Columns, row: RowOutcome): string {
  let line = '';
  let first = true;
  for (const column of schema.columns) {
    if (column === INPUT_COLUMNS) {
      for (const index of columns.carried) {
        const cell = csvCell(neutraliseFormula(row.cells[index] ?? ''));
        line += first ? cell : `,${cell}`;
        first = false;
      }
      continue;
    }
    const cell = column.csv === undefined ? csvCell(column.write(row)) : column.csv(row);
    line += first ? cell : `,${cell}`;
    first = false;
  }
  return `${line}\n`;
}

/** The header of failed.csv: the input's columns, then why each row was not done, in words and by code. */
export function failedHeader(columns: Columns): string[] {
  return [...columns.carried.map((index) => columns.names[index] ?? ''), ERROR_COLUMN, CODE_COLUMN];
}

/** The record of `row` in failed.csv: its cells, ready to send again, and why it was not done. */
function failedRecord(columns: Columns, row: RowOutcome): string[] {
  // A row with the wrong number of cells goes back as it came, so that it is refused again rather than re-read shifted.
  const cells = (fitsHeader(columns, row.cells) ? columns.carried.map((index) => row.cells[index] ?? '') : [...row.cells]).map(neutraliseFormula);
  cells.push(row.error === undefined ? '' : neutraliseFormula(row.error), row.code ?? '');
  return cells;
}

/**
 * Writes report.csv (every row) and failed.csv (every row still to do),
 * in the order rows are written.
 */
export class ReportWriter {
  readonly #columns: Columns;
  readonly #schema: ReportSchema;
  readonly #batch: AppendBatch | undefined;
  readonly #report: AppendFile;
  readonly #failed: AppendFile;
  readonly #onRecord: ReportWriterOptions['onRecord'];

  constructor(folder: string, columns: Columns, options: ReportWriterOptions = {}) {
    this.#columns = columns;
    this.#schema = options.schema ?? ROW_REPORT;
    this.#batch = options.batch;
    this.#onRecord = options.onRecord;
    const append = options.append === true;
    const open = (name: string, flags: 'wx' | 'w' | 'a', track: boolean): AppendFile =>
      this.#batch === undefined ? new AppendFile(join(folder, name), flags, track) : this.#batch.open(join(folder, name), flags, REPORT_RANK, track);
    this.#report = open(REPORT_FILE, append ? 'a' : 'wx', this.#onRecord !== undefined);
    this.#failed = open(FAILED_FILE, append ? 'w' : 'wx', false);
    const bom = options.excel === true ? UTF8_BOM : '';
    // A resumed run whose earlier session died before its report had a whole header (killed while the file was
    // validated, a power cut) finds it empty once read back: it starts it, or every later resume would refuse it.
    if (!append || fstatSync(this.#report.fd).size === 0) this.#report.append(bom + csvText([reportHeader(this.#schema, columns)]));
    this.#failed.append(bom + csvText([failedHeader(columns)]));
    // The headers at once: a report cut short must still say what its columns are.
    this.#report.flush();
    this.#failed.flush();
  }

  write(row: RowOutcome): void {
    const text = reportLine(this.#schema, this.#columns, row);
    const at = this.#report.append(text);
    this.#onRecord?.(row, at, this.#report.end - at);
    if (!this.#schema.done.includes(row.outcome)) this.#failed.append(csvText([failedRecord(this.#columns, row)]));
    if (this.#batch !== undefined) this.#batch.schedule();
    else if (this.#report.pendingLength >= BATCH_CHARS) {
      this.#report.flush();
      this.#failed.flush();
    }
  }

  close(): void {
    if (this.#batch === undefined) {
      this.#report.close(false);
      this.#failed.close(false);
    } else {
      this.#batch.close(this.#report);
      this.#batch.close(this.#failed);
    }
  }

  /** Throws away both files, unwritten rows included, so that a new writer can start them again. */
  discard(): void {
    for (const file of [this.#report, this.#failed]) {
      if (this.#batch === undefined) file.discard();
      else this.#batch.discard(file);
    }
  }
}

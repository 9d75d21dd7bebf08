import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CORRECTION_COLUMN, ERROR_COLUMN } from '../core/columns.js';
import { bug } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';
import { csvText } from './csv-text.js';
import { REPORT_FILE, UTF8_BOM } from './report-writer.js';
import { cellAt, locateCells, scanRecords } from './report-records.js';

/** What reconciliation found a row's write overwrote: the correction's credits, and the note that explains them. */
export interface OverwriteMark {
  readonly correction: number;
  readonly note: string;
}

/**
 * Marks in a finished report.csv the rows whose write overwrote changes the
 * credit ledger records: their `correction` cell set, the note added to
 * their `error` cell. Every other record is copied byte for byte; the file
 * is replaced whole once written (a crash leaves the report as it was).
 * Returns how many rows were marked.
 */
export function markOverwritten(folder: string, marks: ReadonlyMap<number, OverwriteMark>): number {
  const path = join(folder, REPORT_FILE);
  const partial = `${path}.tmp`;
  const fd = openSync(partial, 'w');
  let marked = 0;
  try {
    let columns: { line: number; error: number; correction: number; cells: number } | undefined;
    let ends = new Int32Array(0);
    scanRecords(path, 0, ({ bytes, start, end, offset }) => {
      if (columns === undefined) {
        // The byte order mark before the header is kept: --excel wrote it.
        if (offset > 0) writeAll(fd, Buffer.from(UTF8_BOM));
        const header = (parse(bytes.subarray(start, end)) as string[][])[0] ?? [];
        columns = { line: header.indexOf('line'), error: header.indexOf(ERROR_COLUMN), correction: header.indexOf(CORRECTION_COLUMN), cells: header.length };
        if (columns.line < 0 || columns.error < 0 || columns.correction < 0)
          throw bug(RUN_FOLDER_WORDS, 'TIC-INTERNAL-MARK-COLUMNS', { path, columns: `line, ${ERROR_COLUMN} or ${CORRECTION_COLUMN}` });
        ends = new Int32Array(columns.cells);
        writeAll(fd, bytes.subarray(start, end));
        return;
      }
      locateCells(bytes, start, end, columns.cells, ends);
      const mark = marks.get(Number(cellAt(bytes, start, ends, columns.line)));
      if (mark === undefined) {
        writeAll(fd, bytes.subarray(start, end));
        return;
      }
      const cells = Array.from({ length: columns.cells }, (_, index) => cellAt(bytes, start, ends, index));
      const said = cells[columns.error] ?? '';
      cells[columns.error] = said === '' ? mark.note : `${said}; ${mark.note}`;
      cells[columns.correction] = mark.correction > 0 ? `+${mark.correction}` : String(mark.correction);
      writeAll(fd, Buffer.from(csvText([cells])));
      marked++;
    });
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return marked;
}

function writeAll(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

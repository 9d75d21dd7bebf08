import { DELTA_COLUMN } from '../core/columns.js';
import { UPDATABLE_FIELDS } from '../core/credit-batch.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { readCsvBatches, type CsvRecord, type ReadPosition } from './csv-records.js';
import { assertRegularFile } from './file-stamp.js';
import { sniffLayout, type CsvLayout, type LayoutChoice } from './layout.js';
import type { WorkbookRecord } from './workbook.js';
import { describeUnsupportedFile, detectFileKind } from './workbook-file.js';

/** What the user said about how to read the input; anything left out is read from the file. */
export interface InputChoice extends LayoutChoice {
  /** The sheet of a workbook to read (--sheet); without it, the one sheet that starts with a header. */
  readonly sheet?: string | undefined;
}

/**
 * An input file, settled once for every pass over it: a CSV file and its
 * layout (from its first bytes), or an Excel workbook and the sheet to read.
 * Which of the two a file is, its content says, never its name.
 */
export type InputSource =
  | { readonly kind: 'csv'; readonly path: string; readonly layout: CsvLayout }
  /** `header`: the header row, when choosing the sheet read it (see settleSheet). */
  | { readonly kind: 'workbook'; readonly path: string; readonly sheet: string; readonly header?: WorkbookRecord | undefined };

/**
 * One record of the input: a line of a CSV file, or a row of a sheet, which
 * also says what each of its cells holds (`typed`) and is numbered as the
 * sheet numbers it.
 */
export type InputRecord = CsvRecord | WorkbookRecord;

/**
 * Records handed on together, in file order; a CSV file's batches also say
 * where they end (see RecordBatch), so that a later pass can begin there.
 */
export interface InputBatch extends ReadonlyArray<InputRecord> {
  readonly end?: ReadPosition | undefined;
}

export async function openInput(path: string, choice: InputChoice): Promise<InputSource> {
  await assertRegularFile(path);
  const kind = await detectFileKind(path);
  switch (kind) {
    case 'xlsx': {
      const layoutFlags = [choice.encoding === undefined ? '' : '--encoding', choice.delimiter === undefined ? '' : '--delimiter'].filter(
        (flag) => flag !== '',
      );
      if (layoutFlags.length > 0) {
        throw failure(FILE_WORDS, 'TIC-WORKBOOK-CSV-OPTIONS', { path, flags: layoutFlags });
      }
      // Loaded only for a workbook: reading a CSV file need not carry the zip and XML readers.
      const { settleSheet } = await import('./workbook.js');
      const { name, header } = await settleSheet(path, { sheet: choice.sheet, isHeader: isChangesHeader });
      return { kind: 'workbook', path, sheet: name, header };
    }
    case 'xls':
    case 'zip':
      throw describeUnsupportedFile(path, kind);
    case 'other':
      if (choice.sheet !== undefined) {
        throw failure(FILE_WORDS, 'TIC-SHEET-FOR-CSV', { path, sheet: choice.sheet });
      }
      return { kind: 'csv', path, layout: await sniffLayout(path, choice) };
  }
}

/**
 * Whether a sheet's first row names an id and a column to change: the
 * least a header needs (see validate/header.ts), and what tells the sheet
 * holding the changes from sheets of notes or lookups beside it.
 */
function isChangesHeader(cells: readonly string[]): boolean {
  const names = new Set(cells.map((cell) => cell.trim().toLowerCase()));
  return names.has('id') && [...UPDATABLE_FIELDS, DELTA_COLUMN].some((field) => names.has(field.toLowerCase()));
}

/** The input as every pass reads it: its header record, then its data records in batches, in file order. */
export interface DataRows {
  /** Undefined for a file with no record at all. */
  readonly header: InputRecord | undefined;
  readonly batches: AsyncIterable<InputBatch>;
  /** Closes the file when the rows are not to be read (the header was refused); reading them all closes it too. */
  close(): Promise<void>;
}

/**
 * Opens one pass over the input. The header is read here, once, so that no
 * pass has to tell it from the rows; the rows stream in constant memory at the
 * caller's pace, and stopping early (a `break`, a throw) closes the file.
 * Given `size`, a CSV file is read no further than that many bytes: a pass
 * after the validating one reads only what it validated. (A workbook is read
 * whole through its zip directory; its stamp is what tells it changed.)
 */
export async function readDataRows(source: InputSource, size?: number): Promise<DataRows> {
  const records: AsyncGenerator<InputBatch> =
    source.kind === 'csv'
      ? readCsvBatches(source.path, source.layout, undefined, size)
      : (await import('./workbook.js')).readWorkbookBatches(source.path, { sheet: source.sheet });
  let first: InputBatch = [];
  for (;;) {
    const next = await records.next();
    if (next.done === true) return { header: undefined, batches: emptyBatches(), close: async () => {} };
    if (next.value.length > 0) {
      first = next.value;
      break;
    }
  }
  const [header, ...rest] = first;
  return {
    header,
    batches: remaining(Object.assign(rest, { end: first.end }), records),
    close: async () => {
      await records.return(undefined);
    },
  };
}

/**
 * The data records of a CSV file after `from`, the end of a batch an earlier
 * pass over the same file handed on (a UTF-8 file's: see RecordBatch).
 */
export function readRowsFrom(source: InputSource & { readonly kind: 'csv' }, from: ReadPosition, size?: number): AsyncIterable<InputBatch> {
  return readCsvBatches(source.path, source.layout, from, size);
}

async function* remaining(rest: InputBatch, records: AsyncGenerator<InputBatch>): AsyncGenerator<InputBatch> {
  try {
    if (rest.length > 0) yield rest;
    yield* records;
  } finally {
    await records.return(undefined);
  }
}

async function* emptyBatches(): AsyncGenerator<InputBatch> {
  // A file without records has no rows to hand on.
}

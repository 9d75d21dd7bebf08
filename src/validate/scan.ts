import type { Columns } from '../core/columns.js';
import { fitsHeader } from '../core/columns.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import type { ReadPosition } from '../read/csv-records.js';
import { readDataRows, type DataRows, type InputRecord, type InputSource } from '../read/data-rows.js';
import { stampFile, type FileStamp } from '../read/file-stamp.js';
import { DuplicateIds, IdFingerprints } from './duplicate-ids.js';
import { parseId } from './fields.js';
import { EXPECTED_HEADER, readHeader } from './header.js';
import { validateRow, type RowVerdict } from './row.js';
import type { FieldRules } from './rules.js';

/** What the validating pass learns about a whole file before a single row is sent. */
export interface Scan {
  readonly columns: Columns;
  /** Data rows, the header not counted. */
  readonly rows: number;
  /** Rows with a problem of their own; rows invalid only as duplicates are in `duplicates`. */
  readonly invalidRows: number;
  readonly duplicates: DuplicateIds;
  /** Every id of the file, as fingerprints: what tells the batches the file names among a client's. */
  readonly ids: IdFingerprints;
  /** The file as it was validated: a later pass must find it so. */
  readonly stamp: FileStamp;
}

export interface ScanOptions {
  readonly rules: FieldRules;
  /** Columns the user means to carry as notes, though their names resemble one ti-credits reads. */
  readonly extraColumns?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Called once the header is read; the function it returns is given every
   * row's verdict as it is read. That verdict cannot yet know of an id
   * repeated further down the file: see `Scan.duplicates`.
   */
  readonly onHeader?: ((columns: Columns) => ((verdict: RowVerdict) => void) | undefined) | undefined;
  /** Told, after the verdicts of each batch of rows, where the batch ends (when that is known: see RecordBatch). */
  readonly onBatch?: ((end: ReadPosition | undefined) => void) | undefined;
}

/**
 * The validating pass: reads the file once, validating every row and
 * indexing every id, and a second time only when an id seems to repeat, to
 * confirm it (see duplicate-ids.ts). Stops when `signal` aborts.
 */
export async function scanInput(source: InputSource, options: ScanOptions): Promise<Scan> {
  const { signal, onHeader, onBatch, rules } = options;
  const stamp = await stampFile(source.path);
  const { rows, columns } = await openColumns(source, options.extraColumns);
  const onRow = onHeader?.(columns);
  const fingerprints = new IdFingerprints();
  const suspects = new Set<string>();
  let count = 0;
  let invalidRows = 0;
  for await (const batch of rows.batches) {
    signal?.throwIfAborted();
    for (const record of batch) {
      count++;
      const verdict = validateRow(columns, record, rules);
      if (!verdict.valid) invalidRows++;
      onRow?.(verdict);
      const id = verdict.valid ? verdict.row.id : idOf(columns, record);
      if (id === undefined) continue;
      if (!fingerprints.add(id)) suspects.add(id.toLowerCase());
    }
    onBatch?.(batch.end);
  }
  const duplicates = await findDuplicates(source, columns, suspects, signal);
  return { columns, rows: count, invalidRows, duplicates, ids: fingerprints, stamp };
}

/**
 * Checks that the file has a header ti-credits can use, reading nothing
 * further: what a run makes sure of before it writes anything.
 */
export async function readColumns(source: InputSource, extraColumns: readonly string[]): Promise<Columns> {
  // A sheet chosen by its header was read up to it already.
  if (source.kind === 'workbook' && source.header !== undefined) return readHeader(source.path, source.header, extraColumns);
  const { rows, columns } = await openColumns(source, extraColumns);
  await rows.close();
  return columns;
}

/** A pass over the file, its header read and checked. */
async function openColumns(source: InputSource, extraColumns: readonly string[] | undefined): Promise<{ rows: DataRows; columns: Columns }> {
  const { path } = source;
  const rows = await readDataRows(source);
  if (rows.header === undefined) {
    const what = source.kind === 'workbook' ? `The sheet ${JSON.stringify(source.sheet)} of ${path}` : path;
    throw failure(FILE_WORDS, 'TIC-INPUT-EMPTY', { what, unit: source.kind === 'workbook' ? 'row' : 'line', example: EXPECTED_HEADER });
  }
  try {
    return { rows, columns: readHeader(path, rows.header, extraColumns) };
  } catch (error) {
    await rows.close();
    throw error;
  }
}

/** Every line of each suspect id, read again from the file. */
async function findDuplicates(source: InputSource, columns: Columns, suspects: ReadonlySet<string>, signal: AbortSignal | undefined): Promise<DuplicateIds> {
  const duplicates = new DuplicateIds();
  if (suspects.size === 0) return duplicates;
  for await (const batch of (await readDataRows(source)).batches) {
    signal?.throwIfAborted();
    for (const record of batch) {
      const id = idOf(columns, record);
      if (id !== undefined && suspects.has(id.toLowerCase())) duplicates.add(id, record.line);
    }
  }
  return duplicates;
}

function idOf(columns: Columns, record: InputRecord): string | undefined {
  // With the wrong number of cells the id column cannot be trusted to hold the id.
  if (!fitsHeader(columns, record.cells)) return undefined;
  const cell = record.cells[columns.id];
  if (cell === undefined || cell === '') return undefined;
  const id = parseId(cell);
  return id.ok ? id.value : undefined;
}

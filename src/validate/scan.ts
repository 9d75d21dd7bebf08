import { TiError } from '../core/errors.js';
import { readCsvBatches, type CsvRecord } from '../read/csv-records.js';
import { stampFile, type FileStamp } from '../read/file-stamp.js';
import { sniffLayout, type CsvLayout, type LayoutChoice } from '../read/layout.js';
import { DuplicateIds, IdFingerprints } from './duplicate-ids.js';
import { parseId } from './fields.js';
import { EXPECTED_HEADER, fitsHeader, readHeader, type Columns } from './header.js';
import { validateRow, type RowVerdict } from './row.js';
import type { FieldRules } from './rules.js';

/** What the validating pass learns about a whole file before a single row is sent. */
export interface Scan {
  /** The encoding and delimiter every later pass reads the file with. */
  readonly layout: CsvLayout;
  readonly columns: Columns;
  /** Data rows, the header not counted. */
  readonly rows: number;
  /** Rows with a problem of their own; rows invalid only as duplicates are in `duplicates`. */
  readonly invalidRows: number;
  readonly duplicates: DuplicateIds;
  readonly stamp: FileStamp;
}

export interface ScanOptions {
  readonly layout: LayoutChoice;
  readonly rules: FieldRules;
  readonly signal?: AbortSignal | undefined;
  /**
   * Called once the header is read; the function it returns is given every
   * row's verdict as it is read. That verdict cannot yet know of an id
   * repeated further down the file: see `Scan.duplicates`.
   */
  readonly onHeader?: ((columns: Columns) => (verdict: RowVerdict) => void) | undefined;
}

/**
 * The first pass: streams the file once, validating every row and indexing
 * every id, and a second time only when an id seems to repeat, to confirm it.
 * Stops when `signal` aborts.
 */
export async function scanFile(path: string, options: ScanOptions): Promise<Scan> {
  const { signal, onHeader, rules } = options;
  const stamp = await stampFile(path);
  const layout = await sniffLayout(path, options.layout);
  const fingerprints = new IdFingerprints();
  const suspects = new Set<string>();
  let columns: Columns | undefined;
  let onRow: ((verdict: RowVerdict) => void) | undefined;
  let rows = 0;
  let invalidRows = 0;
  for await (const batch of readCsvBatches(path, layout)) {
    signal?.throwIfAborted();
    for (const record of batch) {
      if (columns === undefined) {
        columns = readHeader(path, record);
        onRow = onHeader?.(columns);
        continue;
      }
      rows++;
      const verdict = validateRow(columns, record, rules);
      if (!verdict.valid) invalidRows++;
      onRow?.(verdict);
      const id = verdict.valid ? verdict.row.id : idOf(columns, record);
      if (id === undefined) continue;
      if (!fingerprints.add(id)) suspects.add(id.toLowerCase());
    }
  }
  if (columns === undefined) {
    throw new TiError('invalid', `${path} is empty.`, { hint: `The first line must name the columns, e.g. ${EXPECTED_HEADER}.` });
  }
  const duplicates = await findDuplicates(path, layout, columns, suspects, signal);
  return { layout, columns, rows, invalidRows, duplicates, stamp };
}

/** Every line of each suspect id, read again from the file. */
async function findDuplicates(path: string, layout: CsvLayout, columns: Columns, suspects: ReadonlySet<string>, signal: AbortSignal | undefined): Promise<DuplicateIds> {
  const duplicates = new DuplicateIds();
  if (suspects.size === 0) return duplicates;
  let header = true;
  for await (const batch of readCsvBatches(path, layout)) {
    signal?.throwIfAborted();
    for (const record of batch) {
      if (header) {
        header = false;
        continue;
      }
      const id = idOf(columns, record);
      if (id !== undefined && suspects.has(id.toLowerCase())) duplicates.add(id, record.line);
    }
  }
  return duplicates;
}

function idOf(columns: Columns, record: CsvRecord): string | undefined {
  // With the wrong number of cells the id column cannot be trusted to hold the id.
  if (!fitsHeader(columns, record.cells)) return undefined;
  const cell = record.cells[columns.id];
  if (cell === undefined || cell === '') return undefined;
  const id = parseId(cell);
  return id.ok ? id.value : undefined;
}

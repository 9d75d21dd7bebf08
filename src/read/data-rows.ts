import type { CsvRecord, ReadPosition, RecordBatch } from './csv-records.js';
import { readCsvBatches } from './csv-records.js';
import { sniffLayout, type CsvLayout, type LayoutChoice } from './layout.js';

/** An input file, settled once (its layout, from its first bytes) for every pass over it. */
export interface InputSource {
  readonly path: string;
  readonly layout: CsvLayout;
}

export async function openInput(path: string, choice: LayoutChoice): Promise<InputSource> {
  return { path, layout: await sniffLayout(path, choice) };
}

/** The input as every pass reads it: its header record, then its data records in batches, in file order. */
export interface DataRows {
  /** Undefined for a file with no record at all. */
  readonly header: CsvRecord | undefined;
  readonly batches: AsyncIterable<RecordBatch>;
  /** Closes the file when the rows are not to be read (the header was refused); reading them all closes it too. */
  close(): Promise<void>;
}

/**
 * Opens one pass over the input. The header is read here, once, so that no
 * pass has to tell it from the rows; the rows stream in constant memory at the
 * caller's pace, and stopping early (a `break`, a throw) closes the file.
 */
export async function readDataRows(source: InputSource): Promise<DataRows> {
  const records = readCsvBatches(source.path, source.layout);
  let first: RecordBatch | undefined;
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
 * The data records after `from`, the end of a batch an earlier pass over the
 * same file handed on (a UTF-8 file's: see RecordBatch).
 */
export function readRowsFrom(source: InputSource, from: ReadPosition): AsyncIterable<RecordBatch> {
  return readCsvBatches(source.path, source.layout, from);
}

async function* remaining(rest: RecordBatch, records: AsyncGenerator<RecordBatch>): AsyncGenerator<RecordBatch> {
  try {
    if (rest.length > 0) yield rest;
    yield* records;
  } finally {
    await records.return(undefined);
  }
}

async function* emptyBatches(): AsyncGenerator<RecordBatch> {
  // A file without records has no rows to hand on.
}

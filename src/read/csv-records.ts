import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { CsvError, Parser, type Options } from 'csv-parse';
import type { TiError } from '../core/errors.js';
import { restoreFormula } from '../core/formula-guard.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { describeDelimiter, type CsvLayout } from './layout.js';
import { describeEncodingProblem, describeFileError, lineAt } from './read-errors.js';
import { decodingStream, EncodingError } from './text-encoding.js';

/**
 * One CSV record: its cells as the file means them, and where it starts. A
 * cell guarded against spreadsheets' formulas (`'=x`, as ti-credits writes
 * one) is read as the text it guards (`=x`; see core/formula-guard.ts);
 * every other cell as it stands.
 */
export interface CsvRecord {
  /** 1-based line of the file on which the record starts (the header is line 1). */
  readonly line: number;
  readonly cells: string[];
}

/** A place a pass over the file may begin at instead of its start: just after a record. */
export interface ReadPosition {
  /** The byte of the file that follows the record. */
  readonly byte: number;
  /** The line the record ends on. */
  readonly line: number;
}

/**
 * Records handed on together, in file order, and where the last of them
 * ends: known for UTF-8 files, whose bytes reach the parser as they are in
 * the file; undefined for the others.
 */
export interface RecordBatch extends ReadonlyArray<CsvRecord> {
  readonly end: ReadPosition | undefined;
}

/** A record larger than this is a broken quote swallowing the file, not data. */
const MAX_RECORD_BYTES = 1024 * 1024;

/** The size of the chunks read, and so of the batches of records handed on. */
const READ_CHUNK_BYTES = 64 * 1024;

const PARSE_OPTIONS = {
  // The decoding stream has removed any byte order mark.
  bom: false,
  // A row with the wrong number of cells is the validator's to report, not a parse failure.
  relax_column_count: true,
  skip_empty_lines: true,
  max_record_size: MAX_RECORD_BYTES,
};

/**
 * Numbers each record with the line it starts on, and hands records on in
 * batches, one per chunk of the file: one async step per chunk rather than
 * per record is most of the speed of a million-row pass.
 *
 * csv-parse's `info: true` would give the line too, but it snapshots a whole
 * info object per record and doubles the parse time; the parser's live `info`
 * counters are enough, once corrected: csv-parse 7 counts a CRLF inside a
 * quoted field as two lines.
 */
class LineNumberingParser extends Parser {
  /** Lines before the parser's first byte: 0 from the file's start. */
  readonly #lineOffset: number;
  /** The file's byte at the parser's first byte, when its bytes are the file's. */
  readonly #byteOffset: number | undefined;
  #lastEndLine: number;
  #lastEmptyLines = 0;
  #crlfCountedTwice = 0;
  /** Where the last record read ends, in the file. */
  #endByte = 0;
  #batch: CsvRecord[] = [];

  constructor(delimiter: string, from: { readonly line: number; readonly byte: number | undefined }) {
    // csv-parse hands the options on to its Transform; one batch waiting is
    // enough to keep the caller busy, and the default 16 would hold tens of
    // thousands of rows in memory.
    super({ ...PARSE_OPTIONS, delimiter, readableHighWaterMark: 1 } as Options);
    this.#lineOffset = from.line;
    this.#byteOffset = from.byte;
    this.#lastEndLine = from.line;
  }

  override push(record: string[] | null): boolean {
    if (record === null) {
      this.#pushBatch();
      return super.push(null);
    }
    for (let index = 0; index < record.length; index++) {
      const cell = record[index] as string;
      if (cell.includes('\r\n')) this.#crlfCountedTwice += cell.split('\r\n').length - 1;
      record[index] = restoreFormula(cell);
    }
    const { lines, empty_lines: emptyLines } = this.info;
    const line = this.#lastEndLine + 1 + (emptyLines - this.#lastEmptyLines);
    this.#lastEndLine = this.#lineOffset + lines - this.#crlfCountedTwice;
    this.#lastEmptyLines = emptyLines;
    // csv-parse has counted the bytes up to the record's end, its line break included.
    this.#endByte = this.info.bytes;
    // Spreadsheets export rows they once formatted as delimiters alone (",,,"): blank lines, not rows.
    if (!record.every((cell) => cell === '')) this.#batch.push({ line, cells: record });
    return true;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      this.#pushBatch();
      callback(error);
    });
  }

  #pushBatch(): void {
    if (this.#batch.length === 0) return;
    const end = this.#byteOffset === undefined ? undefined : { byte: this.#byteOffset + this.#endByte, line: this.#lastEndLine };
    super.push(Object.assign(this.#batch, { end }));
    this.#batch = [];
  }

  /** The line on which the record being parsed now started. */
  get pendingRecordLine(): number {
    return this.#lastEndLine + 1 + (this.info.empty_lines - this.#lastEmptyLines);
  }
}

/**
 * Streams the records of a CSV file, header included, in file order and in
 * batches, with constant memory: the caller's pace holds the file stream back.
 * The layout comes from `sniffLayout`, once for every pass. Given `from` (a
 * batch's end, from an earlier pass over the same UTF-8 file), the records
 * after it; given `size`, none of the bytes beyond it (what was validated).
 */
export async function* readCsvBatches(path: string, layout: CsvLayout, from?: ReadPosition, size?: number): AsyncGenerator<RecordBatch> {
  const utf8 = layout.encoding === 'utf-8';
  if (from !== undefined && !utf8) throw new Error('only a UTF-8 file is read from a position');
  const start = from?.byte ?? 0;
  // Nothing lies between the start and the bound: a resumed run whose earlier sessions updated every row begins at the end.
  if (size !== undefined && start >= size) return;
  const parser = new LineNumberingParser(layout.delimiter, { line: from?.line ?? 0, byte: utf8 ? Math.max(start, layout.bomBytes) : undefined });
  // `end` is inclusive.
  const bounds = size === undefined ? { start } : { start, end: size - 1 };
  pipeline(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...bounds }), decodingStream(layout, start), parser, () => {
    // Errors surface through the iteration below.
  });
  try {
    for await (const batch of parser) yield batch as RecordBatch;
  } catch (error) {
    throw await describeReadError(path, error, parser.pendingRecordLine, layout);
  } finally {
    parser.destroy();
  }
}

async function describeReadError(path: string, error: unknown, pendingLine: number, layout: CsvLayout): Promise<TiError> {
  if (error instanceof EncodingError)
    return describeEncodingProblem(path, error.detail, error.detail.offset === undefined ? undefined : await lineAt(path, error.detail.offset));
  if (error instanceof CsvError) {
    const reported = (error as unknown as { lines?: unknown }).lines;
    const line = typeof reported === 'number' ? reported : pendingLine;
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return failure(FILE_WORDS, 'TIC-CSV-QUOTE-NOT-CLOSED', { path, line: pendingLine }, error);
      case 'CSV_MAX_RECORD_SIZE':
        return failure(FILE_WORDS, 'TIC-CSV-RECORD-TOO-LARGE', { path, line: pendingLine }, error);
      case 'INVALID_OPENING_QUOTE':
        return failure(FILE_WORDS, 'TIC-CSV-QUOTE-INSIDE-FIELD', { path, line }, error);
      case 'CSV_INVALID_CLOSING_QUOTE':
        return failure(FILE_WORDS, 'TIC-CSV-TEXT-AFTER-QUOTE', { path, line }, error);
      default:
        return failure(FILE_WORDS, 'TIC-CSV-UNREADABLE', { path, line, why: error.message, delimiter: describeDelimiter(layout.delimiter) }, error);
    }
  }
  return describeFileError(path, error);
}

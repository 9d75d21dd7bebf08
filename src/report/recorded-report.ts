import { closeSync, fsyncSync, openSync, readSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_COLUMN, ERROR_COLUMN, fitsHeader, type Columns } from '../core/columns.js';
import { TiError } from '../core/errors.js';
import { bug, failure } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';
import { csvText } from './csv-text.js';
import { RESENT_NOTE, saysResent } from './resent-note.js';
import { MAX_LINE, RecordedLines, type RecordedLine } from './recorded-lines.js';
import { FAILED_FILE, failedHeader, REPORT_FILE, UTF8_BOM } from './report-writer.js';
import { cellAt, cellStart, locateCells, scanRecords, type ScanEnd } from './report-records.js';
import { INPUT_COLUMNS, neutraliseFormula, READ_BACK, reportHeader, ROW_REPORT, type OwnColumn, type RecordedOutcome, type ReportSchema } from './schema.js';

/** Where, in a record of a report of this schema for an input of these columns, each cell the read-back needs is. */
interface RecordLayout {
  /** Cells in a record. */
  readonly cells: number;
  /** The columns read back (READ_BACK), with their place. */
  readonly readBack: readonly { readonly column: OwnColumn; readonly index: number }[];
  readonly attempts: number;
  readonly error: number;
  readonly errorColumn: OwnColumn;
  /** The `code` cell, right after `error`. */
  readonly code: number;
  /** The first of the input's cells, and how many there are. */
  readonly input: number;
  readonly inputCells: number;
  /** Leading cells to locate for all of the above. */
  readonly located: number;
}

function recordLayout(schema: ReportSchema, columns: Columns): RecordLayout {
  const places = new Map<string, { column: OwnColumn; index: number }>();
  let index = 0;
  let input = -1;
  for (const column of schema.columns) {
    if (column === INPUT_COLUMNS) {
      input = index;
      index += columns.carried.length;
    } else places.set(column.name, { column, index: index++ });
  }
  const place = (name: string): { column: OwnColumn; index: number } => {
    const found = places.get(name);
    if (found === undefined) throw bug(RUN_FOLDER_WORDS, 'TIC-INTERNAL-REPORT-COLUMN', { name });
    return found;
  };
  const readBack = READ_BACK.map(place);
  const attempts = place('attempts').index;
  const error = place(ERROR_COLUMN);
  return {
    cells: index,
    readBack,
    attempts,
    error: error.index,
    errorColumn: error.column,
    code: place(CODE_COLUMN).index,
    input,
    inputCells: columns.carried.length,
    located: Math.max(...readBack.map((cell) => cell.index), input + columns.carried.length - 1) + 1,
  };
}

/**
 * Reads back the report.csv of an interrupted run, streaming, into an index
 * of its lines: one or more records per input line, in the order rows
 * finished; only the cells READ_BACK names are read, through the schema's
 * columns. A crash or power cut may have cut the last record short; it is
 * dropped, and the file truncated after the last complete record so that
 * new records can follow it. Anything else amiss (a header not this file's,
 * a record with the wrong number of cells or a cell ti-credits could not
 * have written) means the file cannot be trusted, and the run is not
 * resumed. `onAnswered(line, error)` is told of every record with a request.
 */
export function readRecordedLines(
  folder: string,
  columns: Columns,
  schema: ReportSchema = ROW_REPORT,
  onAnswered: (line: number, error: string | undefined) => void = () => {},
): RecordedLines {
  const path = join(folder, REPORT_FILE);
  const recorded = new RecordedLines(schema.outcomes);
  const layout = recordLayout(schema, columns);
  addCodeColumn(path, schema, columns, layout);
  const header = Buffer.from(csvText([reportHeader(schema, columns)]));
  let records = 0;
  let end: ScanEnd;
  try {
    end = scanRecords(path, layout.located, ({ bytes, start, end: after, offset, cells, ends }) => {
      records++;
      if (records === 1) {
        if (!bytes.subarray(start, after).equals(header)) throw damaged(path, 'its columns are not those of this file');
        return;
      }
      const row: RecordedOutcome = {};
      let readable = cells === layout.cells;
      for (let cell = 0; readable && cell < layout.readBack.length; cell++) {
        const { column, index } = layout.readBack[cell] as RecordLayout['readBack'][number];
        readable = column.read(cellAt(bytes, start, ends, index), row);
      }
      const { line, outcome, attempts } = row;
      if (!readable || line === undefined || outcome === undefined || attempts === undefined || line > MAX_LINE)
        throw damaged(path, `record ${records} is not one ti-credits wrote`);
      recorded.add(line, offset, after - start, outcome, attempts, saysResent(row.error));
      if (attempts > 0) onAnswered(line, row.error);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return recorded;
    if (error instanceof TiError) throw error;
    throw damaged(path, (error as Error).message);
  }
  // Without a whole header (a byte order mark at most), the file is emptied: the resumed run starts it again.
  const keep = records === 0 ? 0 : end.complete;
  if (keep < end.size) truncateSync(path, keep);
  return recorded;
}

/**
 * A report written before reports had a `code` column (by an earlier
 * version, its run resumed now) is rewritten with an empty one after
 * `error`, so that the records the resumed run appends are of its shape;
 * the codes of the rows it recorded are not known, and stay empty. Written
 * beside it and renamed over it: a crash leaves one or the other whole. A
 * record cut short at its end is left out, as reading it back would drop it.
 * Any other header is left for the read-back to judge.
 */
function addCodeColumn(path: string, schema: ReportSchema, columns: Columns, layout: RecordLayout): void {
  const earlier: ReportSchema = { ...schema, columns: schema.columns.filter((column) => column === INPUT_COLUMNS || column.name !== CODE_COLUMN) };
  const header = Buffer.from(csvText([reportHeader(earlier, columns)]));
  if (!startsWithHeader(path, header)) return;
  const partial = `${path}.tmp`;
  const output = new OutputFile(partial);
  try {
    let first = true;
    scanRecords(path, layout.error + 1, ({ bytes, start, end, offset, cells, ends }) => {
      if (first) {
        first = false;
        output.text(`${offset > 0 ? UTF8_BOM : ''}${csvText([reportHeader(schema, columns)])}`);
        return;
      }
      // The empty code cell goes where the cell after `error` began; a record too short for it is copied as it is, and refused when read back.
      const at = cells > layout.error ? (ends[layout.error] as number) : end;
      output.bytes(bytes, start, at);
      if (at < end) output.text(',');
      output.bytes(bytes, at, end);
    });
  } finally {
    output.close(true);
  }
  renameSync(partial, path);
}

/** Whether the file starts with `header`, a byte order mark aside. */
function startsWithHeader(path: string, header: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // No report: nothing to rewrite, and nothing for the read-back to read.
    return false;
  }
  try {
    const head = Buffer.alloc(header.length + UTF8_BOM_BYTES);
    const read = readSync(fd, head, 0, head.length, 0);
    const bom = read >= UTF8_BOM_BYTES && head.subarray(0, UTF8_BOM_BYTES).equals(Buffer.from(UTF8_BOM)) ? UTF8_BOM_BYTES : 0;
    return read >= bom + header.length && head.subarray(bom, bom + header.length).equals(header);
  } finally {
    closeSync(fd);
  }
}

const UTF8_BOM_BYTES = Buffer.byteLength(UTF8_BOM);

function damaged(path: string, why: string): TiError {
  return failure(RUN_FOLDER_WORDS, 'TIC-REPORT-UNREADABLE', { path, why });
}

/** The input's rows, read again, in file order. */
export type InputRows = AsyncIterable<readonly { readonly line: number; readonly cells: readonly string[] }[]>;

/**
 * Rewrites report.csv and failed.csv of a resumed run as one run: one record
 * per input line in file order, the latest outcome, every request counted,
 * the resent note kept once a record had it, the input's cells as given.
 * Both files are replaced only once complete.
 *
 * It merges streams rather than holding the report: `recorded` knows where
 * each line's latest record is, so the lines are walked in file order and
 * each record read back with a positioned read (through a few cached blocks:
 * a session's records lie in about file order, so the reads go forward
 * through each session's part of the file). A line's only record is copied
 * as it stands; of a line with several, the latest is copied with only its
 * `attempts` cell (and, for a resent row whose latest record lost the note,
 * its `error` cell) written anew: every other cell would be written back
 * exactly as it reads. The input is read again only when some
 * row's latest outcome is `invalid`, the one kind of row whose cells may not
 * fit the header: its failed.csv line is every cell as read, which the report
 * does not keep.
 */
export async function compactReport(
  recorded: RecordedLines,
  folder: string,
  columns: Columns,
  options: { readonly excel: boolean; readonly schema: ReportSchema },
  readRows: () => Promise<InputRows>,
): Promise<void> {
  const { schema } = options;
  const layout = recordLayout(schema, columns);
  const files = { report: join(folder, `${REPORT_FILE}.tmp`), failed: join(folder, `${FAILED_FILE}.tmp`) };
  const reader = new RecordReader(join(folder, REPORT_FILE));
  const report = new OutputFile(files.report);
  const failed = new OutputFile(files.failed);
  try {
    const bom = options.excel ? UTF8_BOM : '';
    report.text(bom + csvText([reportHeader(schema, columns)]));
    failed.text(bom + csvText([failedHeader(columns)]));
    const ends = new Int32Array(layout.located);
    const done = new Set(schema.done);
    const emit = (line: number, { offset, length, outcome, attempts, resent, several }: RecordedLine, cells: readonly string[] | undefined): void => {
      reader.load(offset, length);
      const { bytes, start } = reader;
      const end = start + length;
      if (!several) {
        // A line's one record is its whole story: copied as it stands.
        report.bytes(bytes, start, end);
        if (done.has(outcome)) return;
      }
      locateCells(bytes, start, end, layout.located, ends);
      const errorFrom = cellStart(start, ends, layout.error);
      const errorTo = ends[layout.error] as number;
      // A later record of a resent row must not hide that it may have been applied twice.
      let error: string | undefined;
      if (several && resent) {
        const latest: RecordedOutcome = {};
        layout.errorColumn.read(cellAt(bytes, start, ends, layout.error), latest);
        if (!saysResent(latest.error))
          error = layout.errorColumn.write({
            line,
            outcome,
            cells: [],
            attempts,
            error: latest.error === undefined ? RESENT_NOTE : `${RESENT_NOTE}; ${latest.error}`,
          });
      }
      const errorCell = error === undefined ? undefined : csvText([[error]]).slice(0, -1);
      if (several) {
        // Every request of every record counted, and the note, in cells written anew; the rest as it stands.
        const attemptsFrom = cellStart(start, ends, layout.attempts);
        const attemptsTo = ends[layout.attempts] as number;
        const cellsWritten = [
          { from: attemptsFrom, to: attemptsTo, text: String(attempts) },
          { from: errorFrom, to: errorTo, text: errorCell },
        ];
        if (layout.error < layout.attempts) cellsWritten.reverse();
        let at = start;
        for (const { from, to, text } of cellsWritten) {
          report.bytes(bytes, at, from);
          if (text === undefined) report.bytes(bytes, from, to);
          else report.text(text);
          at = to;
        }
        report.bytes(bytes, at, end);
        if (done.has(outcome)) return;
      }
      if (cells !== undefined && !fitsHeader(columns, cells)) {
        failed.text(csvText([[...cells.map(neutraliseFormula), error ?? cellAt(bytes, start, ends, layout.error), cellAt(bytes, start, ends, layout.code)]]));
        return;
      }
      // The input's cells as the report holds them, and the comma after them.
      if (layout.inputCells > 0) failed.bytes(bytes, cellStart(start, ends, layout.input), (ends[layout.input + layout.inputCells - 1] as number) + 1);
      if (errorCell === undefined) failed.bytes(bytes, errorFrom, errorTo);
      else failed.text(errorCell);
      // The code cell, with the comma before it: a code is never quoted.
      failed.bytes(bytes, ends[layout.error] as number, ends[layout.code] as number);
      failed.text('\n');
    };
    if (recorded.count('invalid') === 0) recorded.each((line, state) => emit(line, state, undefined));
    else {
      for await (const batch of await readRows()) {
        for (const { line, cells } of batch) recorded.at(line, (_, state) => emit(line, state, cells));
      }
    }
    report.close();
    failed.close();
  } finally {
    reader.close();
  }
  renameSync(files.report, join(folder, REPORT_FILE));
  renameSync(files.failed, join(folder, FAILED_FILE));
}

/** Bytes of the report read back at positions, through a few cached blocks. */
class RecordReader {
  static readonly BLOCK = 64 * 1024;
  static readonly BLOCKS = 32;
  readonly #fd: number;
  readonly #blocks: { at: number; bytes: Buffer; used: number }[] = [];
  #last: { at: number; bytes: Buffer; used: number } | undefined;
  #scratch = Buffer.allocUnsafe(RecordReader.BLOCK);
  #uses = 0;
  /** What the last `load` read, and where in it. */
  bytes: Buffer = this.#scratch;
  start = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'r');
  }

  /** Reads the `length` bytes at `offset` into `bytes`, from `start`; valid until the next load. */
  load(offset: number, length: number): void {
    const at = offset - (offset % RecordReader.BLOCK);
    if (offset + length > at + RecordReader.BLOCK) {
      // Across two blocks: rare, read on its own.
      if (this.#scratch.length < length) this.#scratch = Buffer.allocUnsafe(length);
      this.#fill(this.#scratch, length, offset);
      this.bytes = this.#scratch;
      this.start = 0;
      return;
    }
    let block = this.#last?.at === at ? this.#last : this.#blocks.find((cached) => cached.at === at);
    if (block === undefined) {
      if (this.#blocks.length < RecordReader.BLOCKS) {
        block = { at, bytes: Buffer.allocUnsafe(RecordReader.BLOCK), used: 0 };
        this.#blocks.push(block);
      } else {
        block = this.#blocks.reduce((oldest, cached) => (cached.used < oldest.used ? cached : oldest));
        block.at = at;
      }
      readSync(this.#fd, block.bytes, 0, RecordReader.BLOCK, at);
    }
    block.used = ++this.#uses;
    this.#last = block;
    this.bytes = block.bytes;
    this.start = offset - at;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #fill(bytes: Buffer, length: number, offset: number): void {
    let read = 0;
    while (read < length) {
      const got = readSync(this.#fd, bytes, read, length - read, offset + read);
      if (got === 0) throw bug(RUN_FOLDER_WORDS, 'TIC-INTERNAL-REPORT-SHORT', { offset });
      read += got;
    }
  }
}

/** A file written through a buffer: the compacted report, made of slices of the old one. */
class OutputFile {
  static readonly SIZE = 1 << 20;
  readonly #fd: number;
  readonly #buffer = Buffer.allocUnsafe(OutputFile.SIZE);
  #used = 0;

  constructor(path: string) {
    // A file left by a compaction a crash cut short is replaced.
    this.#fd = openSync(path, 'w');
  }

  bytes(source: Buffer, from: number, to: number): void {
    if (this.#used + (to - from) > OutputFile.SIZE) this.#write();
    if (to - from > OutputFile.SIZE) this.#writeAll(source.subarray(from, to));
    else this.#used += source.copy(this.#buffer, this.#used, from, to);
  }

  text(text: string): void {
    if (this.#used + text.length * 3 > OutputFile.SIZE) this.#write();
    if (text.length * 3 > OutputFile.SIZE) this.#writeAll(Buffer.from(text));
    else this.#used += this.#buffer.write(text, this.#used);
  }

  /** `sync`: flushed to the disk before it is closed, for a file renamed over one that must not be lost. */
  close(sync = false): void {
    this.#write();
    if (sync) fsyncSync(this.#fd);
    closeSync(this.#fd);
  }

  #write(): void {
    this.#writeAll(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  #writeAll(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written);
  }
}

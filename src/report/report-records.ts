import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The records of a CSV file ti-credits wrote, read as bytes: csv-text.ts
 * writes every record ending with "\n", quotes any cell holding a comma, a
 * double quote or a line break, and doubles the quotes inside it. So a byte
 * scan that flips "inside quotes" at every double quote finds each record's
 * end and each cell's bounds without parsing, and a record a crash cut short
 * is whatever follows the last "\n" met outside quotes, even when it was cut
 * inside a quoted cell that spans lines.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Bytes read at a time; a record longer than this grows the buffer. */
const READ_BYTES = 1 << 20;

/**
 * One complete record, valid only during the call it is given to (its
 * buffer is reused): bytes `start` to `end` (after its "\n") of `bytes`,
 * which lie at `offset` in the file.
 */
export interface RawRecord {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
  readonly offset: number;
  /** Its number of cells. */
  readonly cells: number;
  /** Where each of the first cells asked for ends (the comma or "\n" after it); see `cellAt`. */
  readonly ends: Int32Array;
}

/** What a scan found: where the last complete record ends, and how long the file is. */
export interface ScanEnd {
  readonly complete: number;
  readonly size: number;
}

/**
 * Streams the complete records of `path`, in file order, with one chunk of
 * the file in memory; the first is the header. `wanted` is how many leading
 * cells to locate in each. A byte order mark is skipped.
 */
export function scanRecords(path: string, wanted: number, onRecord: (record: RawRecord) => void): ScanEnd {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const scan: Scan = {
      bytes: Buffer.allocUnsafe(READ_BYTES),
      start: 0,
      end: 0,
      offset: 0,
      cells: 0,
      ends: new Int32Array(wanted),
      base: 0,
      quoted: false,
      cell: 0,
    };
    let filled = 0;
    for (;;) {
      if (filled === scan.bytes.length) {
        if (scan.start > 0) {
          // Move the record being read to the front; the cell ends found in it move with it.
          const shift = scan.start;
          scan.bytes.copyWithin(0, shift, filled);
          for (let index = 0; index < Math.min(scan.cell, wanted); index++) scan.ends[index] = (scan.ends[index] as number) - shift;
          scan.base += shift;
          filled -= shift;
          scan.start = 0;
        } else {
          const larger = Buffer.allocUnsafe(scan.bytes.length * 2);
          scan.bytes.copy(larger, 0, 0, filled);
          scan.bytes = larger;
        }
      }
      const scanFrom = filled;
      const read = readSync(fd, scan.bytes, filled, scan.bytes.length - filled, scan.base + filled);
      if (read === 0) break;
      filled += read;
      const skip = scan.base === 0 && scanFrom === 0 && filled >= 3 && scan.bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
      if (skip > 0) scan.start = skip;
      scanChunk(scan, scanFrom + skip, filled, wanted, onRecord);
    }
    return { complete: scan.base + scan.start, size };
  } finally {
    closeSync(fd);
  }
}

/** A scan's place: the record being read, and whether it is inside quotes. */
interface Scan extends RawRecord {
  bytes: Buffer;
  start: number;
  end: number;
  offset: number;
  cells: number;
  /** File offset of bytes[0]. */
  base: number;
  quoted: boolean;
  /** Cells of the record being read so far. */
  cell: number;
}

/** The byte loop over bytes[from..to), kept apart so that it is compiled on its own. */
function scanChunk(scan: Scan, from: number, to: number, wanted: number, onRecord: (record: RawRecord) => void): void {
  const { bytes, ends } = scan;
  let { quoted, cell } = scan;
  for (let index = from; index < to; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (byte === COMMA) {
      if (cell < wanted) ends[cell] = index;
      cell++;
    } else if (byte === NEWLINE) {
      if (cell < wanted) ends[cell] = index;
      scan.end = index + 1;
      scan.offset = scan.base + scan.start;
      scan.cells = cell + 1;
      onRecord(scan);
      scan.start = index + 1;
      cell = 0;
    }
  }
  scan.quoted = quoted;
  scan.cell = cell;
}

/**
 * Locates the first `wanted` cells of the record at `bytes[start..end)`
 * (its "\n" included) into `ends`, as `scanRecords` does.
 */
export function locateCells(bytes: Buffer, start: number, end: number, wanted: number, ends: Int32Array): void {
  let quoted = false;
  let cell = 0;
  for (let index = start; index < end && cell < wanted; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) quoted = !quoted;
    else if (!quoted && (byte === COMMA || byte === NEWLINE)) ends[cell++] = index;
  }
}

/** Where cell `index` of a record starting at `start` begins, given the ends its cells were located at. */
export function cellStart(start: number, ends: Int32Array, index: number): number {
  return index === 0 ? start : (ends[index - 1] as number) + 1;
}

/** The text of cell `index`, unquoted. */
export function cellAt(bytes: Buffer, start: number, ends: Int32Array, index: number): string {
  const from = cellStart(start, ends, index);
  const to = ends[index] as number;
  if (from === to) return '';
  if (bytes[from] !== QUOTE) return bytes.toString('utf8', from, to);
  return bytes.toString('utf8', from + 1, to - 1).replaceAll('""', '"');
}

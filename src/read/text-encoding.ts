import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';

/**
 * How the bytes of a file become text. Spreadsheets save CSV in UTF-8 (with
 * or without a byte order mark), in UTF-16 with a byte order mark (Excel's
 * "Unicode text"), or in a legacy code page the user must name. A file is
 * never decoded with replacement characters: a byte that is not valid in the
 * encoding stops the run, since a damaged name would be sent as it reads.
 */

/** A WHATWG encoding name, as `TextDecoder` reports it (`latin1` is `windows-1252` there). */
export type EncodingName = string;

export interface EncodingChoice {
  readonly encoding: EncodingName;
  /** Bytes of byte order mark at the start of the file, to skip. */
  readonly bomBytes: number;
}

/** Why a file cannot be read as text; `offset` is the byte where that shows, when known. */
export interface EncodingProblem {
  readonly problem: 'invalid-bytes' | 'bom-mismatch' | 'nul';
  readonly encoding: EncodingName;
  readonly offset?: number | undefined;
  /** For a BOM that contradicts --encoding: what the BOM says. */
  readonly bomEncoding?: EncodingName | undefined;
}

export class EncodingError extends Error {
  readonly detail: EncodingProblem;
  constructor(detail: EncodingProblem) {
    super(`${detail.problem} (${detail.encoding})`);
    this.detail = detail;
  }
}

const BOMS: readonly { readonly bytes: readonly number[]; readonly encoding: EncodingName }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** The encoding's canonical name, or undefined when `TextDecoder` does not know the label. */
export function encodingName(label: string): EncodingName | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/**
 * Decides the encoding from the first bytes of a file: a byte order mark
 * settles it, and must agree with an encoding the user names; without one,
 * the user's encoding or UTF-8. A workbook never gets here: data-rows.ts
 * tells it from a CSV file by its content first.
 */
export function chooseEncoding(head: Uint8Array, named: EncodingName | undefined): EncodingChoice {
  const bom = BOMS.find((candidate) => startsWith(head, candidate.bytes));
  if (bom !== undefined) {
    if (named !== undefined && named !== bom.encoding) {
      throw new EncodingError({ problem: 'bom-mismatch', encoding: named, bomEncoding: bom.encoding });
    }
    return { encoding: bom.encoding, bomBytes: bom.bytes.length };
  }
  return { encoding: named ?? 'utf-8', bomBytes: 0 };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * A stream of the file's bytes in, UTF-8 out, BOM removed. UTF-8 is checked
 * and passed through as it is (the common case costs one validation per
 * chunk); any other encoding is decoded strictly and re-encoded. `start`:
 * the byte of the file the stream begins at, past the BOM (UTF-8 only).
 */
export function decodingStream(choice: EncodingChoice, start = 0): Transform {
  return choice.encoding === 'utf-8' ? new Utf8Check(start === 0 ? choice.bomBytes : 0, start) : new Recode(choice);
}

class Utf8Check extends Transform {
  #skip: number;
  /** The file's byte the next chunk starts at, for messages. */
  #offset: number;
  /** The start of a character cut by the chunk's end, carried to the next chunk. */
  #carry: Buffer = Buffer.alloc(0);

  constructor(bomBytes: number, start: number) {
    super();
    this.#skip = bomBytes;
    this.#offset = start;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let bytes = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    if (this.#skip > 0) {
      const skipped = Math.min(this.#skip, bytes.length);
      bytes = bytes.subarray(skipped);
      this.#skip -= skipped;
      this.#offset += skipped;
    }
    const end = completeUtf8Length(bytes);
    const whole = bytes.subarray(0, end);
    this.#carry = Buffer.from(bytes.subarray(end));
    const problem = checkUtf8(whole, this.#offset);
    if (problem !== undefined) return callback(new EncodingError(problem));
    this.#offset += whole.length;
    callback(null, whole);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#carry.length > 0) return callback(new EncodingError({ problem: 'invalid-bytes', encoding: 'utf-8', offset: this.#offset }));
    callback();
  }
}

function checkUtf8(bytes: Buffer, offset: number): EncodingProblem | undefined {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: 'nul', encoding: 'utf-8', offset: offset + nul };
  if (isUtf8(bytes)) return undefined;
  return { problem: 'invalid-bytes', encoding: 'utf-8', offset: offset + firstInvalidUtf8(bytes) };
}

/** The length of `bytes` without a multi-byte character its end cuts short. */
function completeUtf8Length(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = bytes[length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0x80) return length;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return needed > back ? length - back : length;
  }
  return length;
}

/** Where the first byte that is not UTF-8 is: only called once a chunk is known to hold one. */
function firstInvalidUtf8(bytes: Buffer): number {
  // Binary search over prefixes that end on a character boundary: the longest valid one ends where the damage starts.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = completeUtf8Length(bytes.subarray(0, (good + bad) >>> 1));
    if (middle <= good) break;
    if (isUtf8(bytes.subarray(0, middle))) good = middle;
    else bad = middle;
  }
  return good;
}

class Recode extends Transform {
  readonly #decoder: TextDecoder;
  readonly #encoding: EncodingName;

  constructor(choice: EncodingChoice) {
    super();
    this.#encoding = choice.encoding;
    // The BOM, if any, is the decoder's to drop.
    this.#decoder = new TextDecoder(choice.encoding, { fatal: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#decode(callback, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#decode(callback);
  }

  #decode(callback: TransformCallback, chunk?: Buffer): void {
    let text: string;
    try {
      text = chunk === undefined ? this.#decoder.decode() : this.#decoder.decode(chunk, { stream: true });
    } catch {
      return callback(new EncodingError({ problem: 'invalid-bytes', encoding: this.#encoding }));
    }
    const nul = text.indexOf('\0');
    if (nul >= 0) return callback(new EncodingError({ problem: 'nul', encoding: this.#encoding }));
    callback(null, Buffer.from(text, 'utf8'));
  }
}

import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { count, MAX_INFLATE_RATIO, MAX_INFLATED_BYTES, RATIO_FREE_BYTES } from './workbook-limits.js';

/**
 * A zip archive read through its central directory, the index at its end:
 * any entry can be read, in any order, without reading the others. An
 * .xlsx workbook is such an archive.
 *
 * yauzl reads the directory and inflates the entries: it validates the
 * archive's structure, reads zip64, refuses offsets and sizes outside the
 * file and checks each entry inflates to the size the directory gives.
 * It leaves the CRC-32 to its caller, so it is checked here as the bytes
 * go by: a damaged workbook is refused, never read around. An entry is
 * inflated only when the size the directory gives is one a workbook part may
 * have (see workbook-limits.ts); yauzl stops an entry the moment it inflates
 * past that size, so a directory understating it gains nothing.
 *
 * Reading the zip front to back instead, as exceljs's stream reader does,
 * depends on the order of the entries (a sheet before the shared strings it
 * refers to must be copied to a temporary file) and, in exceljs 4.4 with
 * unzipper 0.10, intermittently loses the last entry (exceljs issue 3064):
 * 26 reads in 30 lost the shared strings of a workbook that stores them last.
 */

/** The archive cannot be read: not a zip, damaged, or made with features no workbook uses. */
export class ZipError extends Error {}

const STORED = 0;
const DEFLATED = 8;

export class ZipArchive {
  readonly #zip: ZipFile;
  readonly #entries: ReadonlyMap<string, Entry>;

  private constructor(zip: ZipFile, entries: ReadonlyMap<string, Entry>) {
    this.#zip = zip;
    this.#entries = entries;
  }

  /** Opens the file and reads its directory; ZipError when it holds no readable one. */
  static async open(path: string): Promise<ZipArchive> {
    let zip: ZipFile;
    try {
      // The file stays open after the directory is read: the entries are read afterwards, each when needed.
      zip = await yauzl.openPromise(path, { autoClose: false });
    } catch (error) {
      throw asZipError(error);
    }
    const entries = new Map<string, Entry>();
    try {
      for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
    } catch (error) {
      zip.close();
      throw asZipError(error);
    }
    return new ZipArchive(zip, entries);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The size an entry inflates to, as the directory gives it (and yauzl holds it to); 0 for an entry the archive lacks. */
  inflatedSize(name: string): number {
    return this.#entries.get(name)?.uncompressedSize ?? 0;
  }

  /** The size of the file, in bytes. */
  get size(): number {
    return this.#zip.fileSize;
  }

  async close(): Promise<void> {
    this.#zip.close();
  }

  /** A small entry, whole; undefined when the archive has none by that name. */
  async read(name: string, maxBytes: number): Promise<Buffer | undefined> {
    const entry = this.#entries.get(name);
    if (entry === undefined) return undefined;
    if (entry.uncompressedSize > maxBytes) throw new ZipError(`${name} is larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of this.chunks(name)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * The bytes of an entry, inflated as they are read, at the reader's pace;
   * checked against the size and checksum the directory gives once the last
   * one is read. Stopping early closes what was opened for it.
   */
  async *chunks(name: string): AsyncGenerator<Buffer> {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw new ZipError(`it has no ${name}`);
    if (entry.isEncrypted()) throw new ZipError(`${name} is encrypted`);
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED)
      throw new ZipError(`${name} is compressed with method ${entry.compressionMethod}, which workbooks do not use`);
    const inflation = describeInflation(entry);
    if (inflation !== undefined) throw new ZipError(inflation);
    let raw;
    try {
      raw = await this.#zip.openReadStreamPromise(entry);
    } catch (error) {
      throw asZipError(error);
    }
    const checked = new Checked(entry);
    pipeline(raw, checked, () => {
      // Errors surface through the iteration below.
    });
    try {
      for await (const chunk of checked) yield chunk as Buffer;
    } catch (error) {
      throw asZipError(error);
    } finally {
      checked.destroy();
    }
  }
}

/** Passes the inflated bytes on, summing them, and fails at the end if they are not the entry's. */
class Checked extends Transform {
  readonly #entry: Entry;
  #crc = 0;

  constructor(entry: Entry) {
    super();
    this.#entry = entry;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#crc = crc32(chunk, this.#crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#crc !== this.#entry.crc32)
      return callback(new ZipError(`${this.#entry.fileName} is damaged: its content does not match the checksum the archive gives`));
    callback();
  }
}

/** Why an entry would inflate to more than a workbook part may, or undefined when it would not. */
function describeInflation(entry: Entry): string | undefined {
  const inflated = entry.uncompressedSize;
  const ratio = inflated / Math.max(1, entry.compressedSize);
  if (inflated <= MAX_INFLATED_BYTES && (inflated <= RATIO_FREE_BYTES || ratio <= MAX_INFLATE_RATIO)) return undefined;
  const limit = `a workbook part may inflate to at most ${MAX_INFLATE_RATIO} times its size, and to ${count(MAX_INFLATED_BYTES / (1024 * 1024))} MiB`;
  return `${entry.fileName} would inflate to ${count(inflated)} bytes from ${count(entry.compressedSize)} (${count(Math.round(ratio))} times its size), where ${limit}; it looks built to exhaust memory (a zip bomb)`;
}

/**
 * What yauzl or zlib found wrong with the archive, as a ZipError; an error of
 * the file itself (not found, no permission) is left as it is, for the
 * caller to describe as such.
 */
function asZipError(error: unknown): unknown {
  if (error instanceof ZipError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && !code.startsWith('Z_')) return error;
  const message = (error as Error).message.replace(/\.+$/, '');
  return new ZipError(`${message.charAt(0).toLowerCase()}${message.slice(1)}`);
}

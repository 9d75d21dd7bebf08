import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { createInflateRaw, crc32, inflateRawSync } from 'node:zlib';

/**
 * A zip archive read through its central directory, the index at its end:
 * any entry can be read, in any order, without reading the others. An
 * .xlsx workbook is such an archive.
 *
 * Reading the zip front to back instead, as exceljs's stream reader does,
 * depends on the order of the entries (a sheet before the shared strings it
 * refers to must be copied to a temporary file) and, in exceljs 4.4 with
 * unzipper 0.10, intermittently loses the last entry (exceljs issue 3064):
 * 26 reads in 30 lost the shared strings of a workbook that stores them last.
 */

export interface ZipEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/** The archive cannot be read: not a zip, damaged, or made with features no workbook uses. */
export class ZipError extends Error {}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x1;

export class ZipArchive {
  readonly #file: FileHandle;
  readonly entries: ReadonlyMap<string, ZipEntry>;

  private constructor(file: FileHandle, entries: ReadonlyMap<string, ZipEntry>) {
    this.#file = file;
    this.entries = entries;
  }

  /** Opens the file and reads its directory; ZipError when it holds no readable one. */
  static async open(path: string): Promise<ZipArchive> {
    const file = await open(path, 'r');
    try {
      return new ZipArchive(file, await readDirectory(file));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  /** A small entry, whole; undefined when the archive has none by that name. */
  async read(name: string, maxBytes: number): Promise<Buffer | undefined> {
    const entry = this.entries.get(name);
    if (entry === undefined) return undefined;
    if (entry.size > maxBytes) throw new ZipError(`${name} is larger than ${maxBytes} bytes`);
    const data = await readAt(this.#file, await this.#dataOffset(entry), entry.compressedSize);
    let bytes: Buffer;
    try {
      bytes = entry.method === STORED ? data : inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch (error) {
      throw new ZipError(`${name} cannot be decompressed (${(error as Error).message})`);
    }
    check(entry, bytes.length, crc32(bytes));
    return bytes;
  }

  /**
   * The bytes of an entry, inflated as they are read, at the reader's pace;
   * checked against the size and checksum the directory gives once the last
   * one is read. Stopping early closes what was opened for it.
   */
  async *chunks(name: string): AsyncGenerator<Buffer> {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new ZipError(`it has no ${name}`);
    const start = await this.#dataOffset(entry);
    // The archive's file stays open for the entries read after this one.
    const raw = this.#file.createReadStream({ start, end: start + entry.compressedSize - 1, autoClose: false });
    const checked = new Checked(entry);
    // Errors surface through the iteration below.
    const ignore = (): void => {};
    if (entry.method === STORED) pipeline(raw, checked, ignore);
    else pipeline(raw, createInflateRaw(), checked, ignore);
    try {
      for await (const chunk of checked) yield chunk as Buffer;
    } catch (error) {
      throw isZlibError(error) ? new ZipError(`${name} cannot be decompressed (${(error as Error).message})`) : error;
    } finally {
      checked.destroy();
    }
  }

  async #dataOffset(entry: ZipEntry): Promise<number> {
    if ((entry.flags & ENCRYPTED) !== 0) throw new ZipError(`${entry.name} is encrypted`);
    if (entry.method !== STORED && entry.method !== DEFLATED) throw new ZipError(`${entry.name} is compressed with method ${entry.method}, which workbooks do not use`);
    const header = await readAt(this.#file, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) throw new ZipError(`the local header of ${entry.name} is damaged`);
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  }
}

/** Passes the inflated bytes on, measuring and summing them, and fails at the end if they are not the entry's. */
class Checked extends Transform {
  readonly #entry: ZipEntry;
  #size = 0;
  #crc = 0;

  constructor(entry: ZipEntry) {
    super();
    this.#entry = entry;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    this.#crc = crc32(chunk, this.#crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      check(this.#entry, this.#size, this.#crc);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

function check(entry: ZipEntry, size: number, crc: number): void {
  if (size !== entry.size || crc !== entry.crc) throw new ZipError(`${entry.name} is damaged: its content does not match the checksum the archive gives`);
}

function isZlibError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('Z_');
}

async function readDirectory(file: FileHandle): Promise<ReadonlyMap<string, ZipEntry>> {
  const { size } = await file.stat();
  const tailBytes = Math.min(size, END_RECORD_BYTES + MAX_COMMENT_BYTES);
  const tailStart = size - tailBytes;
  const tail = await readAt(file, tailStart, tailBytes);
  const end = findEndRecord(tail);
  if (end < 0) throw new ZipError('no end of central directory record');
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  // A zip64 archive (over 4 GB or 65,535 entries) sets these fields to 0xffff...; no workbook is that large.
  if (directoryOffset + directorySize > tailStart + end) throw new ZipError('the central directory lies outside the file');
  const directory = await readAt(file, directoryOffset, directorySize);
  const entries = new Map<string, ZipEntry>();
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset + 46 > directory.length || directory.readUInt32LE(offset) !== DIRECTORY_ENTRY) throw new ZipError('a central directory entry is damaged');
    const nameLength = directory.readUInt16LE(offset + 28);
    const name = directory.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.set(name, {
      name,
      flags: directory.readUInt16LE(offset + 8),
      method: directory.readUInt16LE(offset + 10),
      crc: directory.readUInt32LE(offset + 16),
      compressedSize: directory.readUInt32LE(offset + 20),
      size: directory.readUInt32LE(offset + 24),
      localHeaderOffset: directory.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + directory.readUInt16LE(offset + 30) + directory.readUInt16LE(offset + 32);
  }
  return entries;
}

/** The end record is the last one whose comment reaches exactly the end of the file. */
function findEndRecord(tail: Buffer): number {
  for (let offset = tail.length - END_RECORD_BYTES; offset >= 0; offset--) {
    if (tail.readUInt32LE(offset) === END_OF_DIRECTORY && offset + END_RECORD_BYTES + tail.readUInt16LE(offset + 20) === tail.length) return offset;
  }
  return -1;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

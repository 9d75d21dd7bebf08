import { closeSync, fdatasyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { csvText } from './csv-text.js';

/** A CSV file written with plain synchronous appends: one write per flush, nothing held by a stream. */
export class CsvSink {
  readonly #path: string;
  readonly fd: number;
  #records: string[][] = [];
  /** Written before the first record. */
  #preamble: string;

  constructor(path: string, flags: 'wx' | 'w' | 'a', preamble: string) {
    this.#path = path;
    this.fd = openSync(path, flags);
    this.#preamble = preamble;
  }

  get pending(): number {
    return this.#records.length;
  }

  add(record: string[]): void {
    this.#records.push(record);
  }

  flush(): void {
    if (this.#records.length === 0) return;
    const text = this.#preamble + csvText(this.#records);
    this.#preamble = '';
    this.#records = [];
    let written = writeSync(this.fd, text);
    // A short write (a full disk, a signal) is rare; finish it from the encoded bytes.
    if (written < Buffer.byteLength(text)) {
      const bytes = Buffer.from(text);
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    }
  }

  close(durable: boolean): void {
    this.flush();
    if (durable) fdatasyncSync(this.fd);
    closeSync(this.fd);
  }

  discard(): void {
    this.#records = [];
    closeSync(this.fd);
    unlinkSync(this.#path);
  }
}

/** Records held before a write: large writes, not one system call per record. */
const BATCH_RECORDS = 256;

/**
 * A CSV file that appears whole or not at all: written to `<path>.tmp`,
 * forced to disk and renamed into place by `commit`. A reader (or a resumed
 * run) never sees half of it; a `.tmp` left by a process that died is
 * replaced by the next writer.
 */
export class AtomicCsvFile {
  readonly #path: string;
  readonly #sink: CsvSink;

  constructor(path: string, header: readonly string[], preamble = '') {
    this.#path = path;
    this.#sink = new CsvSink(`${path}.tmp`, 'w', preamble);
    this.#sink.add([...header]);
  }

  add(record: string[]): void {
    this.#sink.add(record);
    if (this.#sink.pending >= BATCH_RECORDS) this.#sink.flush();
  }

  commit(): void {
    this.#sink.close(true);
    renameSync(`${this.#path}.tmp`, this.#path);
  }

  discard(): void {
    this.#sink.discard();
  }
}

import { closeSync, fdatasyncSync, fstatSync, openSync, unlinkSync, writeSync } from 'node:fs';

/**
 * A file written with plain synchronous appends of what has gathered since
 * the last one: one system call per flush, nothing held by a stream. Knows
 * the offset at which each text it is given will land.
 */
export class AppendFile {
  readonly #path: string;
  readonly fd: number;
  #pending = '';
  /** Characters pending: cheaper to keep than bytes, and enough to tell when to write. */
  #pendingLength = 0;
  /** Bytes in the file once what is pending is written; counted only when `track` asks for offsets. */
  #end: number;
  readonly #track: boolean;
  /** Set once a write of its batch failed: what is appended after is dropped, never held. */
  #dropping = false;

  /** `track`: `append` returns the byte offset of each text, at the cost of counting its bytes. */
  constructor(path: string, flags: 'wx' | 'w' | 'a', track = false) {
    this.#path = path;
    this.fd = openSync(path, flags);
    this.#track = track;
    this.#end = track ? fstatSync(this.fd).size : 0;
  }

  get pendingLength(): number {
    return this.#pendingLength;
  }

  /** The file's length once what is pending is written (when tracking). */
  get end(): number {
    return this.#end;
  }

  /** Gathers `text`; returns the byte offset it will have in the file (0 unless tracking). */
  append(text: string): number {
    const at = this.#end;
    if (this.#dropping) return at;
    if (this.#track) this.#end += Buffer.byteLength(text);
    this.#pending += text;
    this.#pendingLength += text.length;
    return at;
  }

  /** Writes what has gathered, in one write. */
  flush(): void {
    if (this.#pendingLength === 0) return;
    const text = this.#pending;
    this.#pending = '';
    this.#pendingLength = 0;
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

  /** Forgets what is pending and drops every later append: the folder can no longer be written. */
  drop(): void {
    this.#dropping = true;
    this.#pending = '';
    this.#pendingLength = 0;
  }

  discard(): void {
    this.#pending = '';
    this.#pendingLength = 0;
    closeSync(this.fd);
    unlinkSync(this.#path);
  }

  /** Closes the file without writing or syncing anything more: its folder can no longer be written. */
  closeUnwritten(): void {
    this.drop();
    closeSync(this.fd);
  }
}

/**
 * The appends of a run's files while rows are sent, written together once
 * per turn of the event loop rather than one system call per row and file.
 *
 * The durability promise holds: `schedule` writes with setImmediate, which
 * runs once the answers that arrived together have been handled and before
 * the process waits for anything again (the network, a timer), so a finished
 * row reaches the operating system without ti-credits ever idling in between,
 * and a journal entry that must precede a request is awaited (`written`)
 * before the request leaves. A kill at the one instant between cannot go
 * unnoticed: the row is in sent.log with no answer recorded, and is sent
 * again and flagged. The disk is reached within `sync`'s interval, as before.
 *
 * Files flush in the order of their rank, lowest first, so that a later file
 * never records something an earlier one does not hold yet (sent.log settles
 * a resent row only once report.csv has its line).
 */
export class AppendBatch {
  readonly #sync: (fd: number) => void;
  readonly #onFailure: (error: unknown) => void;
  /** The first write that failed: nothing is written after it. */
  #failure: unknown;
  readonly #files: { readonly file: AppendFile; readonly rank: number }[] = [];
  #scheduled = false;
  #written: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;

  /**
   * `sync` is handed each file written, to decide when to force it to disk.
   * `onFailure` is told of the first write that fails, before anyone waiting
   * on `written` learns of it: a journal entry that did not reach the disk
   * must hold its request back.
   */
  constructor(
    sync: (fd: number) => void,
    onFailure: (error: unknown) => void = (error) => {
      throw error;
    },
  ) {
    this.#sync = sync;
    this.#onFailure = onFailure;
  }

  /** Opens a file whose appends this batch writes. */
  open(path: string, flags: 'wx' | 'w' | 'a', rank: number, track = false): AppendFile {
    const file = new AppendFile(path, flags, track);
    this.#files.push({ file, rank });
    this.#files.sort((a, b) => a.rank - b.rank);
    return file;
  }

  /** Writes what has gathered at the end of this turn of the event loop. */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Resolves once everything appended so far is written; rejects if it cannot be. */
  written(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.schedule();
    if (this.#written === undefined) {
      let resolve = (): void => {};
      let reject = (_error: unknown): void => {};
      const promise = new Promise<void>((done, fail) => {
        resolve = done;
        reject = fail;
      });
      this.#written = { promise, resolve, reject };
    }
    return this.#written.promise;
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#failure !== undefined) return;
    const waiting = this.#written;
    this.#written = undefined;
    try {
      for (const { file } of this.#files) {
        if (file.pendingLength === 0) continue;
        file.flush();
        this.#sync(file.fd);
      }
    } catch (error) {
      this.#failure = error;
      for (const { file } of this.#files) file.drop();
      this.#onFailure(error);
      waiting?.reject(error);
      return;
    }
    waiting?.resolve();
  }

  /** Writes what `file` has gathered, forces it to disk, and stops writing it. */
  close(file: AppendFile): void {
    this.#leave(file);
    if (this.#failure === undefined) file.close(true);
    else file.closeUnwritten();
  }

  /** Throws `file` away, unwritten appends included. */
  discard(file: AppendFile): void {
    this.#leave(file);
    file.discard();
  }

  #leave(file: AppendFile): void {
    const index = this.#files.findIndex((entry) => entry.file === file);
    if (index >= 0) this.#files.splice(index, 1);
  }
}

import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AppendBatch, AppendFile } from './append-batch.js';

export const SENT_FILE = 'sent.log';

/** After report.csv and failed.csv in a batch: a settled line must already be in the report. */
const SENT_RANK = 1;

/**
 * The line number of every row handed to the API, appended before its first
 * request. A row listed here more often than report.csv has an answer for it
 * was in flight when the process died: the API may have applied it. Once a
 * resumed run has recorded that, `-<line>` settles the lost request.
 *
 * Reading before writing, before each request whose body was made from a
 * new read, `@<line> <from> <to> <updatedAt>` journals what it was made
 * from: for a balance adjusted by a delta, the balance it was added to and
 * the one it sets (what tells, once its answer is lost, whether it was
 * applied: the batch holds `to`; not applied: `from`; or cannot be told:
 * anything else), `-` for other rows; and the batch's updatedAt as that read
 * listed it, where the credit ledger is reconciled from (`-` when unknown).
 * Such entries count no request.
 */
export class SentLog {
  readonly #batch: AppendBatch;
  readonly #file: AppendFile;

  /** `batch` writes the appended lines, after those of report.csv (see AppendBatch). */
  constructor(folder: string, batch: AppendBatch) {
    this.#batch = batch;
    this.#file = batch.open(join(folder, SENT_FILE), 'a', SENT_RANK);
  }

  /** Journals `line`; resolves once the entry has reached the operating system, when its request may leave. */
  record(line: number): Promise<void> {
    this.#file.append(`${line}\n`);
    return this.#batch.written();
  }

  /** Journals what the next request of `line` was made from (see the class); resolves once written, when it may leave. */
  recordRequest(line: number, request: SentRequest): Promise<void> {
    this.#file.append(requestEntry(line, request));
    return this.#batch.written();
  }

  /** The `lost` requests of `line` in earlier interruptions are now in the report. */
  settle(line: number, lost: number): void {
    for (let request = 0; request < lost; request++) this.#file.append(`-${line}\n`);
    this.#batch.schedule();
  }

  close(): void {
    this.#batch.close(this.#file);
  }
}

const READ_BYTES = 1 << 20;
const REQUEST_MARK = '@';
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Streams sent.log: `onEntry(line, +1)` for each row journalled, `-1` for
 * each settled. A last line a crash cut short, and zeros a power cut left,
 * are cut off the file so that the next session's entries start on a line
 * of their own; lines that are not entries are skipped, as ever. Holds one
 * chunk of the file at a time.
 */
export function readSentLog(folder: string, onEntry: (line: number, change: 1 | -1) => void): void {
  const path = join(folder, SENT_FILE);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let position = 0;
  let complete = 0;
  let size = 0;
  // The entry being read: its sign, its number so far, and whether it is still one.
  let negative = false;
  let value = 0;
  let digits = 0;
  let entry = true;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, READ_BYTES, position);
      if (read === 0) break;
      for (let index = 0; index < read; index++) {
        const byte = buffer[index] as number;
        if (byte === NEWLINE) {
          if (entry && digits > 0 && Number.isSafeInteger(value)) onEntry(value, negative ? -1 : 1);
          complete = position + index + 1;
          negative = false;
          value = 0;
          digits = 0;
          entry = true;
        } else if (byte >= ZERO && byte <= NINE) {
          value = value * 10 + (byte - ZERO);
          digits++;
        } else if (byte === MINUS && digits === 0 && !negative) negative = true;
        else entry = false;
      }
      position += read;
      size = position;
    }
  } finally {
    closeSync(fd);
  }
  if (complete < size) truncateSync(path, complete);
}

/** What a request was made from, as journalled before it left (see SentLog). */
export interface SentRequest {
  /** For a balance adjusted by a delta: the balance it was added to, and the one the request set. */
  readonly balance: { readonly from: number; readonly to: number } | undefined;
  /** The batch's updatedAt as the read the request was made from listed it. */
  readonly readUpdatedAt: string | undefined;
}

function requestEntry(line: number, { balance, readUpdatedAt }: SentRequest): string {
  return `${REQUEST_MARK}${line} ${balance === undefined ? '- -' : `${balance.from} ${balance.to}`} ${readUpdatedAt === undefined || /\s/.test(readUpdatedAt) || readUpdatedAt === '' ? '-' : readUpdatedAt}\n`;
}

/**
 * The last request journalled for each of `lines` (see SentLog): the lines
 * whose last request may have landed unanswered. Reads the file as lines,
 * since the few lines asked for are found by a pattern.
 */
export function readSentRequests(folder: string, wanted: (line: number) => boolean): Map<number, SentRequest> {
  const requests = new Map<number, SentRequest>();
  let text: string;
  try {
    text = readFileSync(join(folder, SENT_FILE), 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return requests;
    throw error;
  }
  for (const match of text.matchAll(/^@(\d+) (?:(\d+) (\d+)|- -) (\S+)$/gm)) {
    const line = Number(match[1]);
    if (!Number.isSafeInteger(line) || !wanted(line)) continue;
    const [from, to] = [Number(match[2]), Number(match[3])];
    const balance = match[2] === undefined || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) ? undefined : { from, to };
    requests.set(line, { balance, readUpdatedAt: match[4] === '-' ? undefined : match[4] });
  }
  return requests;
}

/**
 * Writes sent.log anew to match a compacted report.csv: one entry for each
 * line in `answered` (those whose one record now counts a request). Without
 * it, a row sent in several sessions is journalled several times but has one
 * record once compacted, and the next resume would take it for a row in
 * flight. Replaced whole (a leftover `.tmp` is overwritten); a crash before
 * the rename leaves the longer log, which can only flag a row too many.
 */
export function rewriteSentLog(
  folder: string,
  answered: (visit: (line: number) => void) => void,
  requests: ReadonlyMap<number, SentRequest> = new Map(),
): void {
  const path = join(folder, SENT_FILE);
  const partial = `${path}.tmp`;
  const fd = openSync(partial, 'w');
  try {
    let text = '';
    answered((line) => {
      text += `${line}\n`;
      if (text.length >= READ_BYTES) {
        writeAll(fd, text);
        text = '';
      }
    });
    // What the last requests of rows still unsettled were made from outlives the rewrite: the next resume settles them by it.
    for (const [line, request] of requests) text += requestEntry(line, request);
    writeAll(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

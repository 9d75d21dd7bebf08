import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const SENT_FILE = 'sent.log';

/**
 * The line number of every row handed to the API, appended before its first
 * request. A row listed here more often than report.csv has an answer for it
 * was in flight when the process died: the API may have applied it. Once a
 * resumed run has recorded that, `-<line>` settles the lost request.
 */
export class SentLog {
  readonly #fd: number;
  readonly #sync: () => void;

  /** `sync` decides when the appended lines are forced to disk. */
  constructor(folder: string, sync: (fd: number) => void) {
    this.#fd = openSync(join(folder, SENT_FILE), 'a');
    this.#sync = () => sync(this.#fd);
  }

  record(line: number): void {
    writeSync(this.#fd, `${line}\n`);
    this.#sync();
  }

  /** The request of `line` lost in an earlier interruption is now in the report. */
  settle(line: number): void {
    writeSync(this.#fd, `-${line}\n`);
    this.#sync();
  }

  close(): void {
    fdatasyncSync(this.#fd);
    closeSync(this.#fd);
  }
}

/** How many requests of each line are not settled, from a sent.log whose last line a crash may have cut short. */
export function readSentLog(folder: string): Map<number, number> {
  const counts = new Map<number, number>();
  let text: string;
  try {
    text = readFileSync(join(folder, SENT_FILE), 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return counts;
    throw error;
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const entry of complete.split('\n')) {
    if (!/^-?\d+$/.test(entry)) continue;
    const line = Math.abs(Number(entry));
    counts.set(line, (counts.get(line) ?? 0) + (entry.startsWith('-') ? -1 : 1));
  }
  return counts;
}

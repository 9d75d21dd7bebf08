import { closeSync, openSync, writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Paths that would hold the key if an object carrying it were ever logged.
 * Nothing logs such objects; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'options.headers.authorization',
  '*.options.headers.authorization',
];

export interface RunLog {
  /** For every entry but the per-row ones: the key's paths are redacted, in case an object carrying it is ever logged. */
  readonly logger: Logger;
  /**
   * The same log for the entries written for every request and every row,
   * whose fields are line numbers, ids, statuses and messages the API client
   * has already scrubbed of the key: no path of theirs can hold it, so they
   * are spared the redaction's walk over every entry.
   */
  readonly rows: Logger;
  /** Writes out every line gathered, and closes the file. */
  close(): Promise<void>;
}

/** Lines gathered beyond this are written at once rather than at the end of the turn: a bound on memory, not a cadence. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * The run's NDJSON log file. `scrub`, given, is applied to every line as it
 * is written: the key's last line of defence, whatever a line quotes.
 * `onFailure` is told of the first write that fails (a full disk); the log
 * then writes nothing more, and never retries, waits or blocks a signal.
 */
export function openRunLog(path: string, level: LogLevel, scrub?: (line: string) => string, onFailure: (error: unknown) => void = () => {}): RunLog {
  const destination = new LogFile(path, onFailure);
  const rows = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(scrub === undefined ? {} : { hooks: { streamWrite: scrub } }),
    },
    destination,
  );
  const logger = rows.child({}, { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
  return {
    logger,
    rows,
    close: async () => destination.close(),
  };
}

/**
 * pino's own destination (sonic-boom) retries a failed write with a
 * synchronous sleep, forever when the disk is full, and flushes on exit the
 * same way: the process then hangs, deaf to Ctrl-C and SIGTERM. This one
 * gathers the lines of a turn of the event loop and writes them in one
 * synchronous write at its end (the way report.csv is written), and gives up
 * on the first failure.
 */
class LogFile {
  #fd: number | undefined;
  #pending = '';
  #scheduled = false;
  readonly #onFailure: (error: unknown) => void;

  constructor(path: string, onFailure: (error: unknown) => void) {
    this.#fd = openSync(path, 'a');
    this.#onFailure = onFailure;
  }

  write(line: string): boolean {
    if (this.#fd === undefined) return true;
    this.#pending += line;
    if (this.#pending.length >= MAX_PENDING_CHARS) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  flush(): void {
    this.#scheduled = false;
    const fd = this.#fd;
    if (fd === undefined || this.#pending === '') return;
    const bytes = Buffer.from(this.#pending);
    this.#pending = '';
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch (error) {
      this.#fd = undefined;
      closeQuietly(fd);
      this.#onFailure(error);
    }
  }

  close(): void {
    this.flush();
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The write that failed is the failure reported; closing cannot add to it.
  }
}

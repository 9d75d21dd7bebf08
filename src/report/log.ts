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
  /** Writes out every buffered line; pino's async destination would drop them at exit otherwise. */
  close(): Promise<void>;
}

/**
 * The run's NDJSON log file. `scrub`, given, is applied to every line as it
 * is written: the key's last line of defence, whatever a line quotes.
 */
export function openRunLog(path: string, level: LogLevel, scrub?: (line: string) => string): RunLog {
  const destination = pino.destination({ dest: path, sync: false, minLength: 4096 });
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
    close: () =>
      new Promise((resolve, reject) => {
        logger.flush((error) => {
          if (error) return reject(error);
          destination.once('close', () => resolve());
          destination.end();
        });
      }),
  };
}

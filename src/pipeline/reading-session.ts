import type { InterruptedWork } from '../core/words/run.js';
import type { LogLevel } from '../report/log.js';
import type { Outcome } from '../report/outcome.js';
import type { RunFolder } from '../report/run-folder.js';
import type { SendOptions } from '../send/options.js';
import { readingSession } from './run-ledger.js';
import { inSession, type RunSession } from './run-session.js';

/** What a command that reads and sends nothing (snapshot, rollover, verify) says of its run. */
export interface ReadingRun<O> {
  readonly command: 'snapshot' | 'rollover' | 'verify';
  /** What Ctrl-C stops, as the words of TIC-INTERRUPTED name it. */
  readonly interrupted: InterruptedWork;
  /** The settings recorded in run.json and summary.json, and logged at the start. */
  readonly settings: O;
  readonly send: SendOptions;
  /** The reports root: the run ledger and pace.json live there. */
  readonly reports: string | undefined;
  readonly logLevel: LogLevel;
  /** The run it reads about, for verify; none for the others. */
  readonly input?: string;
  readonly outcomes?: readonly Outcome[];
  readonly summaryFile?: string;
  /** Facts for run.log's start entry besides the settings. */
  readonly start?: Record<string, unknown>;
}

/**
 * inSession for a command that reads: its summary's facts, its record in
 * the run ledger, its start, said once for the three commands that read.
 */
export function inReadingSession<O, T>(
  folder: RunFolder,
  run: ReadingRun<O>,
  clock: { readonly startedAt: Date; readonly now: () => Date },
  shutdown: AbortSignal | undefined,
  work: (session: RunSession<O>) => Promise<T>,
): Promise<T> {
  const { send } = run;
  const facts = {
    command: run.command,
    dryRun: false,
    input: run.input ?? '',
    target: send.target.origin,
    options: run.settings,
    outcomes: run.outcomes ?? [],
    ...(run.summaryFile === undefined ? {} : { summaryFile: run.summaryFile }),
    paceRoot: run.reports,
  };
  const ledger = readingSession(run.reports, folder.path, {
    command: run.command,
    instance: send.target.origin,
    apiKey: send.target.apiKey,
    startedAt: clock.startedAt,
  });
  const start = {
    logLevel: run.logLevel,
    apiKey: send.target.apiKey,
    ...clock,
    shutdown,
    interrupted: run.interrupted,
    start: { ...run.start, options: run.settings },
    ledger,
  };
  return inSession(folder, facts, start, work);
}

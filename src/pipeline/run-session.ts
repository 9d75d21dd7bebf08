import { dirname } from 'node:path';
import type { CommandName } from '../core/command.js';
import { ApiError, type TiError } from '../core/errors.js';
import type { PacingStats } from '../core/run-facts.js';
import { keyScrubber } from '../core/secret.js';
import { failure } from '../core/words.js';
import { RUN_WORDS, type InterruptedWork } from '../core/words/run.js';
import type { LogLevel, RunLog } from '../report/log.js';
import type { Outcome } from '../report/outcome.js';
import { rememberPace } from '../report/pace-memory.js';
import type { RunFolder } from '../report/run-folder.js';
import type { RecordedOptions } from '../report/run-record.js';
import type { SummaryCheckpoints } from '../report/summary-checkpoints.js';
import { summarize, type RunStatus, type Summary } from '../report/summary.js';
import { Tally } from '../report/tally.js';
import type { SessionLedger } from './run-ledger.js';
import { onAbort } from '../core/abort.js';

/** What the summary says of the run, known from the start. */
export interface SessionFacts<O> {
  readonly command: CommandName;
  readonly dryRun: boolean;
  readonly input: string;
  readonly target: string | undefined;
  readonly options: O;
  /** The outcomes the run's rows can have (its report schema's). */
  readonly outcomes: readonly Outcome[];
  /** Where the summary goes, when not summary.json: a command adding to another run's folder keeps that run's. */
  readonly summaryFile?: string;
  /** Where the pace the run learned is kept for the next run (pace.json): the reports root; absent, the folder holding the run folder. */
  readonly paceRoot?: string | undefined;
}

/**
 * What every stage of one run shares: its folder and log, its counts, and
 * how it ends. The run's status is decided here and nowhere else: it is
 * `completed` unless a stage stops the run, and the first reason given to
 * stop it is the one reported.
 */
export class RunSession<O = RecordedOptions> {
  readonly folder: RunFolder;
  readonly log: RunLog;
  readonly startedAt: Date;
  readonly #facts: SessionFacts<O>;
  readonly #now: () => Date;
  readonly #stop = new AbortController();
  #tally: Tally;
  #status: RunStatus = 'completed';
  #failure: TiError | undefined;
  #pacing: (() => PacingStats) | undefined;
  #checkpoints: SummaryCheckpoints | undefined;
  #plan: Readonly<Record<string, unknown>> | null = null;
  #snapshot: Summary['snapshot'];
  #reconciliation: Summary['reconciliation'];
  #ledger: SessionLedger | undefined;

  constructor(folder: RunFolder, log: RunLog, facts: SessionFacts<O>, clock: { readonly startedAt: Date; readonly now: () => Date }) {
    this.folder = folder;
    this.log = log;
    this.#facts = facts;
    this.startedAt = clock.startedAt;
    this.#now = clock.now;
    this.#tally = new Tally(facts.outcomes);
    // The first write to the folder that fails stops the run at once: a row sent after it could not be recorded.
    folder.onFailure((error) => this.stop(error, 'stopped'));
  }

  /** Aborted once the run stops, for whatever reason; its reason is the error that stopped it. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get tally(): Tally {
    return this.#tally;
  }

  get status(): RunStatus {
    return this.#status;
  }

  get failure(): TiError | undefined {
    return this.#failure;
  }

  /** Stops the run for good: no new request is made. The first reason given is the one reported. */
  stop(error: TiError, status: RunStatus): void {
    if (this.#stop.signal.aborted) return;
    this.#status = status;
    this.#failure = error;
    this.log.logger.error(
      { event: 'stop', status, kind: error.kind, code: error.code, httpStatus: error instanceof ApiError ? error.status : undefined, error: error.message },
      `run ${status}`,
    );
    this.#stop.abort(error);
  }

  /** Ends the run before anything is sent, without stopping a stage: the remaining rows are still reported. */
  refuse(error: TiError): void {
    this.#status = 'refused';
    this.#failure ??= error;
  }

  /** Forgets the counts of rows whose report was thrown away, to count them again. */
  recount(): void {
    this.#tally = new Tally(this.#facts.outcomes);
  }

  /** The plan's figures, for summary.json. */
  planned(plan: Readonly<Record<string, unknown>>): void {
    this.#plan = plan;
  }

  /** What a snapshot wrote, for summary.json. */
  snapshotted(snapshot: NonNullable<Summary['snapshot']>): void {
    this.#snapshot = snapshot;
  }

  /** What reconciling the run against the credit ledger found, for summary.json. */
  reconciled(reconciliation: NonNullable<Summary['reconciliation']>): void {
    this.#reconciliation = reconciliation;
  }

  /** The run ledger's record of this session, completed when it finishes. */
  recordedIn(ledger: SessionLedger): void {
    this.#ledger = ledger;
  }

  /** Where sending's pace comes from, once sending has begun. */
  pacedBy(pacing: () => PacingStats): void {
    this.#pacing = pacing;
  }

  /** How sending has been paced so far; undefined before it began. */
  get pacing(): PacingStats | undefined {
    return this.#pacing?.();
  }

  /** Keeps summary.json current while rows are sent, so that a killed run's counts survive it. */
  startCheckpoints(): void {
    this.#checkpoints = this.folder.checkpoints(() => this.summary('running'));
    this.#checkpoints.start();
  }

  async stopCheckpoints(): Promise<void> {
    await this.#checkpoints?.stop();
  }

  summary(status: RunStatus = this.#status): Summary<O> {
    const { command, dryRun, input, target, options } = this.#facts;
    return summarize({
      command,
      dryRun,
      input,
      target,
      options,
      status,
      folder: this.folder.path,
      startedAt: this.startedAt,
      finishedAt: this.#now(),
      tally: this.#tally,
      pacing: this.#pacing?.(),
      error: status === 'running' ? undefined : this.#failure,
      plan: this.#plan,
      ...(this.#snapshot === undefined ? {} : { snapshot: this.#snapshot }),
      ...(this.#reconciliation === undefined ? {} : { reconciliation: this.#reconciliation }),
    });
  }

  /**
   * Writes the final summary.json and closes the log. A folder that can no
   * longer be written gets neither: the summary is still returned, to print.
   */
  async finish(): Promise<Summary<O>> {
    let summary = this.summary();
    if (this.folder.failure === undefined) {
      try {
        await this.folder.writeSummary(summary, this.#facts.summaryFile);
      } catch (error) {
        this.folder.fail(error);
        summary = this.summary();
      }
    }
    await this.#rememberPace(summary);
    this.log.logger.info({ event: 'end', summary }, 'run finished');
    // The run has ended whatever the ledger says: a ledger that cannot be completed is said in run.log, and `runs --rebuild` mends it.
    await this.#ledger
      ?.end(summary)
      .catch((error: unknown) =>
        this.log.logger.warn({ event: 'ledger', error: (error as Error).message }, 'the run ledger could not record the end of the run'),
      );
    await this.log.close();
    return summary;
  }

  /**
   * What the run learned of the API's limit, kept beside the run folders
   * (report/pace-memory.ts) for the next run against the same target to start from.
   */
  async #rememberPace({ pacing, finishedAt }: Summary<O>): Promise<void> {
    const { target } = this.#facts;
    if (pacing === null || pacing.learnedRatePerMinute === null || target === undefined) return;
    const pace = { ratePerMinute: pacing.learnedRatePerMinute, burst: pacing.learnedBurst, stated: !pacing.throttled, learnedAt: finishedAt };
    await rememberPace(this.#facts.paceRoot ?? dirname(this.folder.path), target, pace);
  }
}

/** How a session begins: its log, what stops it, and the first line it logs. */
export interface SessionStart {
  readonly logLevel: LogLevel;
  /** The key whose every form run.log must never hold; undefined for a run that makes no request. */
  readonly apiKey: string | undefined;
  readonly startedAt: Date;
  readonly now: () => Date;
  /** Aborted when the operator asks to stop (Ctrl-C). */
  readonly shutdown?: AbortSignal | undefined;
  /** What the operator stops with Ctrl-C, as the words of TIC-INTERRUPTED name it. */
  readonly interrupted: InterruptedWork;
  /** The first entry of run.log: what the run was started with. */
  readonly start: Record<string, unknown>;
  /** The run ledger's record of the session, for a run the ledger keeps: begun before `work`, which it may refuse. */
  readonly ledger?: SessionLedger | undefined;
}

/**
 * The prologue every command that leaves a run folder shares: in the folder
 * this process holds, run.log opened (the key scrubbed from it), the
 * session, the operator's Ctrl-C turned into an interruption of the session,
 * the start logged; then `work`, and the listener removed however it ends.
 */
export async function inSession<O, T>(
  folder: RunFolder,
  facts: SessionFacts<O>,
  start: SessionStart,
  work: (session: RunSession<O>) => Promise<T>,
): Promise<T> {
  const session = new RunSession<O>(folder, folder.openLog(start.logLevel, start.apiKey === undefined ? undefined : keyScrubber(start.apiKey)), facts, {
    startedAt: start.startedAt,
    now: start.now,
  });
  if (start.ledger !== undefined) {
    await start.ledger.begin().catch(async (error: unknown) => {
      await session.log.close();
      throw error;
    });
    session.recordedIn(start.ledger);
  }
  const interrupt = (): void => session.stop(failure(RUN_WORDS, 'TIC-INTERRUPTED', { work: start.interrupted }), 'interrupted');
  const stopListening = onAbort(start.shutdown, interrupt);
  session.log.logger.info({ event: 'start', command: facts.command, ...start.start }, `${facts.command} started`);
  try {
    return await work(session);
  } finally {
    stopListening();
  }
}

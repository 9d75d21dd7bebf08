import type { Columns } from '../core/columns.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { TiError } from '../core/errors.js';
import type { PacingStats } from '../core/run-facts.js';
import type { RowOutcome } from '../report/outcome.js';
import type { PriorRun } from '../report/prior-run.js';
import { markResent } from '../report/resent-note.js';
import type { ReportWriter } from '../report/report-writer.js';
import type { RecordedOptions } from '../report/run-record.js';
import type { ReportSchema } from '../report/schema.js';
import type { SentLog } from '../report/sent-log.js';
import type { RunMode } from './mode.js';
import type { ReadProgress } from './live/live-batches.js';
import type { Plan } from './plan.js';
import type { OnRecord } from './run-ledger.js';
import type { GuardOptions, RunOptions } from './run-options.js';
import type { RunSession } from './run-session.js';
import { SendStage } from './send-stage.js';
import type { SendProgress, SendProgressCounter } from './send-progress.js';

/** One of the first requests a dry run would send, shown to the operator. */
export interface Preview {
  readonly line: number;
  readonly id: string;
  readonly body: CreditBatchUpdate;
}

/** How many would-be requests a dry run shows. */
export const PREVIEW_ROWS = 5;

/** What a run over a file is given besides its mode and options: the world around it. */
export interface RunEnvironment {
  readonly cwd: string;
  readonly now?: () => Date;
  /**
   * Shown the plan once the file is validated, before anything is sent. It
   * resolves with the reason nothing may be sent (the operator said no, or no
   * one could be asked), or undefined to go ahead. Absent: sending goes ahead.
   * `pacing`: the send stage's, when it has made requests already (the key
   * checked, the live values read).
   */
  readonly confirm?: (plan: Plan, pacing: PacingStats | undefined) => Promise<TiError | undefined>;
  /** Told as sending begins, with where it stands, kept current until the run ends. */
  readonly onSendStart?: (progress: SendProgress) => void;
  /**
   * Told as the live values begin to be read for the plan, with where the
   * reading stands (kept current) and the pace requests go at; what it
   * returns is called once they are read.
   */
  readonly onReadStart?: (progress: ReadProgress, pace: () => number) => () => void;
  /** What the run ledger says of this run before it starts: the same file applied before, the approval of a saved plan. */
  readonly history?: OnRecord | undefined;
  /**
   * Aborted when the user asks to stop (Ctrl-C). No new row is sent; rows in
   * flight finish and are recorded; the rest are reported `skipped`.
   */
  readonly shutdown?: AbortSignal;
  /**
   * Aborted when the user asks again (a second Ctrl-C): the requests in
   * flight are abandoned, their rows left in flight for a resume to settle,
   * and the run ends at once with its files written.
   */
  readonly hardStop?: AbortSignal;
  /** How long a resumed run waits for its folder while another live process holds it (--lock-timeout); 0 refuses at once. */
  readonly lockWaitMs?: number;
}

/**
 * The handles one run over a file shares between its stages: the session
 * (folder, log, counts, status), the mode and options, the report being
 * written, sent.log once sending begins, and the send stage. Stages are
 * functions of this context; none holds state of its own across stages.
 */
export class RunContext {
  readonly session: RunSession;
  readonly mode: RunMode;
  readonly options: RunOptions;
  readonly environment: RunEnvironment;
  readonly schema: ReportSchema;
  /** How the live values are read before writing; undefined when they are not. */
  readonly guard: GuardOptions | undefined;
  /** The send stage; undefined for a run that makes no request. */
  readonly sendStage: SendStage<RecordedOptions> | undefined;
  #report: ReportWriter | undefined;
  #sentLog: SentLog | undefined;
  #progress: SendProgressCounter | undefined;

  constructor(
    session: RunSession,
    mode: RunMode,
    options: RunOptions,
    environment: RunEnvironment,
    schema: ReportSchema,
    sendStage: SendStage<RecordedOptions> | undefined,
  ) {
    this.session = session;
    this.mode = mode;
    this.options = options;
    this.environment = environment;
    this.schema = schema;
    this.guard = options.guard;
    this.sendStage = sendStage;
  }

  /** sent.log, once the pass that sends has begun: from then on the run may have sent rows. */
  get sentLog(): SentLog | undefined {
    return this.#sentLog;
  }

  /** Begins the pass that sends: sent.log opened, summary.json kept current, progress shown. */
  startSending(): SentLog {
    const sentLog = this.session.folder.openSentLog();
    this.#sentLog = sentLog;
    this.session.startCheckpoints();
    return sentLog;
  }

  /** Tells the operator sending has begun, once the file is known unchanged. */
  showProgress(progress: SendProgressCounter): void {
    this.#progress = progress;
    this.environment.onSendStart?.(progress);
  }

  get progress(): SendProgressCounter | undefined {
    return this.#progress;
  }

  /**
   * Starts report.csv (again, if a first attempt is discarded) and returns
   * how a row's outcome is recorded: in the report, the counts, the progress
   * and the log. `durable` while sending: each row reaches the disk as it
   * finishes. Sending blind, a row in flight when an earlier session died is
   * marked resent (`prior`): the API may have applied it twice.
   */
  startReport(columns: Columns, durable: boolean, prior?: PriorRun): (outcome: RowOutcome) => void {
    const session = this.session;
    const writer = session.folder.openReport(columns, { schema: this.schema, durable, excel: this.options.excel });
    this.#report = writer;
    const inFlight = prior?.inFlight;
    return (outcome) => {
      const lost = inFlight?.has(outcome.line) === true ? (prior?.lostRequests(outcome.line) ?? 0) : 0;
      const row = lost > 0 ? markResent(outcome, lost) : outcome;
      writer.write(row);
      if (lost > 0) {
        this.#sentLog?.settle(row.line, lost);
        session.tally.countLostRequests(lost);
      }
      session.tally.countRow(row);
      this.#progress?.finish(row);
      const entry = {
        event: 'row',
        line: row.line,
        outcome: row.outcome,
        httpStatus: row.httpStatus,
        attempts: row.attempts,
        error: row.error,
        code: row.code,
      };
      // Validating a million rows should not write a million log lines; the report has them.
      if (durable || row.outcome === 'invalid') session.log.rows.info(entry, 'row');
      else session.log.rows.debug(entry, 'row');
    };
  }

  /** Whether a report has been started. */
  get reporting(): boolean {
    return this.#report !== undefined;
  }

  /** Throws away the report written so far, with the counts that went with it. */
  discardReport(): void {
    this.#report?.discard();
    this.#report = undefined;
    this.session.recount();
  }

  /**
   * Ends the stages: rows in flight get their line in the report before it
   * closes (unless the operator abandoned them), summary.json stops being
   * rewritten, and the files and the send stage close.
   */
  async close(): Promise<void> {
    await this.sendStage?.drain().catch(() => {});
    await this.session.stopCheckpoints();
    this.#closing(() => this.#report?.close());
    this.#closing(() => this.#sentLog?.close());
    this.sendStage?.close();
  }

  /** Closes a file of the run folder; one the disk refuses to finish stops the run (see RunFolder.fail). */
  #closing(close: () => void): void {
    try {
      close();
    } catch (error) {
      this.session.folder.fail(error);
    }
  }
}

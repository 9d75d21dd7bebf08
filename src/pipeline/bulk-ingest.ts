import { resolve } from 'node:path';
import type { Columns } from '../core/columns.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { TiError } from '../core/errors.js';
import type { ReadPosition } from '../read/csv-records.js';
import { openInput, readDataRows, readRowsFrom, type InputSource } from '../read/data-rows.js';
import { assertUnchanged, fingerprintFile } from '../read/file-stamp.js';
import type { RowOutcome } from '../report/outcome.js';
import type { PriorRun } from '../report/prior-run.js';
import { LineSet } from '../report/recorded-lines.js';
import { markResent } from '../report/recorded-report.js';
import type { ReportWriter } from '../report/report-writer.js';
import { RunFolder } from '../report/run-folder.js';
import { ROW_REPORT } from '../report/schema.js';
import type { SentLog } from '../report/sent-log.js';
import type { Executor } from '../send/executor.js';
import type { SendResult } from '../send/operation.js';
import type { SendOptions } from '../send/options.js';
import { validateRow, type RowVerdict, type ValidRow } from '../validate/row.js';
import { scanInput, type Scan } from '../validate/scan.js';
import { updateCreditBatch } from './operations/update-credit-batch.js';
import { PlanBuilder, type Plan } from './plan.js';
import { checkResume } from './resume.js';
import { describeOptions, type RunOptions } from './run-options.js';
import { RunSession } from './run-session.js';
import { SendProgressCounter, type SendProgress } from './send-progress.js';
import type { Summary } from '../report/summary.js';
import type { Tally } from '../report/tally.js';
import type { CreditBatch } from '../core/credit-batch.js';

/** How many would-be requests a dry run shows. */
const PREVIEW_ROWS = 5;

export interface RunResult {
  readonly folder: string;
  readonly summary: Summary;
  readonly tally: Tally;
  /** The first requests a dry run would send. */
  readonly preview: readonly Preview[];
  /** What `apply` would send or sent; undefined when the file was refused or for `validate`. */
  readonly plan: Plan | undefined;
}

export interface Preview {
  readonly line: number;
  readonly id: string;
  readonly body: CreditBatchUpdate;
}

export interface RunEnvironment {
  readonly cwd: string;
  readonly now?: () => Date;
  /**
   * Shown the plan once the file is validated, before anything is sent. It
   * resolves with the reason nothing may be sent (the operator said no, or no
   * one could be asked), or undefined to go ahead. Absent: sending goes ahead.
   */
  readonly confirm?: (plan: Plan) => Promise<TiError | undefined>;
  /** Told as sending begins, with where it stands, kept current until the run ends. */
  readonly onSendStart?: (progress: SendProgress) => void;
  /**
   * Aborted when the user asks to stop (Ctrl-C). No new row is sent; rows in
   * flight finish and are recorded; the rest are reported `skipped`.
   */
  readonly shutdown?: AbortSignal;
}

/**
 * What becomes of the valid rows in the pass that gives every row its
 * outcome, decided once, after the validating pass:
 * - `check`: nothing; they are `valid` (validate, --dry-run);
 * - `refuse`: nothing; they are `skipped`, for `reason` (other rows are invalid, or the plan was not confirmed);
 * - `send`: they are sent.
 */
type Mode = { readonly kind: 'check' } | { readonly kind: 'refuse'; readonly reason: string } | { readonly kind: 'send' };

/** A mode as the pass carries it out: sending, with the send stage to hand each row to. */
type RowAction = Exclude<Mode, { readonly kind: 'send' }> | { readonly kind: 'send'; readonly submit: (row: ValidRow) => Promise<void> };

/**
 * The engine behind `apply` and `validate`: read → validate → send → report,
 * over the rows of a file. Stages hand values on: the validating pass gives a
 * `Scan` (and, while it reads, the plan's figures), the decision gives a
 * `Mode`, and one more pass gives every row its outcome, sending what the mode
 * allows. Every row read gets exactly one line in report.csv.
 */
export async function bulkIngest(options: RunOptions, environment: RunEnvironment): Promise<RunResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const inputPath = resolve(environment.cwd, options.inputPath);
  const sends = options.send !== undefined && !options.dryRun;
  const folder = await openRunFolder(options, inputPath, startedAt, environment.cwd, sends);
  const recorded = describeOptions(options);
  const session = new RunSession(
    folder,
    folder.openLog(options.logLevel),
    { command: options.command, dryRun: options.dryRun, input: inputPath, target: options.send?.target.origin, options: recorded, outcomes: ROW_REPORT.outcomes },
    { startedAt, now },
  );
  const interrupt = (): void => session.stop(new TiError('aborted', 'The run was interrupted.'), 'interrupted');
  environment.shutdown?.addEventListener('abort', interrupt, { once: true });
  session.log.logger.info({ event: 'start', command: options.command, dryRun: options.dryRun, input: inputPath, options: recorded }, 'run started');
  const ingest = new Ingest(session, options, environment);
  try {
    await ingest.run(inputPath);
  } finally {
    environment.shutdown?.removeEventListener('abort', interrupt);
  }
  const summary = await session.finish();
  return { folder: folder.path, summary, tally: session.tally, preview: ingest.preview, plan: ingest.plan };
}

/**
 * The folder of a new run, or of the run `--resume` continues once it is
 * proved to be the same run. A run that sends records what it was started
 * with (run.json, the input's SHA-256 among it) before the first request.
 */
async function openRunFolder(options: RunOptions, inputPath: string, startedAt: Date, cwd: string, sends: boolean): Promise<RunFolder> {
  if (options.resume !== undefined) {
    const folder = RunFolder.reopen(resolve(cwd, options.resume));
    await checkResume(folder, inputPath, options);
    return folder;
  }
  const folder = await RunFolder.create(options.outDir, inputPath, startedAt, cwd);
  if (sends) {
    // A pass of its own over the bytes: run.json must identify the file before anything is sent.
    const { size, sha256 } = await fingerprintFile(inputPath);
    await folder.writeRecord({
      command: options.command,
      startedAt: startedAt.toISOString(),
      input: { path: inputPath, size, sha256 },
      target: options.send?.target.origin ?? null,
      options: describeOptions(options),
    });
  }
  return folder;
}

/** One run of `bulkIngest`, stage by stage; the session holds what the stages share. */
class Ingest {
  readonly #session: RunSession;
  readonly #options: RunOptions;
  readonly #environment: RunEnvironment;
  preview: Preview[] = [];
  plan: Plan | undefined;
  #report: ReportWriter | undefined;

  constructor(session: RunSession, options: RunOptions, environment: RunEnvironment) {
    this.#session = session;
    this.#options = options;
    this.#environment = environment;
  }

  async run(inputPath: string): Promise<void> {
    const session = this.#session;
    const options = this.#options;
    const checkOnly = options.send === undefined || options.dryRun;
    const send = checkOnly ? undefined : options.send;
    // The HTTP side (got) is loaded only by runs that may send, and while the file is validated rather than after.
    const executorModule = send === undefined ? undefined : import('../send/executor.js');
    // A failed load surfaces where it is awaited; a refused file never awaits it.
    executorModule?.catch(() => {});
    let executor: Executor | undefined;
    let sentLog: SentLog | undefined;
    let compacting: { source: InputSource; columns: Columns } | undefined;
    try {
      const source = await openInput(inputPath, options.read);
      const { scan, prior, planner, earlier } = await this.#validate(source, checkOnly);
      if (prior !== undefined) session.tally.addEarlierRequests(await session.folder.earlierRequests(prior.requests));
      let mode = this.#decide(scan);
      const hasInvalidRows = scan.invalidRows > 0 || scan.duplicates.size > 0;
      if (options.command === 'apply' && (mode.kind === 'send' || (options.dryRun && (!hasInvalidRows || options.skipInvalid)))) {
        mode = await this.#plan(source, scan, prior, planner, mode);
      }
      // One more pass gives every row its outcome: sending waits for the whole file to be known; and
      // a repeated id makes rows invalid that the validating pass, not knowing it yet, reported valid.
      if (mode.kind !== 'check' || scan.duplicates.size > 0) {
        if (mode.kind === 'check') {
          session.log.logger.info({ event: 'report-again', duplicateIds: scan.duplicates.size }, 'ids repeat: writing the report again');
          this.#discardReport();
        }
        let progress: SendProgressCounter | undefined;
        if (mode.kind === 'send' && send !== undefined && executorModule !== undefined) {
          sentLog = session.folder.openSentLog();
          executor = this.#openExecutor((await executorModule).Executor, send, (line) => progress?.retry(line));
          session.startCheckpoints();
        }
        await assertUnchanged(source.path, scan.stamp);
        if (executor !== undefined) {
          const sending = executor;
          progress = new SendProgressCounter(this.plan?.rows ?? 0, () => ({ pauseLeftMs: sending.pauseLeftMs, ratePerMinute: sending.pacing.ratePerMinute }));
          this.#environment.onSendStart?.(progress);
        }
        const record = this.#startReport(scan.columns, mode, prior, sentLog, progress);
        const action = sendingAction(mode, executor, sentLog, record);
        await this.#eachVerdict(source, scan, this.#rowHandler(action, record, prior, executor === undefined), settledEarlier(prior, earlier, scan));
        await executor?.drain();
      }
      if (session.folder.resumed) compacting = { source, columns: scan.columns };
    } catch (error) {
      if (!(error instanceof TiError)) throw error;
      if (!session.signal.aborted && executor === undefined) {
        // A file refused while it is read (broken quoting halfway down) leaves no report: the rows
        // before the problem would look like the whole file.
        this.#discardReport();
      }
      if (!session.signal.aborted) session.stop(error, session.tally.requests > 0 ? 'stopped' : 'refused');
    } finally {
      // Rows already in flight still get their line in the report before it closes.
      await executor?.drain().catch(() => {});
      await session.stopCheckpoints();
      this.#report?.close();
      sentLog?.close();
      executor?.close();
    }
    // A resumed run's report.csv holds each session's records; it ends as one record per row, like any run's.
    if (compacting !== undefined) {
      const { source, columns } = compacting;
      const started = performance.now();
      await session.folder.compactReport(async () => (await readDataRows(source)).batches, columns, { schema: ROW_REPORT, excel: options.excel });
      session.log.logger.info({ event: 'compacted', durationMs: Math.round(performance.now() - started) }, 'report.csv rewritten with one record per row');
    }
  }

  /**
   * The validating pass. Checking only, it also reports each row as it reads
   * it, which spares reading the file twice; an `apply` adds up the plan's
   * figures as it goes. A resumed run first learns what its earlier sessions
   * did, since rows they updated are not part of the plan.
   */
  async #validate(source: InputSource, checkOnly: boolean): Promise<{ scan: Scan; prior: PriorRun | undefined; planner: PlanBuilder | undefined; earlier: EarlierRows }> {
    const session = this.#session;
    const options = this.#options;
    let prior: PriorRun | undefined;
    const planner = options.command === 'apply' ? new PlanBuilder() : undefined;
    const earlier: { nowInvalid: LineSet; leading: EarlierRows['leading'] } = { nowInvalid: new LineSet(), leading: undefined };
    let leadingRows = 0;
    let leadingOnly = session.folder.resumed;
    const scan = await scanInput(source, {
      rules: options.rules,
      signal: session.signal,
      onHeader: (columns) => {
        if (session.folder.resumed) prior = this.#loadPrior(columns);
        const check = checkOnly ? this.#rowHandler({ kind: 'check' }, this.#startReport(columns, { kind: 'check' }, undefined, undefined, undefined), undefined, true) : undefined;
        return (verdict) => {
          planner?.count(verdict, prior);
          const updatedEarlier = prior?.updated.has(verdict.row.line) === true;
          if (!verdict.valid && updatedEarlier) earlier.nowInvalid.add(verdict.row.line);
          if (leadingOnly && verdict.valid && updatedEarlier) leadingRows++;
          else leadingOnly = false;
          void check?.(verdict);
        };
      },
      onBatch: (end) => {
        if (leadingOnly && end !== undefined) earlier.leading = { from: end, rows: leadingRows };
      },
    });
    return { scan, prior, planner, earlier };
  }

  #loadPrior(columns: Columns): PriorRun {
    const session = this.#session;
    const prior = session.folder.loadPrior(columns, ROW_REPORT);
    session.log.logger.info({ event: 'resume', updatedEarlier: prior.updated.size, inFlight: [...prior.inFlight] }, 'resuming the run');
    return prior;
  }

  /** What becomes of the valid rows, from what the validating pass found and what the user asked. */
  #decide(scan: Scan): Mode {
    const options = this.#options;
    const hasInvalidRows = scan.invalidRows > 0 || scan.duplicates.size > 0;
    const mode: Mode =
      options.send === undefined || options.dryRun
        ? { kind: 'check' }
        : hasInvalidRows && !options.skipInvalid
          ? { kind: 'refuse', reason: 'not sent because other rows of the file are invalid' }
          : { kind: 'send' };
    this.#session.log.logger.info({ event: 'validated', rows: scan.rows, invalidRows: scan.invalidRows, duplicateIds: scan.duplicates.size, mode: mode.kind }, 'file validated');
    if (mode.kind === 'refuse') {
      this.#session.refuse(
        new TiError('invalid', 'Nothing was sent: some rows of the file are invalid.', {
          hint: 'Fix the rows marked invalid in report.csv (failed.csv holds every row, ready to correct and re-run), or pass --skip-invalid to send the valid rows only.',
        }),
      );
    }
    return mode;
  }

  /**
   * The plan, and the operator's word on it. Its figures come from the
   * validating pass, unless an id repeats: the rows that makes invalid were
   * counted as valid there, and one more pass counts them right.
   */
  async #plan(source: InputSource, scan: Scan, prior: PriorRun | undefined, planner: PlanBuilder | undefined, mode: Mode): Promise<Mode> {
    const session = this.#session;
    let builder = planner ?? new PlanBuilder();
    if (scan.duplicates.size > 0) {
      builder = new PlanBuilder();
      const recount = builder;
      await this.#eachVerdict(source, scan, (verdict) => {
        recount.count(verdict, prior);
        return undefined;
      });
    }
    const plan = builder.build(prior?.updated.size ?? 0);
    this.plan = plan;
    session.log.logger.info({ event: 'plan', plan: { ...plan, balanceSum: plan.balanceSum.toString() } }, 'plan');
    if (mode.kind !== 'send') return mode;
    const declined = await this.#environment.confirm?.(plan);
    if (declined === undefined) return mode;
    session.refuse(declined);
    session.log.logger.warn({ event: 'not-confirmed', error: declined.message }, 'plan not confirmed');
    return { kind: 'refuse', reason: 'not sent: the plan was not confirmed' };
  }

  /**
   * A pass that reads the file again and gives each row its final verdict.
   * `onRow` returns a promise only when it must be waited for (a row handed
   * to the send stage), so checking a file costs no promise per row. Rows
   * `settled` are counted updated without a verdict, and when the file
   * begins with them, without being read (see settledEarlier).
   */
  async #eachVerdict(source: InputSource, scan: Scan, onRow: (verdict: RowVerdict) => Promise<void> | undefined, settled?: Settled): Promise<void> {
    const leading = settled?.leading;
    if (leading !== undefined) this.#session.tally.countUpdatedEarlier(leading.rows);
    const batches = leading === undefined ? (await readDataRows(source)).batches : readRowsFrom(source, leading.from);
    for await (const batch of batches) {
      for (const record of batch) {
        if (settled?.has(record.line) === true) {
          this.#session.tally.countRow({ line: record.line, outcome: 'updated', cells: record.cells, attempts: 0 });
          continue;
        }
        const pending = onRow(validateRow(scan.columns, record, this.#options.rules, scan.duplicates));
        if (pending !== undefined) await pending;
      }
    }
  }

  /**
   * Starts report.csv (again, if a first attempt is discarded) and returns
   * how a row's outcome is recorded: in the report, the counts, the progress
   * and the log. A row that was in flight when an earlier session died is
   * marked, since the API may have applied it twice.
   */
  #startReport(columns: Columns, mode: Mode, prior: PriorRun | undefined, sentLog: SentLog | undefined, progress: SendProgressCounter | undefined): (outcome: RowOutcome) => void {
    const session = this.#session;
    const writer = session.folder.openReport(columns, { schema: ROW_REPORT, durable: mode.kind === 'send', excel: this.#options.excel });
    this.#report = writer;
    const inFlight = prior?.inFlight;
    return (outcome) => {
      const row = inFlight?.has(outcome.line) === true ? markResent(outcome) : outcome;
      writer.write(row);
      if (row !== outcome) sentLog?.settle(row.line);
      session.tally.countRow(row);
      progress?.finish(row);
      const entry = { event: 'row', line: row.line, outcome: row.outcome, httpStatus: row.httpStatus, attempts: row.attempts, error: row.error };
      // Validating a million rows should not write a million log lines; the report has them.
      if (mode.kind === 'send' || row.outcome === 'invalid') session.log.rows.info(entry, 'row');
      else session.log.rows.debug(entry, 'row');
    };
  }

  /**
   * What becomes of each row's verdict. A pass that is not sending ends at a
   * stop; one that is goes on reading, to report each remaining row skipped.
   */
  #rowHandler(action: RowAction, record: (outcome: RowOutcome) => void, prior: PriorRun | undefined, endsAtStop: boolean): (verdict: RowVerdict) => Promise<void> | undefined {
    const session = this.#session;
    return (verdict) => {
      if (endsAtStop) session.signal.throwIfAborted();
      if (!verdict.valid) {
        record({ line: verdict.row.line, outcome: 'invalid', cells: verdict.row.cells, attempts: 0, error: verdict.row.problems.join('; '), errorKind: 'invalid' });
        return undefined;
      }
      const row = verdict.row;
      if (prior?.updated.has(row.line) === true) {
        // Confirmed by the interrupted run, and recorded there: never sent twice.
        session.tally.countRow({ line: row.line, outcome: 'updated', cells: row.cells, attempts: 0 });
        return undefined;
      }
      switch (action.kind) {
        case 'send':
          return action.submit(row);
        case 'check':
          if (this.preview.length < PREVIEW_ROWS) this.preview.push({ line: row.line, id: row.id, body: row.body });
          record({ line: row.line, outcome: 'valid', cells: row.cells, attempts: 0, sent: row.body });
          return undefined;
        case 'refuse':
          record({ line: row.line, outcome: 'skipped', cells: row.cells, attempts: 0, sent: row.body, error: action.reason });
          return undefined;
      }
    };
  }

  /** The send stage, wired to the run's counts and log. */
  #openExecutor(Executor: typeof import('../send/executor.js').Executor, send: SendOptions, onRetrying: (line: number) => void): Executor {
    const session = this.#session;
    const { logger, rows } = session.log;
    const executor: Executor = new Executor(send, session.signal, {
      onAttempt: (attempt) => {
        session.tally.countAttempt(attempt);
        rows.info({ event: 'attempt', ...attempt }, 'request');
      },
      onRetry: (retry) => {
        session.tally.countRetry(retry.cause);
        if (retry.cause !== '429') {
          if (retry.line !== undefined) onRetrying(retry.line);
          logger.warn({ event: 'retry', line: retry.line, cause: retry.cause, delayMs: retry.delayMs, error: retry.error }, 'retrying');
        } else if (retry.newPause === true) {
          logger.warn({ event: 'throttle-pause', line: retry.line, pauseMs: retry.delayMs, ratePerMinute: executor.pacing.ratePerMinute, error: retry.error }, 'rate limit reached: every request paused');
        }
      },
      onPaceChange: (ratePerMinute, previous) => logger.warn({ event: 'pace', ratePerMinute, previous }, "pace set to the API's X-RateLimit-Limit"),
      onBurstLearned: (burst) => logger.info({ event: 'burst', burst }, "burst set to the API's, from its first X-RateLimit-Remaining"),
      onFatal: (error) => session.stop(error, 'stopped'),
      onCircuitOpen: (error, consecutiveFailures) => {
        logger.error({ event: 'circuit-breaker', consecutiveFailures, error: error.message }, 'circuit breaker tripped');
        session.stop(error, 'stopped');
      },
    });
    session.pacedBy(() => executor.pacing);
    return executor;
  }

  /** Throws away the report written so far, with the counts and preview that went with it. */
  #discardReport(): void {
    this.#report?.discard();
    this.#report = undefined;
    this.#session.recount();
    this.preview = [];
  }
}

/** What a resumed run's validating pass learnt of the rows earlier sessions updated. */
interface EarlierRows {
  /** Those this session finds invalid (an expiry since past). */
  readonly nowInvalid: LineSet;
  /** Where the batches that hold only such rows, still valid, end, at the start of the file, and how many rows they hold. */
  readonly leading: { readonly from: ReadPosition; readonly rows: number } | undefined;
}

/** Rows the outcome pass counts as updated without a verdict; `leading` begin the file, and are not read again. */
interface Settled {
  has(line: number): boolean;
  readonly leading: EarlierRows['leading'];
}

/**
 * The rows a resumed run's outcome pass need not validate again: updated by
 * an earlier session, and found valid by this session's validating pass.
 * With no id repeated, the outcome pass's verdict would be the same (it is
 * pure), and such a row is only counted, never sent. When most of a big run
 * is done, validating them again, and even reading past them, was most of
 * the wait before the first request.
 */
function settledEarlier(prior: PriorRun | undefined, earlier: EarlierRows, scan: Scan): Settled | undefined {
  if (prior === undefined || scan.duplicates.size > 0) return undefined;
  return { has: (line) => prior.updated.has(line) && !earlier.nowInvalid.has(line), leading: earlier.leading };
}

/** The mode as the pass carries it out: a row to send is handed to the send stage, journalled in sent.log first. */
function sendingAction(mode: Mode, executor: Executor | undefined, sentLog: SentLog | undefined, record: (outcome: RowOutcome) => void): RowAction {
  if (mode.kind !== 'send') return mode;
  if (executor === undefined || sentLog === undefined) throw new Error('a run that sends has a send stage and a sent.log');
  return {
    kind: 'send',
    submit: (row) => executor.submit(updateCreditBatch, row, (result) => record(sentOutcome(row, result)), { beforeFirstAttempt: () => sentLog.record(row.line) }),
  };
}

/** A row's outcome from what the send stage made of it. */
function sentOutcome(row: ValidRow, result: SendResult<CreditBatch>): RowOutcome {
  const base = { line: row.line, cells: row.cells, sent: row.body };
  switch (result.kind) {
    case 'done':
      return { ...base, outcome: 'updated', attempts: result.attempts, httpStatus: result.status, result: result.value };
    case 'failed':
      return { ...base, outcome: 'failed', attempts: result.attempts, httpStatus: result.error.status, error: result.error.message, errorKind: result.error.kind };
    case 'not-sent':
      return { ...base, outcome: 'skipped', attempts: 0, error: result.reason };
  }
}

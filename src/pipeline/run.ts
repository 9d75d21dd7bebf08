import { join, resolve } from 'node:path';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { ApiError, TiError } from '../core/errors.js';
import { openRunLog, type RunLog } from '../log.js';
import { readCsvBatches } from '../read/csv-records.js';
import { assertUnchanged, fingerprintFile } from '../read/file-stamp.js';
import type { RowOutcome } from '../report/outcome.js';
import { compactReport, markResent } from '../report/recorded-report.js';
import { ReportWriter } from '../report/report-writer.js';
import { writeRunRecord } from '../report/run-record.js';
import { SentLog } from '../report/sent-log.js';
import { syncEvery } from '../report/sync-cadence.js';
import { createRunFolder } from '../report/run-folder.js';
import { SummaryCheckpoints } from '../report/summary-checkpoints.js';
import { readEarlierRequests, summarize, writeSummary, type RunStatus, type Summary } from '../report/summary.js';
import { Tally } from '../report/tally.js';
import type { Sender } from '../send/sender.js';
import type { Columns } from '../validate/header.js';
import { scanFile, type Scan } from '../validate/scan.js';
import { validateRow, type RowVerdict } from '../validate/row.js';
import type { FieldRules } from '../validate/rules.js';
import { PlanBuilder, type Plan } from './plan.js';
import { checkResume, loadPriorRun, type PriorRun } from './resume.js';
import { SendProgressCounter, type SendProgress } from './send-progress.js';
import { describeOptions, type RunOptions, type SendOptions } from './run-options.js';

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

/**
 * What to do with each valid row in the second pass:
 * - `check`: nothing, it is `valid` (validate, --dry-run);
 * - `refuse`: nothing, it is `skipped` because the file has invalid rows;
 * - `send`: send it.
 */
type Mode = 'check' | 'refuse' | 'send';

/**
 * The one engine behind every command: read → validate → send → report.
 * A first pass validates the whole file without keeping it; a second pass
 * reads it again and gives every row its outcome, sending the valid ones when
 * the command and the file allow. When only checking (validate, --dry-run),
 * the first pass reports each row itself, and the second pass runs only if an
 * id repeats. Every row read gets exactly one line in report.csv.
 */
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

export async function runPipeline(options: RunOptions, environment: RunEnvironment): Promise<RunResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const inputPath = resolve(environment.cwd, options.inputPath);
  const resumed = options.resume === undefined ? undefined : resolve(environment.cwd, options.resume);
  if (resumed !== undefined) await checkResume(resumed, inputPath, options);
  const folder = resumed ?? (await createRunFolder(options.outDir, inputPath, startedAt, environment.cwd));
  const sends = options.send !== undefined && !options.dryRun;
  if (sends && resumed === undefined) await recordRun(folder, inputPath, options, startedAt);
  const log = openRunLog(join(folder, 'run.log'), options.logLevel);
  let tally = new Tally();
  let prior: PriorRun | undefined;
  let sentLog: SentLog | undefined;
  let preview: Preview[] = [];
  let plan: Plan | undefined;
  let progress: SendProgressCounter | undefined;
  /** Why valid rows are not sent in 'refuse' mode. */
  let refusal = 'not sent because other rows of the file are invalid';
  const stop = new AbortController();
  let status: RunStatus = 'completed';
  let failure: TiError | undefined;
  let report: ReportWriter | undefined;
  let sender: Sender | undefined;
  let compacting: Scan | undefined;

  /** Stops sending for good; the first reason given is the one reported. */
  const stopRun = (error: TiError, why: RunStatus): void => {
    if (stop.signal.aborted) return;
    status = why;
    failure = error;
    log.logger.error({ event: 'stop', status: why, kind: error.kind, httpStatus: error instanceof ApiError ? error.status : undefined, error: error.message }, `run ${why}`);
    stop.abort(error);
  };
  const summaryNow = (runStatus: RunStatus, error: TiError | undefined): Summary =>
    summarize({
      command: options.command,
      dryRun: options.dryRun,
      status: runStatus,
      input: inputPath,
      target: options.send?.target.origin,
      startedAt,
      finishedAt: now(),
      tally,
      pacing: sender?.pacing,
      error,
      options: describeOptions(options),
      folder,
    });
  const checkpoints = new SummaryCheckpoints(folder, () => summaryNow('running', undefined), (error) => {
    log.logger.warn({ event: 'checkpoint-failed', error: String(error) }, 'summary.json could not be updated');
  });
  /** Throws away the report written so far, with the counts and preview that went with it. */
  const discardReport = (): void => {
    report?.discard();
    report = undefined;
    tally = new Tally();
    preview = [];
  };
  const interrupt = (): void => stopRun(new TiError('aborted', 'The run was interrupted.'), 'interrupted');
  environment.shutdown?.addEventListener('abort', interrupt, { once: true });

  /**
   * Starts report.csv (again, if a first attempt is discarded) and returns
   * what becomes of each row's verdict. Every row read gets exactly one line.
   */
  const startReport = (columns: Columns, mode: Mode): ((verdict: RowVerdict) => Promise<void> | undefined) => {
    const writer = new ReportWriter(folder, columns, mode === 'send' ? { sync: durability, append: prior !== undefined, excel: options.excel } : { excel: options.excel });
    report = writer;
    const sending = sender;
    const inFlight = prior?.inFlight;
    const record = (outcome: RowOutcome): void => {
      const row = inFlight?.has(outcome.line) === true ? markResent(outcome) : outcome;
      writer.write(row);
      if (row !== outcome) sentLog?.settle(row.line);
      tally.countRow(row);
      progress?.finish(row);
      logRow(log, row, mode);
    };
    return (verdict) => {
      // Sending goes on reading after a stop, to report each remaining row as skipped; checking just ends.
      if (sending === undefined) stop.signal.throwIfAborted();
      if (!verdict.valid) {
        record({ line: verdict.row.line, outcome: 'invalid', cells: verdict.row.cells, attempts: 0, error: verdict.row.problems.join('; '), errorKind: 'invalid' });
        return undefined;
      }
      const row = verdict.row;
      if (prior?.updated.has(row.line) === true) {
        // Confirmed by the interrupted run, and recorded there: never sent twice.
        tally.countRow({ line: row.line, outcome: 'updated', cells: row.cells, attempts: 0 });
        return undefined;
      }
      if (sending !== undefined) return sending.submit(row, record);
      if (mode === 'check') {
        if (preview.length < PREVIEW_ROWS) preview.push({ line: row.line, id: row.id, body: row.body });
        record({ line: row.line, outcome: 'valid', cells: row.cells, attempts: 0, sent: row.body });
      } else {
        record({ line: row.line, outcome: 'skipped', cells: row.cells, attempts: 0, sent: row.body, error: refusal });
      }
      return undefined;
    };
  };

  log.logger.info({ event: 'start', command: options.command, dryRun: options.dryRun, input: inputPath, options: describeOptions(options) }, 'run started');
  try {
    const checkOnly = options.send === undefined || options.dryRun;
    // The HTTP side (got) is loaded only by runs that may send, and while the file is validated rather than after.
    const senderModule = checkOnly ? undefined : import('../send/sender.js');
    // A failed load surfaces where it is awaited; a refused file never awaits it.
    senderModule?.catch(() => {});
    // Checking only, the first pass reports each row as it reads it, which spares reading the file twice.
    const scan = await scanFile(inputPath, {
      layout: options.read,
      rules: options.rules,
      signal: stop.signal,
      onHeader: checkOnly ? (columns) => startReport(columns, 'check') : undefined,
    });
    const hasInvalidRows = scan.invalidRows > 0 || scan.duplicates.size > 0;
    let mode: Mode = checkOnly ? 'check' : hasInvalidRows && !options.skipInvalid ? 'refuse' : 'send';
    log.logger.info({ event: 'validated', rows: scan.rows, invalidRows: scan.invalidRows, duplicateIds: scan.duplicates.size, mode }, 'file validated');
    // A resumed run's mode is its first session's (same file, same --skip-invalid): it goes on with that report.
    if (resumed !== undefined) {
      prior = loadPriorRun(folder, scan.columns);
      tally.addEarlierRequests(await readEarlierRequests(folder, prior.requests));
      log.logger.info({ event: 'resume', updatedEarlier: prior.updated.size, inFlight: [...prior.inFlight] }, 'resuming the run');
    }
    if (options.command === 'apply' && (mode === 'send' || (options.dryRun && (!hasInvalidRows || options.skipInvalid)))) {
      plan = await planRun(inputPath, scan, options.rules, prior);
      log.logger.info({ event: 'plan', plan: { ...plan, balanceSum: plan.balanceSum.toString() } }, 'plan');
      const declined = mode === 'send' ? await environment.confirm?.(plan) : undefined;
      if (declined !== undefined) {
        mode = 'refuse';
        refusal = 'not sent: the plan was not confirmed';
        status = 'refused';
        failure = declined;
        log.logger.warn({ event: 'not-confirmed', error: declined.message }, 'plan not confirmed');
      }
    }
    if (mode === 'refuse' && failure === undefined) {
      status = 'refused';
      failure = new TiError('invalid', 'Nothing was sent: some rows of the file are invalid.', {
        hint: 'Fix the rows marked invalid in report.csv (failed.csv holds every row, ready to correct and re-run), or pass --skip-invalid to send the valid rows only.',
      });
    }
    // Sending needs a second pass, since nothing is sent before the whole file is known; so does a repeated
    // id, which makes rows invalid that the first pass reported valid before it saw the repeat.
    if (mode !== 'check' || scan.duplicates.size > 0) {
      if (mode === 'check') {
        log.logger.info({ event: 'report-again', duplicateIds: scan.duplicates.size }, 'ids repeat: writing the report again');
        discardReport();
      }
      if (mode === 'send' && options.send !== undefined && senderModule !== undefined) {
        const journal = new SentLog(folder, durability);
        sentLog = journal;
        sender = openSender(await senderModule, options.send, stop.signal, tally, log, stopRun, (line) => journal.record(line), (line) => progress?.retry(line));
        checkpoints.start(SYNC_INTERVAL_MS);
      }
      await assertUnchanged(inputPath, scan.stamp);
      if (sender !== undefined) {
        const sending = sender;
        progress = new SendProgressCounter(plan?.rows ?? 0, () => ({ pauseLeftMs: sending.pauseLeftMs, ratePerMinute: sending.pacing.ratePerMinute }));
        environment.onSendStart?.(progress);
      }
      await secondPass(inputPath, scan, options.rules, startReport(scan.columns, mode));
      await sender?.drain();
    }
    if (prior !== undefined) compacting = scan;
  } catch (error) {
    if (!(error instanceof TiError)) throw error;
    if (!stop.signal.aborted && sender === undefined) {
      // A file refused while it is read (broken quoting halfway down) leaves no report: the rows
      // before the problem would look like the whole file.
      discardReport();
    }
    if (!stop.signal.aborted) stopRun(error, tally.requests > 0 ? 'stopped' : 'refused');
  } finally {
    environment.shutdown?.removeEventListener('abort', interrupt);
    // Rows already in flight still get their line in the report before it closes.
    await sender?.drain().catch(() => {});
    await checkpoints.stop();
    report?.close();
    sentLog?.close();
    sender?.close();
  }
  // A resumed run's report.csv holds each session's records; it ends as one record per row, like any run's.
  if (compacting !== undefined) await compactReport({ path: inputPath, layout: compacting.layout }, folder, compacting.columns, options.excel);

  const summary = summaryNow(status, failure);
  await writeSummary(folder, summary);
  log.logger.info({ event: 'end', summary }, 'run finished');
  await log.close();
  return { folder, summary, tally, preview, plan };
}

/** A pass that adds up what will be sent: exact, since repeated ids and rows a resumed run already updated are known by now. */
async function planRun(path: string, scan: Scan, rules: FieldRules, prior: PriorRun | undefined): Promise<Plan> {
  const builder = new PlanBuilder();
  await secondPass(path, scan, rules, (verdict) => {
    if (!verdict.valid) builder.addInvalid();
    else if (prior?.updated.has(verdict.row.line) !== true) builder.add(verdict.row);
    return undefined;
  });
  return builder.build(prior?.updated.size ?? 0);
}

/** The send stage, wired to the run's tally, log and sent.log. */
function openSender(
  { Sender }: typeof import('../send/sender.js'),
  options: SendOptions,
  signal: AbortSignal,
  tally: Tally,
  log: RunLog,
  stopRun: (error: TiError, why: RunStatus) => void,
  onSending: (line: number) => void,
  onRetrying: (line: number) => void,
): Sender {
  const sender: Sender = new Sender(options, signal, {
    onSending,
    onAttempt: (attempt) => {
      tally.countAttempt(attempt);
      log.logger.info({ event: 'attempt', ...attempt }, 'request');
    },
    onRetry: (retry) => {
      tally.countRetry(retry.cause);
      if (retry.cause !== '429') onRetrying(retry.line);
      if (retry.cause !== '429') {
        log.logger.warn({ event: 'retry', line: retry.line, cause: retry.cause, delayMs: retry.delayMs, error: retry.error }, 'retrying');
      } else if (retry.newPause === true) {
        log.logger.warn({ event: 'throttle-pause', line: retry.line, pauseMs: retry.delayMs, ratePerMinute: sender.pacing.ratePerMinute, error: retry.error }, 'rate limit reached: every request paused');
      }
    },
    onPaceChange: (ratePerMinute, previous) => {
      log.logger.warn({ event: 'pace', ratePerMinute, previous }, "pace set to the API's X-RateLimit-Limit");
    },
    onFatal: (error) => stopRun(error, 'stopped'),
    onCircuitOpen: (error, consecutiveFailures) => {
      log.logger.error({ event: 'circuit-breaker', consecutiveFailures, error: error.message }, 'circuit breaker tripped');
      stopRun(error, 'stopped');
    },
  });
  return sender;
}

/**
 * Reads the file again, skipping its header, and gives each row its final
 * verdict. `onRow` returns a promise only when it must be waited for (a row
 * handed to the dispatcher), so checking a file costs no promise per row.
 */
async function secondPass(path: string, scan: Scan, rules: FieldRules, onRow: (verdict: RowVerdict) => Promise<void> | undefined): Promise<void> {
  let header = true;
  for await (const batch of readCsvBatches(path, scan.layout)) {
    for (const record of batch) {
      if (header) {
        header = false;
        continue;
      }
      const pending = onRow(validateRow(scan.columns, record, rules, scan.duplicates));
      if (pending !== undefined) await pending;
    }
  }
}

function logRow(log: RunLog, row: RowOutcome, mode: Mode): void {
  const entry = { event: 'row', line: row.line, outcome: row.outcome, httpStatus: row.httpStatus, attempts: row.attempts, error: row.error };
  // Validating a million rows should not write a million log lines; the report has them.
  if (mode === 'send' || row.outcome === 'invalid') log.logger.info(entry, 'row');
  else log.logger.debug(entry, 'row');
}

/**
 * Report lines and sent.log reach the disk at least this often while sending,
 * and summary.json is rewritten as often: what a power cut could lose.
 */
const SYNC_INTERVAL_MS = 1000;
const durability = syncEvery(SYNC_INTERVAL_MS);

/** run.json: what the run was started with, so that --resume can refuse to continue it with another file. */
async function recordRun(folder: string, inputPath: string, options: RunOptions, startedAt: Date): Promise<void> {
  const { size, sha256 } = await fingerprintFile(inputPath);
  await writeRunRecord(folder, {
    command: options.command,
    startedAt: startedAt.toISOString(),
    input: { path: inputPath, size, sha256 },
    target: options.send?.target.origin ?? null,
    options: describeOptions(options),
  });
}

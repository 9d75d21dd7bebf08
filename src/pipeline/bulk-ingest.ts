import { copyFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { Columns } from '../core/columns.js';
import type { CreditBatch, CreditBatchUpdate, UpdatableField } from '../core/credit-batch.js';
import { type ApiError, TiError } from '../core/errors.js';
import { keyScrubber } from '../core/secret.js';
import type { ReadPosition } from '../read/csv-records.js';
import { openInput, readDataRows, readRowsFrom, type InputRecord, type InputSource } from '../read/data-rows.js';
import { assertUnchanged, fingerprintFile, isUnchanged } from '../read/file-stamp.js';
import { BASELINE_FILE, BaselineCursor, BaselineWriter, type Baseline } from '../report/baseline-file.js';
import { sha256File, writePlanDocument, type PlanDocument } from '../report/plan-document.js';
import { keyKind } from '../send/api-target.js';
import { writeRunReport } from './report-document.js';
import { checkSavedPlan, planTotals, SavedPlanRows } from './saved-plan.js';
import { ANSWER_LOST_NOTE, type RowOutcome } from '../report/outcome.js';
import { PlanFile, type FieldChange } from '../report/plan-file.js';
import type { PriorRun } from '../report/prior-run.js';
import { LineSet } from '../report/recorded-lines.js';
import { markResent, updatedRows } from '../report/recorded-report.js';
import type { ReportWriter } from '../report/report-writer.js';
import { RunFolder } from '../report/run-folder.js';
import { forWorkbook, GUARDED_REPORT, ROW_REPORT, type ReportSchema } from '../report/schema.js';
import type { SentLog } from '../report/sent-log.js';
import type { Summary } from '../report/summary.js';
import type { Tally } from '../report/tally.js';
import { UNDO_FILE, UndoFile } from '../report/undo-file.js';
import type { Executor } from '../send/executor.js';
import type { SendResult } from '../send/operation.js';
import type { SendOptions } from '../send/options.js';
import { rowTexts, validateRow, type InvalidRow, type RowVerdict, type ValidRow } from '../validate/row.js';
import type { FieldRules } from '../validate/rules.js';
import { readColumns, scanInput, type Scan } from '../validate/scan.js';
import { inputSheetValues } from '../validate/sheet-values.js';
import { LiveGuard, type GuardVerdict, type PlannedRow } from './live/guard.js';
import { LiveBatches } from './live/live-batches.js';
import { runOverLimit } from './live/limits.js';
import { bodyOf, changesOf, undoOf } from './live/values.js';
import { applyChange, type Change } from './operations/apply-change.js';
import { checkKey } from './operations/check-key.js';
import { updateCreditBatch } from './operations/update-credit-batch.js';
import { ChangeBuilder, PlanBuilder, planFacts, type Plan } from './plan.js';
import { checkResume } from './resume.js';
import { describeOptions, type GuardOptions, type RunOptions } from './run-options.js';
import { RunSession } from './run-session.js';
import { openExecutor, recordAttempt } from './send-stage.js';
import { SendProgressCounter, type SendProgress } from './send-progress.js';

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
  /** undo.csv, when the run wrote one. */
  readonly undo: string | undefined;
  /** Whether a dry run's GET /ping found the key accepted (false when it was not checked, or refused). */
  readonly keyAccepted: boolean;
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
 * outcome, decided once, after the validating pass (and, reading before
 * writing, after the plan):
 * - `check`: nothing; they are `valid` (validate, --dry-run);
 * - `refuse`: nothing; they are `skipped`, for `reason` (other rows are invalid, or the plan was not confirmed);
 * - `send`: they are sent.
 */
type Mode = { readonly kind: 'check' } | { readonly kind: 'refuse'; readonly reason: string } | { readonly kind: 'send' };

/** A mode as the pass carries it out: sending, with what to do with each valid row. */
type RowAction = Exclude<Mode, { readonly kind: 'send' }> | { readonly kind: 'send'; readonly submit: (row: ValidRow) => Promise<void> };

/**
 * The engine behind `apply` and `validate`: read → validate → (read the live
 * values → plan) → send → report, over the rows of a file. Stages hand values
 * on: the validating pass gives a `Scan` (and, while it reads, the blind
 * plan's figures), the decision a `Mode`, the live read a `LiveGuard`, the
 * plan pass the `Plan` and the baselines; one more pass gives every row its
 * outcome, sending what the mode allows. Every row read gets exactly one line
 * in report.csv.
 */
export async function bulkIngest(options: RunOptions, environment: RunEnvironment): Promise<RunResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const inputPath = resolve(environment.cwd, options.inputPath);
  const sends = options.send !== undefined && !options.dryRun;
  // Nothing is written before the file is known to be a CSV file with a usable header: a run refused
  // before its first row is read leaves no folder behind, only the error.
  const source = await openInput(inputPath, options.read);
  await readColumns(source, options.extraColumns);
  const folder = await openRunFolder(options, inputPath, startedAt, environment.cwd, sends);
  return folder.hold(() => ingestInto(folder, source, options, environment, { inputPath, startedAt, now, sends }));
}

/** bulkIngest in the run folder this process holds. */
async function ingestInto(folder: RunFolder, source: InputSource, options: RunOptions, environment: RunEnvironment, run: { readonly inputPath: string; readonly startedAt: Date; readonly now: () => Date; readonly sends: boolean }): Promise<RunResult> {
  const { inputPath, startedAt, now, sends } = run;
  const recorded = describeOptions(options);
  const rowReport = guardOf(options) === undefined ? ROW_REPORT : GUARDED_REPORT;
  // A workbook's report also says which of a row's cells held formulas.
  const schema = source.kind === 'workbook' ? forWorkbook(rowReport) : rowReport;
  const session = new RunSession(
    folder,
    folder.openLog(options.logLevel, options.send === undefined ? undefined : keyScrubber(options.send.target.apiKey)),
    { command: options.command, dryRun: options.dryRun, input: inputPath, target: options.send?.target.origin, options: recorded, outcomes: schema.outcomes },
    { startedAt, now },
  );
  const interrupt = (): void => session.stop(new TiError('aborted', 'The run was interrupted.'), 'interrupted');
  environment.shutdown?.addEventListener('abort', interrupt, { once: true });
  session.log.logger.info({ event: 'start', command: options.command, dryRun: options.dryRun, input: inputPath, options: recorded }, 'run started');
  session.log.logger.info({ event: 'input', kind: source.kind, ...(source.kind === 'workbook' ? { sheet: source.sheet } : { encoding: source.layout.encoding, delimiter: source.layout.delimiter }) }, 'input opened');
  const ingest = new Ingest(session, options, environment, schema);
  try {
    await ingest.run(source);
  } finally {
    environment.shutdown?.removeEventListener('abort', interrupt);
  }
  if (ingest.plan !== undefined) session.planned(planFacts(ingest.plan));
  const summary = await session.finish();
  // What the run did, for whoever approved it: every apply that may have sent something.
  if (sends && summary.status !== 'refused' && folder.failure === undefined) await writeRunReport(folder, summary, ingest.plan);
  return { folder: folder.path, summary, tally: session.tally, preview: ingest.preview, plan: ingest.plan, undo: ingest.undo, keyAccepted: ingest.keyAccepted };
}

/** How `apply` reads before it writes; undefined when it does not (validate, --blind). */
function guardOf(options: RunOptions): GuardOptions | undefined {
  return options.command === 'apply' ? options.guard : undefined;
}

/**
 * The folder of a new run, or of the run `--resume` continues once it is
 * proved to be the same run. A run that sends records what it was started
 * with (run.json, the input's SHA-256 among it) before the first request.
 */
async function openRunFolder(options: RunOptions, inputPath: string, startedAt: Date, cwd: string, sends: boolean): Promise<RunFolder> {
  if (options.resume !== undefined) {
    // Taken before it is checked: a second process on the folder is refused at once, having read and written nothing.
    const folder = await RunFolder.reopen(resolve(cwd, options.resume), startedAt);
    try {
      await checkResume(folder, inputPath, options);
    } catch (error) {
      folder.release();
      throw error;
    }
    return folder;
  }
  if (options.fromPlan !== undefined) checkSavedPlan(options.fromPlan, options.send?.target.origin, startedAt);
  const folder = await RunFolder.create(options.outDir, inputPath, startedAt, cwd);
  try {
    // A saved plan's changes are made from its baselines, never from values read later.
    if (options.fromPlan !== undefined) await folder.adoptBaselines(options.fromPlan.folder);
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
  } catch (error) {
    folder.release();
    if (error instanceof TiError) throw error;
    throw folder.fail(error);
  }
  return folder;
}

/** What the validating pass learns beyond the scan: which clients the rows name. */
interface ClientsNamed {
  readonly clients: Set<string>;
  /** Valid rows without a clientId cell: their client must come from --client. */
  withoutClient: number;
}

/** How a run is wired, settled before its first pass: whether it reads before writing, and how it sends. */
interface Wiring {
  readonly guardOptions: GuardOptions | undefined;
  /** Checking only and not reading, the validating pass writes the report as it goes. */
  readonly reportWhileScanning: boolean;
  /** How to send, for a run that makes requests (a dry run reading before writing reads). */
  readonly send: SendOptions | undefined;
  readonly executorModule: Promise<typeof import('../send/executor.js')> | undefined;
}

/** What the validating pass found. */
interface Validated {
  readonly scan: Scan;
  readonly prior: PriorRun | undefined;
  readonly planner: PlanBuilder | undefined;
  readonly named: ClientsNamed;
  readonly earlier: EarlierRows;
}

/** A run whose rows all have their outcome: what the files written at its end need. */
interface Finished {
  readonly source: InputSource;
  readonly scan: Scan;
  readonly prior: PriorRun | undefined;
  readonly sent: boolean;
  readonly guard: LiveGuard | undefined;
}

/** One run of `bulkIngest`, stage by stage; the session holds what the stages share. */
class Ingest {
  readonly #session: RunSession;
  readonly #options: RunOptions;
  readonly #environment: RunEnvironment;
  readonly #schema: ReportSchema;
  preview: Preview[] = [];
  plan: Plan | undefined;
  undo: string | undefined;
  keyAccepted = false;
  #report: ReportWriter | undefined;
  #executor: Executor | undefined;
  /** Why the plan found valid rows invalid against the live values, by line: few, and reported by the outcome pass. */
  readonly #planProblems = new Map<number, string>();
  /** Every row of the sending pass has been handed to the send stage: stopping now would skip none. */
  #allSubmitted = false;
  /** sent.log, opened as the pass that sends begins: from then on the run may have sent rows. */
  #sentLog: SentLog | undefined;
  #progress: SendProgressCounter | undefined;

  constructor(session: RunSession, options: RunOptions, environment: RunEnvironment, schema: ReportSchema) {
    this.#session = session;
    this.#options = options;
    this.#environment = environment;
    this.#schema = schema;
  }

  async run(source: InputSource): Promise<void> {
    const session = this.#session;
    const options = this.#options;
    const guardOptions = guardOf(options);
    const checkOnly = options.send === undefined || options.dryRun;
    const send = options.send !== undefined && (!options.dryRun || guardOptions !== undefined) ? options.send : undefined;
    const wiring: Wiring = {
      guardOptions,
      // Reading before writing, a dry run reads too: its report is written by the plan pass, once the live values are known.
      reportWhileScanning: checkOnly && guardOptions === undefined,
      send,
      // The HTTP side (got) is loaded only by runs that make requests, and while the file is validated rather than after.
      executorModule: send === undefined ? undefined : import('../send/executor.js'),
    };
    // A failed load surfaces where it is awaited; a refused file never awaits it.
    wiring.executorModule?.catch(() => {});
    let after: Finished | undefined;
    try {
      const validated = await this.#validate(source, wiring.reportWhileScanning);
      const { scan, prior } = validated;
      if (prior !== undefined) session.tally.addEarlierRequests(await session.folder.earlierRequests(prior.requests));
      const { mode, guard } = await this.#settleMode(source, validated, wiring);
      // One more pass gives every row its outcome: sending waits for the whole file to be known; and
      // a repeated id makes rows invalid that the validating pass, not knowing it yet, reported valid.
      if (mode.kind !== 'check' || (wiring.reportWhileScanning && scan.duplicates.size > 0)) await this.#outcomePass(source, validated, mode, guard, wiring);
      after = { source, scan, prior, sent: mode.kind === 'send', guard };
    } catch (caught) {
      // A write the run folder refused has stopped the run already (see RunFolder.fail); anything else not a TiError is a bug.
      const error = caught instanceof TiError ? caught : session.folder.fail(caught);
      if (!session.signal.aborted && this.#sentLog === undefined) {
        // A file refused while it is read (broken quoting halfway down) leaves no report: the rows
        // before the problem would look like the whole file.
        this.#discardReport();
      }
      if (!session.signal.aborted) session.stop(error, session.tally.requests > 0 && this.#sentLog !== undefined ? 'stopped' : 'refused');
    } finally {
      // Rows already in flight still get their line in the report before it closes.
      await this.#executor?.drain().catch(() => {});
      await session.stopCheckpoints();
      this.#closing(() => this.#report?.close());
      this.#closing(() => this.#sentLog?.close());
      this.#executor?.close();
    }
    // A folder that can no longer be written keeps what it holds: the resume that finishes the run writes the rest.
    if (after === undefined || session.folder.failure !== undefined) return;
    try {
      await this.#finishFiles(after);
    } catch (error) {
      if (error instanceof TiError) throw error;
      session.folder.fail(error);
    }
  }

  /**
   * What becomes of the valid rows: from what the validating pass found and
   * what the user asked, then, for an `apply`, the key checked (a dry run),
   * the live values read and the plan made against them (or the blind plan),
   * and the plan confirmed. The live guard comes with it when rows are to be
   * checked before they are sent.
   */
  async #settleMode(source: InputSource, validated: Validated, wiring: Wiring): Promise<{ mode: Mode; guard: LiveGuard | undefined }> {
    const options = this.#options;
    const { scan, prior, planner, named } = validated;
    const { guardOptions, reportWhileScanning } = wiring;
    let mode = this.#decide(scan);
    if (options.command === 'apply' && guardOptions === undefined && scan.columns.delta !== undefined && mode.kind !== 'refuse') {
      mode = this.#refuse(
        new TiError('invalid', 'Nothing was sent: a currentBalanceDelta column adds to the live balances, which --blind does not read.', { hint: 'Leave out --blind; the balances are then read just before each row is sent.' }),
        'not sent: a delta needs the live balance',
      );
    }
    // A dry run checks the key before anything else is asked of the API; refused, nothing more is. Its rows are
    // reported all the same: as checked while scanning, or skipped where their report waited for the live values.
    const keyFailure = options.dryRun && options.send !== undefined && !options.offline ? await this.#checkKey(options.send) : undefined;
    if (keyFailure !== undefined) {
      const refused = this.#refuse(keyFailure, 'not checked against the live values: the key was not accepted');
      if (!reportWhileScanning) mode = refused;
    }
    const hasInvalidRows = scan.invalidRows > 0 || scan.duplicates.size > 0;
    const plans = options.command === 'apply' && keyFailure === undefined && (mode.kind === 'send' || (options.dryRun && (!hasInvalidRows || options.skipInvalid)));
    // Reading before writing, a file refused for its invalid rows, or checked by a dry run, is still read against the
    // live values: every problem of the file (an id not among its client's, a guardrail crossed) is then reported at
    // once, and a dry run's report, which waits for the live values, is written.
    const checksLive = options.command === 'apply' && hasInvalidRows && keyFailure === undefined && (mode.kind === 'refuse' || options.dryRun);
    if ((plans || checksLive) && guardOptions !== undefined && wiring.send !== undefined) {
      const unknown = this.#unknownClients(named, guardOptions);
      if (unknown !== undefined) return { mode: this.#refuse(unknown, 'not sent: the client of some rows is unknown'), guard: undefined };
      const read = await this.#readLive(await this.#sendStage(wiring), scan, [...named.clients, ...guardOptions.clients], guardOptions);
      if (read instanceof TiError) return { mode: this.#refuse(read, 'not sent: the live values could not be read'), guard: undefined };
      return { mode: await this.#planAgainstLive(source, scan, prior, read, mode), guard: read.guard };
    }
    if (plans) mode = await this.#confirm(this.#planBlind(planner, prior, scan) ?? (await this.#replan(source, scan, prior)), mode);
    return { mode, guard: undefined };
  }

  /**
   * The pass that gives every row its outcome: sent (journalled in sent.log
   * first, checked against the live values when there are any), skipped
   * when the run refuses to send, or reported again once repeated ids are
   * known.
   */
  async #outcomePass(source: InputSource, validated: Validated, mode: Mode, guard: LiveGuard | undefined, wiring: Wiring): Promise<void> {
    const session = this.#session;
    const { scan, prior, earlier } = validated;
    if (mode.kind === 'check') {
      session.log.logger.info({ event: 'report-again', duplicateIds: scan.duplicates.size }, 'ids repeat: writing the report again');
      this.#discardReport();
    }
    const executor = mode.kind === 'send' && wiring.send !== undefined ? await this.#sendStage(wiring) : undefined;
    if (executor !== undefined) {
      this.#sentLog = session.folder.openSentLog();
      session.startCheckpoints();
    }
    await assertUnchanged(source.path, scan.stamp);
    if (executor !== undefined) {
      this.#progress = new SendProgressCounter(this.plan?.rows ?? 0, () => ({ pauseLeftMs: executor.pauseLeftMs, ratePerMinute: executor.pacing.ratePerMinute }));
      this.#environment.onSendStart?.(this.#progress);
    }
    const sentLog = this.#sentLog;
    const record = this.#startReport(scan.columns, mode, guard === undefined ? prior : undefined, sentLog, this.#progress);
    const baselines = guard === undefined ? undefined : new BaselineCursor(session.folder.path);
    try {
      // Only checking stops at a stop; a pass that sends or refuses reports every row, skipped if need be.
      const handle =
        guard === undefined
          ? this.#rowHandler(mode.kind === 'send' ? this.#sendBlind(record, sentLog) : mode, record, prior, mode.kind === 'check')
          : this.#checkedRowHandler(mode, record, prior, baselines, mode.kind === 'send' ? this.#sendChecked(guard, record, sentLog, prior) : undefined);
      await this.#eachVerdict(source, scan, handle, settledEarlier(prior, earlier, scan));
      this.#allSubmitted = true;
      await this.#executor?.drain();
    } finally {
      await baselines?.close();
    }
  }

  /** The send stage, opened once for the run (the live read and the sending share its pace), wired to its counts, log and progress. */
  async #sendStage(wiring: Wiring): Promise<Executor> {
    if (wiring.send === undefined || wiring.executorModule === undefined) throw new Error('a run that makes requests has send options');
    this.#executor ??= openExecutor((await wiring.executorModule).Executor, this.#session, wiring.send, (line) => this.#progress?.retry(line), () => !this.#allSubmitted);
    return this.#executor;
  }

  /** Closes a file of the run folder; one the disk refuses to finish stops the run (see RunFolder.fail). */
  #closing(close: () => void): void {
    try {
      close();
    } catch (error) {
      this.#session.folder.fail(error);
    }
  }

  /** The files written once every row has its outcome: a resumed run's report compacted, undo.csv, the Excel copies. */
  async #finishFiles(after: Finished): Promise<void> {
    const session = this.#session;
    const options = this.#options;
    // A resumed run's report.csv holds each session's records; it ends as one record per row, like any run's.
    if (session.folder.resumed) {
      const { source, scan } = after;
      const started = performance.now();
      await session.folder.compactReport(async () => asReported((await readDataRows(source)).batches, scan.columns, options.rules), scan.columns, { schema: this.#schema, excel: options.excel });
      session.log.logger.info({ event: 'compacted', durationMs: Math.round(performance.now() - started) }, 'report.csv rewritten with one record per row');
    }
    // What the run changed, and how to put it back: written however the run ended, rewritten by a resume.
    if (after.sent && after.guard !== undefined) await this.#writeUndo();
    if (options.excel && this.#report !== undefined) await session.folder.writeExcelCopies(after.scan.columns, this.#schema, inputSheetValues(after.scan.columns, options.rules));
  }

  /**
   * The validating pass. Checking only, it also reports each row as it reads
   * it, which spares reading the file twice; an `apply` adds up the blind
   * plan's figures and the clients the rows name as it goes. A resumed run
   * first learns what its earlier sessions did, since rows they updated are
   * not part of the plan.
   */
  async #validate(source: InputSource, reportWhileScanning: boolean): Promise<Validated> {
    const session = this.#session;
    const options = this.#options;
    let prior: PriorRun | undefined;
    const planner = options.command === 'apply' ? new PlanBuilder() : undefined;
    const named: ClientsNamed = { clients: new Set(), withoutClient: 0 };
    const earlier: { nowInvalid: LineSet; leading: EarlierRows['leading'] } = { nowInvalid: new LineSet(), leading: undefined };
    let leadingRows = 0;
    let leadingOnly = session.folder.resumed;
    const scan = await scanInput(source, {
      rules: options.rules,
      extraColumns: options.extraColumns,
      signal: session.signal,
      onHeader: (columns) => {
        if (session.folder.resumed) prior = this.#loadPrior(columns);
        const check = reportWhileScanning ? this.#rowHandler({ kind: 'check' }, this.#startReport(columns, { kind: 'check' }, undefined, undefined, undefined), undefined, true) : undefined;
        return (verdict) => {
          planner?.count(verdict, prior);
          if (verdict.valid) {
            if (verdict.row.clientId === undefined) named.withoutClient++;
            else named.clients.add(verdict.row.clientId.toLowerCase());
          }
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
    return { scan, prior, planner, named, earlier };
  }

  #loadPrior(columns: Columns): PriorRun {
    const session = this.#session;
    const prior = session.folder.loadPrior(columns, this.#schema);
    session.log.logger.info({ event: 'resume', updatedEarlier: prior.updated.size, inFlight: [...prior.inFlight] }, 'resuming the run');
    return prior;
  }

  /** What becomes of the valid rows, from what the validating pass found and what the user asked. */
  #decide(scan: Scan): Mode {
    const options = this.#options;
    const hasInvalidRows = scan.invalidRows > 0 || scan.duplicates.size > 0;
    const mode: Mode = options.send === undefined || options.dryRun ? { kind: 'check' } : hasInvalidRows && !options.skipInvalid ? { kind: 'refuse', reason: 'not sent because other rows of the file are invalid' } : { kind: 'send' };
    this.#session.log.logger.info({ event: 'validated', rows: scan.rows, invalidRows: scan.invalidRows, duplicateIds: scan.duplicates.size, mode: mode.kind }, 'file validated');
    if (mode.kind === 'refuse') this.#session.refuse(invalidRowsError());
    return mode;
  }

  /** Ends the run before anything is sent; its rows are still reported, `skipped` for `reason`. */
  #refuse(error: TiError, reason: string): Mode {
    this.#session.refuse(error);
    this.#session.log.logger.warn({ event: 'refused', error: error.message }, 'nothing will be sent');
    return { kind: 'refuse', reason };
  }

  /** Rows whose client cannot be known: no clientId cell, and no --client to look their id up in. */
  #unknownClients(named: ClientsNamed, guard: GuardOptions): TiError | undefined {
    if (named.withoutClient === 0 || guard.clients.length > 0) return undefined;
    return new TiError('invalid', `Nothing was sent: ${named.withoutClient === 1 ? '1 row does' : `${named.withoutClient.toLocaleString('en-US')} rows do`} not say which client its credit batch belongs to, so its live values cannot be read.`, {
      hint: 'Add a clientId column (a snapshot has one), or pass --client <id> for each client whose batches the file holds; --blind sends without reading, as ti-credits did before.',
    });
  }

  /** Reads the live credit batches of every client the rows name, keeping those of the file's ids. */
  async #readLive(executor: Executor, scan: Scan, clients: readonly string[], guard: GuardOptions): Promise<{ guard: LiveGuard; live: LiveBatches } | TiError> {
    const session = this.#session;
    const live = new LiveBatches(executor, { maxStalenessMs: guard.maxStalenessMs, now: () => performance.now(), keep: (id) => scan.ids.has(id) });
    const unique = [...new Set(clients.map((client) => client.toLowerCase()))];
    const failure = await live.readAll(unique, this.#options.send?.concurrency ?? 1);
    session.log.logger.info({ event: 'live-read', clients: unique.length, requests: live.requests, error: failure?.error.message }, 'live values read');
    if (failure !== undefined) {
      if (failure.error.kind === 'auth' || failure.error.kind === 'aborted') return failure.error;
      return new TiError('invalid', `Nothing was sent: the credit batches of client ${failure.clientId} could not be read (${failure.error.message}).`, {
        hint: 'Check the client id; if the API was unavailable, run the command again.',
      });
    }
    return { guard: new LiveGuard(live, guard.clients), live };
  }

  /**
   * The plan pass, reading before writing: every row against the live
   * values. It records each row's baseline (baseline.csv, before anything is
   * sent: a resumed run and the undo file use these values, never later ones)
   * and each change old → new (plan.csv). A dry run's report is written here.
   * A resumed run takes the baselines its first session recorded.
   */
  async #planAgainstLive(source: InputSource, scan: Scan, prior: PriorRun | undefined, read: { guard: LiveGuard; live: LiveBatches }, mode: Mode): Promise<Mode> {
    const session = this.#session;
    const options = this.#options;
    const planner = new PlanBuilder();
    const changes = new ChangeBuilder();
    // Baselines recorded by an earlier session (or a saved plan) are the run's; a session that died before recording them sent nothing.
    const resumed = (session.folder.resumed || options.fromPlan !== undefined) && session.folder.hasBaselines();
    const saved = options.savePlan === true ? new SavedPlanRows() : undefined;
    const recorded = resumed ? new BaselineCursor(session.folder.path) : undefined;
    const baselines = resumed ? undefined : new BaselineWriter(session.folder.path);
    const planFile = new PlanFile(session.folder.path);
    const record = options.dryRun ? this.#startReport(scan.columns, { kind: 'check' }, undefined, undefined, undefined) : undefined;
    let missing = 0;
    this.#planProblems.clear();
    try {
      await this.#eachVerdict(source, scan, async (verdict) => {
        if (!verdict.valid) {
          planner.invalid();
          saved?.invalid(verdict.row, scan.columns, verdict.row.problems.join('; '));
          record?.(invalidOutcome(verdict.row, verdict.row.problems.join('; ')));
          return;
        }
        const row = verdict.row;
        if (prior?.updated.has(row.line) === true) return;
        const baseline = recorded === undefined ? undefined : await recorded.at(row.line);
        const planned = resumed && baseline === undefined ? missingRow(row) : read.guard.plan(row, baseline, options.limits);
        if (planned.kind !== 'invalid') baselines?.add({ line: row.line, id: row.id, clientId: planned.clientId, values: planned.baseline });
        saved?.add(row, planned);
        switch (planned.kind) {
          case 'invalid':
            missing++;
            planner.invalid();
            this.#planProblems.set(row.line, planned.problem);
            record?.(invalidOutcome(row, planned.problem));
            return;
          case 'unchanged':
            changes.unchanged();
            record?.({ line: row.line, outcome: 'unchanged', cells: row.cells, formulas: row.formulas, attempts: 0, baseline: planned.baseline, live: planned.live });
            return;
          case 'change':
            if (planned.drifted) {
              changes.drifted();
              record?.({ line: row.line, outcome: 'drifted', cells: row.cells, formulas: row.formulas, attempts: 0, sent: bodyOf(planned.changes), baseline: planned.baseline, live: planned.live, error: DRIFTED });
              return;
            }
            planner.send(bodyOf(planned.changes));
            changes.change(row, planned.changes, planned.allocated);
            planFile.add({ line: row.line, id: row.id, clientId: planned.clientId }, planned.changes);
            if (this.preview.length < PREVIEW_ROWS) this.preview.push({ line: row.line, id: row.id, body: bodyOf(planned.changes) });
            record?.({ line: row.line, outcome: 'valid', cells: row.cells, formulas: row.formulas, attempts: 0, sent: bodyOf(planned.changes), baseline: planned.baseline, live: planned.live });
        }
      });
      baselines?.commit();
      planFile.commit();
    } catch (error) {
      baselines?.discard();
      planFile.discard();
      throw error;
    } finally {
      await recorded?.close();
    }
    const built = planner.build(prior?.updated.size ?? 0, scan.columns, changes.build(read.live.requests));
    const plan: Plan = saved === undefined ? { ...built, saved: options.fromPlan?.document.id } : { ...built, saved: (await this.#savePlan(source, scan, built, saved)).id };
    let next = mode;
    // A dry run has written its report already; its invalid rows decide its exit code, as any dry run's.
    if (missing > 0 && !options.skipInvalid && !options.dryRun) {
      const error = new TiError('invalid', `Nothing was sent: ${missing === 1 ? '1 row names' : `${missing.toLocaleString('en-US')} rows name`} a credit batch that is not among its client's.`, {
        hint: 'Fix the ids (or clients) marked invalid in report.csv, or pass --skip-invalid to send the other rows.',
      });
      next = this.#refuse(error, 'not sent because other rows of the file are invalid');
    }
    // Confirmed, the plan's reads are spent: every row is checked against values read from now on.
    return this.#confirm(plan, next, () => read.live.readAfter());
  }

  /**
   * `plan`: the dry run's folder becomes a plan folder a second person
   * approves: a copy of the input (what `apply --plan` reads, never the
   * original again), plan.json with every row's baseline and target and the
   * plan's id, and plan.html.
   */
  async #savePlan(source: InputSource, scan: Scan, plan: Plan, rows: SavedPlanRows): Promise<PlanDocument> {
    const options = this.#options;
    const folder = this.#session.folder;
    const copy = `input${extname(source.path).replace(/[^\w.]/g, '') || '.csv'}`;
    await copyFile(source.path, join(folder.path, copy));
    const { size, sha256 } = await fingerprintFile(source.path);
    const send = options.send;
    const document = await writePlanDocument(folder.path, {
      version: 1,
      madeAt: this.#session.startedAt.toISOString(),
      madeBy: userInfo().username,
      target: send?.target.origin ?? '',
      keyKind: keyKind(send?.target.apiKey ?? ''),
      input: { name: basename(source.path), sha256, size, copy },
      baselineSha256: await sha256File(join(folder.path, BASELINE_FILE)),
      options: describeOptions(options),
      totals: planTotals(plan, scan.rows),
      rows: rows.rows,
    });
    await folder.writePlanHtml(document);
    this.#session.log.logger.info({ event: 'plan-saved', id: document.id }, 'plan saved');
    return document;
  }

  /** The blind plan, from the figures the validating pass gathered; undefined when an id repeats and they must be counted again. */
  #planBlind(planner: PlanBuilder | undefined, prior: PriorRun | undefined, scan: Scan): Plan | undefined {
    if (planner === undefined || scan.duplicates.size > 0) return undefined;
    return planner.build(prior?.updated.size ?? 0, scan.columns);
  }

  /** The blind plan counted again in a pass of its own: the rows a repeated id makes invalid were counted as valid. */
  async #replan(source: InputSource, scan: Scan, prior: PriorRun | undefined): Promise<Plan> {
    const builder = new PlanBuilder();
    await this.#eachVerdict(source, scan, (verdict) => {
      builder.count(verdict, prior);
      return undefined;
    });
    return builder.build(prior?.updated.size ?? 0, scan.columns);
  }

  /**
   * Records the plan, holds it to the run-wide guardrails, and asks the
   * operator's word on it; a plan over a guardrail, or declined, sends nothing.
   */
  async #confirm(plan: Plan, mode: Mode, onConfirmed?: () => void): Promise<Mode> {
    const session = this.#session;
    this.plan = plan;
    session.log.logger.info({ event: 'plan', plan: planFacts(plan) }, 'plan');
    const over = runOverLimit(plan, this.#options.limits);
    if (over !== undefined) {
      // A dry run has written its report; it only says the run would be refused.
      if (this.#options.dryRun) session.refuse(over);
      else return this.#refuse(over, 'not sent: the plan goes beyond a guardrail');
    }
    if (mode.kind !== 'send') return mode;
    const declined = await this.#environment.confirm?.(plan);
    // Interrupted while the operator was asked: the run is `interrupted`, not refused, and its rows are reported.
    if (session.signal.aborted) return { kind: 'refuse', reason: 'not sent: the run was interrupted before sending began' };
    if (declined === undefined) {
      onConfirmed?.();
      return mode;
    }
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
    const leading = source.kind === 'csv' ? settled?.leading : undefined;
    if (leading !== undefined) this.#session.tally.countUpdatedEarlier(leading.rows);
    // Only the bytes validated are read: rows appended since are never seen, let alone sent.
    const size = scan.stamp.size;
    const batches = leading === undefined || source.kind !== 'csv' ? (await readDataRows(source, size)).batches : readRowsFrom(source, leading.from, size);
    for await (const batch of batches) {
      // A batch is read before its rows are handed on: the file found unchanged now was unchanged when it was read,
      // the last batch's included, so the pass needs no check of its own at its end.
      await this.#checkUnchanged(source, scan);
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
   * Stops the run at once if the file is no longer the one validated (rows
   * appended, or edited in place): a row sent must be a row validated. The
   * pass goes on only to report the rows left, none of them sent.
   */
  async #checkUnchanged(source: InputSource, scan: Scan): Promise<void> {
    const session = this.#session;
    if (session.signal.aborted || (await isUnchanged(source.path, scan.stamp))) return;
    const hint = 'Leave the file alone while a run reads it. --resume refuses a changed file: put the rows not updated (failed.csv) in a new file and run apply on it.';
    // Once the pass that sends has begun, a change stops a run that may have sent rows.
    if (this.#sentLog !== undefined) {
      session.stop(new TiError('aborted', `${source.path} changed while its rows were being sent (rows added, or edited): sending stopped at once, since only the rows validated may be sent; the rows not sent are reported skipped.`, { hint }), 'stopped');
    } else {
      session.stop(new TiError('invalid', `${source.path} changed while it was being read (rows added, or edited); nothing was sent.`, { hint: 'Save the file, close the program editing it and run again.' }), 'refused');
    }
  }

  /**
   * Starts report.csv (again, if a first attempt is discarded) and returns
   * how a row's outcome is recorded: in the report, the counts, the progress
   * and the log. Sending blind, a row that was in flight when an earlier
   * session died is marked, since the API may have applied it twice.
   */
  #startReport(columns: Columns, mode: Mode, prior: PriorRun | undefined, sentLog: SentLog | undefined, progress: SendProgressCounter | undefined): (outcome: RowOutcome) => void {
    const session = this.#session;
    const writer = session.folder.openReport(columns, { schema: this.#schema, durable: mode.kind === 'send', excel: this.#options.excel });
    this.#report = writer;
    const inFlight = prior?.inFlight;
    return (outcome) => {
      const lost = inFlight?.has(outcome.line) === true ? (prior?.lostRequests(outcome.line) ?? 0) : 0;
      const row = lost > 0 ? markResent(outcome, lost) : outcome;
      writer.write(row);
      if (lost > 0) {
        sentLog?.settle(row.line, lost);
        session.tally.countLostRequests(lost);
      }
      session.tally.countRow(row);
      progress?.finish(row);
      const entry = { event: 'row', line: row.line, outcome: row.outcome, httpStatus: row.httpStatus, attempts: row.attempts, error: row.error };
      // Validating a million rows should not write a million log lines; the report has them.
      if (mode.kind === 'send' || row.outcome === 'invalid') session.log.rows.info(entry, 'row');
      else session.log.rows.debug(entry, 'row');
    };
  }

  /**
   * What becomes of each row's verdict, sending blind. A pass that is not
   * sending ends at a stop; one that is goes on reading, to report each
   * remaining row skipped.
   */
  #rowHandler(action: RowAction, record: (outcome: RowOutcome) => void, prior: PriorRun | undefined, endsAtStop: boolean): (verdict: RowVerdict) => Promise<void> | undefined {
    const session = this.#session;
    return (verdict) => {
      if (endsAtStop) session.signal.throwIfAborted();
      if (!verdict.valid) {
        record(invalidOutcome(verdict.row, verdict.row.problems.join('; ')));
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
          record({ line: row.line, outcome: 'valid', cells: row.cells, formulas: row.formulas, attempts: 0, sent: row.body });
          return undefined;
        case 'refuse':
          record({ line: row.line, outcome: 'skipped', cells: row.cells, formulas: row.formulas, attempts: 0, sent: row.body, error: action.reason });
          return undefined;
      }
    };
  }

  /**
   * What becomes of each row's verdict, reading before writing: the row's
   * baseline comes from baseline.csv; a row with nothing to change, or
   * missing from its client's batches, never reaches `send`.
   */
  #checkedRowHandler(
    mode: Mode,
    record: (outcome: RowOutcome) => void,
    prior: PriorRun | undefined,
    baselines: BaselineCursor | undefined,
    send: ((row: ValidRow, baseline: Baseline, changes: readonly FieldChange[]) => Promise<void>) | undefined,
  ): (verdict: RowVerdict) => Promise<void> {
    const session = this.#session;
    return async (verdict) => {
      if (!verdict.valid) {
        record(invalidOutcome(verdict.row, verdict.row.problems.join('; ')));
        return;
      }
      const row = verdict.row;
      if (prior?.updated.has(row.line) === true) {
        session.tally.countRow({ line: row.line, outcome: 'updated', cells: row.cells, attempts: 0 });
        return;
      }
      const baseline = await baselines?.at(row.line);
      if (baseline === undefined) {
        record(invalidOutcome(row, this.#planProblems.get(row.line) ?? missingRow(row).problem));
        return;
      }
      const changes = changesOf(baseline.values, row);
      if (changes.length === 0) {
        record({ line: row.line, outcome: 'unchanged', cells: row.cells, formulas: row.formulas, attempts: 0, baseline: baseline.values });
        return;
      }
      if (send !== undefined) return send(row, baseline, changes);
      record({ line: row.line, outcome: 'skipped', cells: row.cells, formulas: row.formulas, attempts: 0, sent: bodyOf(changes), baseline: baseline.values, error: mode.kind === 'refuse' ? mode.reason : undefined });
    };
  }

  /** Sending blind: every valid row is sent as it is, journalled in sent.log first. */
  #sendBlind(record: (outcome: RowOutcome) => void, sentLog: SentLog | undefined): RowAction {
    const executor = this.#sender(sentLog);
    return {
      kind: 'send',
      submit: (row) => executor.submit(updateCreditBatch, row, (result) => record(sentOutcome(row, row.body, result)), { beforeFirstAttempt: () => sentLog?.record(row.line) }),
    };
  }

  /**
   * Reading before writing: each change is checked against values fresh
   * enough just before its request, and sent only if the batch still holds
   * its baseline. A row in flight when an earlier session died is resolved by
   * that check: found holding its target, it was applied then.
   */
  #sendChecked(guard: LiveGuard, record: (outcome: RowOutcome) => void, sentLog: SentLog | undefined, prior: PriorRun | undefined): (row: ValidRow, baseline: Baseline, changes: readonly FieldChange[]) => Promise<void> {
    const executor = this.#sender(sentLog);
    return (row, baseline, changes) => {
      const planned: Extract<PlannedRow, { kind: 'change' }> = { kind: 'change', clientId: baseline.clientId, baseline: baseline.values, changes, drifted: false, live: undefined };
      const inFlight = prior?.inFlight.has(row.line) === true;
      const lost = inFlight ? (prior?.lostRequests(row.line) ?? 0) : 0;
      // The body is settled by the check just before the request: a balance adjusted by a delta is adjusted from the balance read then.
      const change: { line: number; id: string; body: CreditBatchUpdate } = { line: row.line, id: row.id, body: bodyOf(changes) };
      let live: CreditBatchUpdate | undefined;
      // When the values the row is checked against were read, and how old they were when its request left.
      let readAt: number | undefined;
      let readAgeMs: number | undefined;
      const age = (): number | undefined => (readAt === undefined ? undefined : Math.round(performance.now() - readAt));
      return executor.submit<Change, CreditBatch, GuardVerdict>(
        applyChange,
        change,
        (result) => {
          const outcome = sentOutcome(row, change.body, result);
          const checked = result.kind === 'withheld' ? (result.detail.kind === 'unreadable' ? undefined : result.detail.live) : live;
          // What a delta was applied to is the balance just read: that is the baseline the report shows for it.
          const appliedTo = changes.some((entry) => entry.delta !== undefined) && checked?.currentBalance !== undefined && result.kind !== 'withheld' ? { currentBalance: checked.currentBalance } : {};
          // The request lost when the earlier session died counts, whatever became of the row; it is accounted for from now on.
          record({ ...outcome, attempts: outcome.attempts + lost, baseline: { ...baseline.values, ...appliedTo }, live: checked, readAgeMs });
          if (lost > 0) {
            sentLog?.settle(row.line, lost);
            this.#session.tally.countLostRequests(lost);
          }
        },
        {
          guard: async () => {
            const verdict = await guard.check(row.id, planned, inFlight);
            if (verdict.kind !== 'unreadable') readAt = verdict.readAt;
            readAgeMs = age();
            if (verdict.kind !== 'send') return verdict;
            change.body = verdict.body;
            live = verdict.live;
            return undefined;
          },
          beforeFirstAttempt: async () => {
            await sentLog?.record(row.line);
            // Once journalled, the request leaves: this is the age of the values its body was made from.
            readAgeMs = age();
          },
        },
      );
    };
  }

  #sender(sentLog: SentLog | undefined): Executor {
    if (this.#executor === undefined || sentLog === undefined) throw new Error('a run that sends has a send stage and a sent.log');
    return this.#executor;
  }

  /**
   * undo.csv, for every row the run updated (in any session), in the
   * report's order: the changes it made set back. Made from what the run
   * recorded (report.csv's `sent` and `baseline.*`, the client from
   * baseline.csv), never from the input read again: a file edited since the
   * rows were sent would put back other values, and a row found invalid now
   * (an expiry passed since) was updated all the same.
   */
  async #writeUndo(): Promise<void> {
    const session = this.#session;
    const undo = new UndoFile(session.folder.path);
    try {
      for await (const row of updatedRows(session.folder.path)) {
        const changes = (Object.keys(row.written) as UpdatableField[]).map((field) => {
          const before = row.baseline[field];
          // Every field a reading run sends has its baseline beside it: one missing is a report not written by this run.
          if (before === undefined) throw new Error(`report.csv line ${row.line}: ${field} was written without its baseline`);
          return { field, before, after: row.written[field] };
        });
        undo.add({ id: row.id, clientId: row.clientId ?? '', ...undoOf(changes) });
      }
      undo.commit();
      this.undo = join(session.folder.path, UNDO_FILE);
    } catch (error) {
      undo.discard();
      throw error;
    }
  }

  /**
   * A dry run checks the whole command, the key included: one GET /ping,
   * counted and logged as any request. Why the key was not accepted, if it
   * was not: the run is then `refused` rather than stopped, so that the file
   * is still reported.
   */
  async #checkKey(send: SendOptions): Promise<ApiError | undefined> {
    const { Executor } = await import('../send/executor.js');
    const executor = new Executor(send, this.#session.signal, { onAttempt: (attempt) => recordAttempt(this.#session, attempt) });
    try {
      const failure = await checkKey(executor);
      this.keyAccepted = failure === undefined && !this.#session.signal.aborted;
      return failure;
    } finally {
      executor.close();
    }
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

const DRIFTED = 'drifted: the batch no longer holds the values this row was prepared from (baseline), so sending it would overwrite a change made since; see live';

function invalidRowsError(): TiError {
  return new TiError('invalid', 'Nothing was sent: some rows of the file are invalid.', {
    hint: 'Fix the rows marked invalid in report.csv (failed.csv holds every row, ready to correct and re-run), or pass --skip-invalid to send the valid rows only.',
  });
}

function invalidOutcome(row: ValidRow | InvalidRow, problem: string): RowOutcome {
  return { line: row.line, outcome: 'invalid', cells: row.cells, formulas: row.formulas, attempts: 0, error: problem, errorKind: 'invalid' };
}

/** The input's records with their cells as the report writes them, for a resumed run's report written again. */
async function* asReported(batches: AsyncIterable<readonly InputRecord[]>, columns: Columns, rules: FieldRules): AsyncGenerator<{ readonly line: number; readonly cells: string[] }[]> {
  for await (const batch of batches) yield batch.map((record) => ({ line: record.line, cells: [...rowTexts(columns, record, rules)] }));
}


/** A row the plan found no baseline for: its batch was not among its client's, or it was invalid against it. */
function missingRow(row: ValidRow): { readonly kind: 'invalid'; readonly problem: string } {
  const client = row.clientId === undefined ? 'the clients read' : `client ${row.clientId}`;
  return { kind: 'invalid', problem: `id ${row.id} is not a credit batch of ${client}, or the plan found it invalid; check the id and the client` };
}

/** A row's outcome from what the send stage made of it. */
function sentOutcome(row: ValidRow, body: CreditBatchUpdate, result: SendResult<CreditBatch, GuardVerdict>): RowOutcome {
  const base = { line: row.line, cells: row.cells, formulas: row.formulas, sent: body };
  switch (result.kind) {
    case 'done':
      return { ...base, outcome: 'updated', attempts: result.attempts, httpStatus: result.status, result: result.value };
    case 'failed': {
      const error = result.answerLost ? `${ANSWER_LOST_NOTE}; ${result.error.message}` : result.error.message;
      return { ...base, outcome: 'failed', attempts: result.attempts, httpStatus: result.error.status, error, errorKind: result.error.kind };
    }
    case 'not-sent':
      return { ...base, outcome: 'skipped', attempts: 0, error: result.reason };
    case 'withheld':
      switch (result.detail.kind) {
        case 'unchanged':
          return { ...base, outcome: 'unchanged', attempts: 0 };
        case 'applied':
          return { ...base, outcome: 'updated', attempts: 0, error: APPLIED_EARLIER };
        case 'drifted':
          return { ...base, outcome: 'drifted', attempts: 0, error: result.detail.live === undefined ? `${DRIFTED}: the batch is no longer listed for its client` : DRIFTED };
        case 'below-zero':
          return { ...base, outcome: 'failed', attempts: 0, error: `not sent: the delta would take the balance, now ${String(result.detail.live.currentBalance)}, below 0`, errorKind: 'rejected' };
        case 'unreadable':
          return { ...base, outcome: 'failed', attempts: 0, error: `not sent: its client's batches could not be read again to check it (${result.detail.error.message})`, errorKind: result.detail.error.kind };
      }
  }
}

const APPLIED_EARLIER = 'applied before the interruption: its request was in flight when the run died, and the batch holds the values it sent, so it was not sent again';

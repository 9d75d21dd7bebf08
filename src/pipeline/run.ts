import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TiError } from '../core/errors.js';
import type { PacingStats } from '../core/run-facts.js';
import { openInput, type InputSource } from '../read/data-rows.js';
import { fingerprintFile } from '../read/file-stamp.js';
import { RunFolder, type LockWait } from '../report/run-folder.js';
import { forWorkbook, GUARDED_REPORT, ROW_REPORT } from '../report/schema.js';
import type { Summary } from '../report/summary.js';
import type { Tally } from '../report/tally.js';
import { readColumns } from '../validate/scan.js';
import { applyStage } from './apply-stage.js';
import { decide, type Decided } from './decide.js';
import { finishFiles } from './finish.js';
import { commandOf, isDryRun, makesRequests, sends, type RunMode } from './mode.js';
import { planFacts, type Plan } from './plan.js';
import { writeRunReport, type BatchNames } from './report-document.js';
import { checkResume } from './resume.js';
import { RunContext, type Preview, type RunEnvironment } from './run-context.js';
import { fileRunLedger } from './run-ledger.js';
import { describeOptions, type RunOptions } from './run-options.js';
import { inSession, type RunSession } from './run-session.js';
import { checkSavedPlan } from './saved-plan.js';
import { scanStage, type Scanned } from './scan-stage.js';
import { SendStage } from './send-stage.js';

export type { Preview, RunEnvironment } from './run-context.js';

/** What a run over a file found and did. */
export interface RunResult {
  readonly folder: string;
  readonly summary: Summary;
  readonly tally: Tally;
  /** The first requests a dry run would send. */
  readonly preview: readonly Preview[];
  /** What the run would send or sent; undefined when the file was refused before a plan, or for `validate`. */
  readonly plan: Plan | undefined;
  /** undo.csv, when the run wrote one. */
  readonly undo: string | undefined;
  /** Whether a dry run's GET /ping found the key accepted (false when it was not checked, or refused). */
  readonly keyAccepted: boolean;
  /** The names of the batches the run read, for report.html written again once verified. */
  readonly names?: BatchNames | undefined;
}

/**
 * A run over a file: scan → plan → apply, as far as its mode goes. The scan
 * validates every row; the plan is made against the live values (or blind)
 * and confirmed; apply gives every row its outcome, sending what the
 * decision allows; the files written at the end follow. Every row read gets
 * exactly one line in report.csv.
 */
export async function runFile(mode: RunMode, options: RunOptions, environment: RunEnvironment): Promise<RunResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const inputPath = resolve(environment.cwd, options.inputPath);
  // Nothing is written before the file is known to be one with a usable header: a run refused
  // before its first row is read leaves no folder behind, only the error.
  const source = await openInput(inputPath, options.read);
  const columns = await readColumns(source, options.extraColumns);
  // The run ledger's word comes before anything is written: a plan, or a file of deltas, already applied is refused.
  const history = await fileRunLedger(mode, options, inputPath, columns.delta !== undefined, environment.cwd);
  const folder = await openRunFolder(mode, options, inputPath, startedAt, environment.cwd, history?.fingerprint, {
    ms: environment.lockWaitMs ?? 0,
    signal: environment.shutdown,
  });
  const recorded = describeOptions(mode, options);
  const reportSchema = options.guard === undefined || mode.kind === 'validate' ? ROW_REPORT : GUARDED_REPORT;
  // A workbook's report also says which of a row's cells held formulas.
  const schema = source.kind === 'workbook' ? forWorkbook(reportSchema) : reportSchema;
  // What the ledger says of the run is shown with its plan: an approval, the same file applied before.
  const onRecord = history?.onRecord;
  const confirm = environment.confirm;
  const told: RunEnvironment = {
    ...environment,
    history: onRecord,
    ...(onRecord === undefined || confirm === undefined
      ? {}
      : { confirm: (plan: Plan, pacing: PacingStats | undefined) => confirm({ ...plan, onRecord }, pacing) }),
  };
  const run = folder.hold(() =>
    inSession(
      folder,
      {
        command: commandOf(mode),
        dryRun: isDryRun(mode),
        input: inputPath,
        target: options.send?.target.origin,
        options: recorded,
        outcomes: schema.outcomes,
        paceRoot: options.ledger?.root,
      },
      {
        logLevel: options.logLevel,
        apiKey: options.send?.target.apiKey,
        startedAt,
        now,
        shutdown: environment.shutdown,
        interrupted: 'run',
        start: { dryRun: isDryRun(mode), mode: mode.kind, input: inputPath, options: recorded },
        ledger: history?.session(folder.path, startedAt),
      },
      async (session) => {
        session.log.logger.info(
          {
            event: 'input',
            kind: source.kind,
            ...(source.kind === 'workbook' ? { sheet: source.sheet } : { encoding: source.layout.encoding, delimiter: source.layout.delimiter }),
          },
          'input opened',
        );
        // Requests are made by a run that sends, by a dry run reading the live values or checking the key.
        const sendStage = options.send !== undefined && makesRequests(mode) ? new SendStage(session, options.send, environment.hardStop) : undefined;
        const context = new RunContext(session, mode, options, told, schema, sendStage);
        const result = await stages(context, source);
        const plan = result.decided?.plan === undefined ? undefined : { ...result.decided.plan, onRecord };
        if (result.decided?.plan !== undefined) session.planned(planFacts(result.decided.plan));
        const summary = await session.finish();
        // What the run did, for whoever approved it: every apply that may have sent something.
        if (sends(mode) && summary.status !== 'refused' && folder.failure === undefined)
          await writeRunReport(folder, summary, plan, undefined, result.decided?.names);
        return {
          folder: folder.path,
          summary,
          tally: session.tally,
          preview: result.preview,
          plan,
          undo: result.undo,
          keyAccepted: result.decided?.keyAccepted ?? false,
          names: result.decided?.names,
        };
      },
    ),
  );
  // Refused as it was recorded (the same file recorded meanwhile by another run), the new folder holds nothing of use.
  return run.catch(async (error: unknown) => {
    if (history?.refusedAtStart === true && !folder.resumed) await rm(folder.path, { recursive: true, force: true });
    throw error;
  });
}

/** What the stages of one run hand back. */
interface Staged {
  readonly decided: Decided | undefined;
  readonly preview: readonly Preview[];
  readonly undo: string | undefined;
}

/** The stages in order, and what ends them: a stop, a refusal, a disk that no longer takes writes. */
async function stages(context: RunContext, source: InputSource): Promise<Staged> {
  const { session, mode } = context;
  // Reading before writing, even a dry run reads the live values: its report is written by the plan pass, once they are known.
  const reportWhileScanning = !sends(mode) && context.guard === undefined;
  let scanned: Scanned | undefined;
  let decided: Decided | undefined;
  let preview: readonly Preview[] = [];
  let finished = false;
  try {
    scanned = await scanStage(context, source, reportWhileScanning);
    preview = scanned.preview;
    if (scanned.prior !== undefined) session.tally.addEarlierRequests(await session.folder.earlierRequests(scanned.prior.requests));
    decided = await decide(context, source, scanned, reportWhileScanning);
    preview = decided.preview ?? preview;
    // One more pass gives every row its outcome: sending waits for the whole file to be known; and
    // a repeated id makes rows invalid that the validating pass, not knowing it yet, reported valid.
    if (decided.decision.kind !== 'check' || (reportWhileScanning && scanned.scan.duplicates.size > 0)) {
      preview = (await applyStage(context, source, scanned, decided)) ?? preview;
    }
    finished = true;
  } catch (caught) {
    stopFor(context, session, caught);
  } finally {
    await context.close();
  }
  // A folder that can no longer be written keeps what it holds: the resume that finishes the run writes the rest.
  if (!finished || scanned === undefined || session.folder.failure !== undefined) return { decided, preview, undo: undefined };
  try {
    const undo = await finishFiles(context, source, scanned.scan, decided?.decision.kind === 'send');
    return { decided, preview, undo };
  } catch (error) {
    if (error instanceof TiError) throw error;
    session.folder.fail(error);
    return { decided, preview, undo: undefined };
  }
}

/**
 * What an error thrown by a stage does to the run: a write the run folder
 * refused has stopped it already (see RunFolder.fail), anything else not a
 * TiError is a bug. A file refused while it is read (broken quoting halfway
 * down) leaves no report: the rows before the problem would look like the
 * whole file.
 */
function stopFor(context: RunContext, session: RunSession, caught: unknown): void {
  const error = caught instanceof TiError ? caught : session.folder.fail(caught);
  const sending = context.sentLog !== undefined;
  if (!session.signal.aborted && !sending) context.discardReport();
  if (!session.signal.aborted) session.stop(error, session.tally.requests > 0 && sending ? 'stopped' : 'refused');
}

/**
 * The folder of a new run, or of the run `--resume` continues once it is
 * proved to be the same run. A run that sends records what it was started
 * with (run.json, the input's SHA-256 among it) before the first request.
 */
async function openRunFolder(
  mode: RunMode,
  options: RunOptions,
  inputPath: string,
  startedAt: Date,
  cwd: string,
  fingerprint: { readonly size: number; readonly sha256: string } | undefined,
  lockWait: LockWait,
): Promise<RunFolder> {
  if (mode.kind === 'resume') {
    // Taken before it is checked: a second process on the folder is refused (or waits, --lock-timeout), having read and written nothing.
    const folder = await RunFolder.reopen(resolve(cwd, mode.folder), startedAt, lockWait);
    try {
      await checkResume(folder, inputPath, mode, options);
    } catch (error) {
      folder.release();
      throw error;
    }
    return folder;
  }
  if (mode.kind === 'apply-plan') checkSavedPlan(mode.plan, options.send?.target.origin, startedAt);
  // A saved plan's run is named after the file the plan was made from, not its copy (input.csv).
  const folder = await RunFolder.create(
    options.outDir,
    mode.kind === 'apply-plan' ? mode.plan.document.input.name : inputPath,
    startedAt,
    cwd,
    options.ledger?.root,
  );
  try {
    // A saved plan's changes are made from its baselines, never from values read later.
    if (mode.kind === 'apply-plan') await folder.adoptBaselines(mode.plan.folder);
    if (sends(mode)) {
      // A pass of its own over the bytes: run.json must identify the file before anything is sent.
      const { size, sha256 } = fingerprint ?? (await fingerprintFile(inputPath));
      await folder.writeRecord({
        command: commandOf(mode),
        startedAt: startedAt.toISOString(),
        input: { path: inputPath, size, sha256 },
        target: options.send?.target.origin ?? null,
        options: describeOptions(mode, options),
      });
    }
  } catch (error) {
    folder.release();
    if (error instanceof TiError) throw error;
    throw folder.fail(error);
  }
  return folder;
}

import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, realpath, rm, statfs, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Columns } from '../core/columns.js';
import { BASELINE_FILE } from './baseline-file.js';
import type { ReportDocument } from './plan-document.js';
import { renderReportHtml } from './report-html.js';
import type { TiError } from '../core/errors.js';
import { writeExcelCopies, type InputValues } from './excel-copies.js';
import { openRunLog, type LogLevel, type RunLog } from './log.js';
import { AppendBatch } from './append-batch.js';
import { loadPriorRun, type PriorRun } from './prior-run.js';
import type { RecordedLines } from './recorded-lines.js';
import { compactReport, type InputRows } from './recorded-report.js';
import { saysResent } from './resent-note.js';
import { ReportWriter } from './report-writer.js';
import { readRunRecord, writeRunRecord, type RunRecord } from './run-record.js';
import { RunLock } from './run-lock.js';
import type { ReportSchema } from './schema.js';
import { readSentRequests, rewriteSentLog, SENT_FILE, SentLog } from './sent-log.js';
import { SummaryCheckpoints } from './summary-checkpoints.js';
import { readEarlierRequests, writeSummary, type Summary } from './summary.js';
import { syncEvery } from './sync-cadence.js';
import type { RequestCounts } from '../core/run-facts.js';
import { bug, failure } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';
import { isWriteFailure, unwritableFolder, writeFailureCause } from './write-failure.js';

/**
 * Report lines and sent.log reach the disk at least this often while sending,
 * and summary.json is rewritten as often: what a power cut could lose.
 */
export const SYNC_INTERVAL_MS = 1000;

/** How long to wait for a folder another live process holds, and what stops the wait. */
export interface LockWait {
  readonly ms: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The folder a run writes into, and every file in it: the one place that
 * knows their names, how each is opened, and how durable each must be. Any
 * command that leaves a run folder uses this stage; a resumed run reopens the
 * folder of the run it continues.
 */
export class RunFolder {
  readonly path: string;
  /** Whether this folder holds an earlier session of the same run. */
  readonly resumed: boolean;
  /** Every append while rows are sent, written once per turn of the event loop and forced to disk once per interval. */
  readonly #appends = new AppendBatch(syncEvery(SYNC_INTERVAL_MS), (error) => this.fail(error));
  /** The first write to the folder that failed, as the error that stops the run. */
  #failure: TiError | undefined;
  #onFailure: ((error: TiError) => void) | undefined;
  /** A resumed run's index of report.csv: where each line's latest record is. */
  #recorded: RecordedLines | undefined;
  /** This process's hold on the folder, from opening to `release`. */
  readonly #lock: RunLock;

  private constructor(path: string, resumed: boolean, lock: RunLock) {
    this.path = path;
    this.resumed = resumed;
    this.#lock = lock;
  }

  /**
   * A new folder. The default, `<reports root>/<UTC time>-<input name>/`, never
   * collides with an earlier run; an explicit `out` that already holds files
   * is refused rather than mixed.
   */
  static async create(out: string | undefined, inputPath: string, now: Date, cwd: string, root = resolve(cwd, 'reports')): Promise<RunFolder> {
    const path = await createFolder(out, inputPath, now, cwd, root);
    await assertWritable(path);
    return new RunFolder(path, false, RunLock.acquire(path, now));
  }

  /**
   * The folder of an earlier run, to go on in (--resume) or add to (verify),
   * once it is known to hold a run and taken for this process: a folder
   * another live process holds is refused (RunFolderBusy) before anything is
   * read or written there.
   */
  static async reopen(path: string, now: Date, wait: LockWait = { ms: 0 }): Promise<RunFolder> {
    await readRunRecord(path);
    await assertWritable(path);
    // An unattended run may wait (--lock-timeout) for another process to finish in the folder.
    return new RunFolder(path, true, wait.ms > 0 ? await RunLock.acquireWithin(path, () => new Date(), wait.ms, wait.signal) : RunLock.acquire(path, now));
  }

  /** Frees the folder for another process; every way a command ends calls it. */
  release(): void {
    this.#lock.release();
  }

  /** Runs `work` in the folder this process holds, and frees the folder however `work` ends. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** The first write to the folder that failed, once one has. */
  get failure(): TiError | undefined {
    return this.#failure;
  }

  /** Tells `listener` (the run's session) of the first write to the folder that fails. */
  onFailure(listener: (error: TiError) => void): void {
    this.#onFailure = listener;
  }

  /**
   * Records that a write to the folder failed and returns the error that
   * stops the run; a failure that is not the disk's is a bug, thrown on.
   */
  fail(error: unknown): TiError {
    if (this.#failure !== undefined) return this.#failure;
    if (!isWriteFailure(error)) throw error;
    const failure = unwritableFolder(this.path, error);
    this.#failure = failure;
    this.#onFailure?.(failure);
    return failure;
  }

  /** run.log; `scrub` is applied to each line written (see openRunLog). A failed write stops the run. */
  openLog(level: LogLevel, scrub?: (line: string) => string): RunLog {
    try {
      return openRunLog(join(this.path, 'run.log'), level, scrub, (error) => this.fail(error));
    } catch (error) {
      throw this.fail(error);
    }
  }

  readRecord(): Promise<RunRecord> {
    return readRunRecord(this.path);
  }

  writeRecord(record: RunRecord): Promise<void> {
    return writeRunRecord(this.path, record);
  }

  /**
   * report.csv and failed.csv. While sending (`durable`), each row is appended
   * as it finishes, so that a crash loses no finished row. A resumed run
   * appends to the report of its earlier sessions, keeping its index current,
   * whether it sends or not (a plan declined, a row expired since): the
   * report is compacted at its end all the same.
   */
  openReport(columns: Columns, options: { readonly schema: ReportSchema; readonly durable: boolean; readonly excel: boolean }): ReportWriter {
    const { schema, excel } = options;
    if (!options.durable && !this.resumed) return new ReportWriter(this.path, columns, { schema, excel });
    const recorded = this.#recorded;
    return new ReportWriter(this.path, columns, {
      schema,
      excel,
      batch: this.#appends,
      append: this.resumed,
      ...(recorded === undefined
        ? {}
        : { onRecord: (row, offset, length) => recorded.add(row.line, offset, length, row.outcome, row.attempts, saysResent(row.error)) }),
    });
  }

  /** Takes the baselines a saved plan recorded, as this run's own. */
  async adoptBaselines(planFolder: string): Promise<void> {
    await copyFile(join(planFolder, BASELINE_FILE), join(this.path, BASELINE_FILE));
  }

  /** report.html: what the run did, written when it ends, and again once verified. */
  async writeReportHtml(report: ReportDocument): Promise<void> {
    await writeFile(join(this.path, 'report.html'), renderReportHtml(report));
  }

  /** Whether an earlier session recorded the baselines (it does so whole, before its first request). */
  hasBaselines(): boolean {
    return existsSync(join(this.path, BASELINE_FILE));
  }

  /** Whether an earlier session handed any row to the API: sent.log journals each before its first request. */
  sentAnything(): boolean {
    return existsSync(join(this.path, SENT_FILE)) && statSync(join(this.path, SENT_FILE)).size > 0;
  }

  /** sent.log: every row handed to the API, before its first request. */
  openSentLog(): SentLog {
    return new SentLog(this.path, this.#appends);
  }

  /** What the earlier sessions of a resumed run did; the folder keeps the index of report.csv it reads, to compact it at the end. */
  loadPrior(columns: Columns, schema: ReportSchema): PriorRun {
    const { prior, recorded } = loadPriorRun(this.path, columns, schema);
    this.#recorded = recorded;
    return prior;
  }

  /** The requests of the earlier sessions, for the summary of the whole run. */
  earlierRequests(sent: number): Promise<RequestCounts> {
    return readEarlierRequests(this.path, sent);
  }

  /**
   * Rewrites the report of a resumed run as one run's. `readRows` reads the
   * input again, when the rewrite needs rows' cells as read (see compactReport).
   */
  async compactReport(
    readRows: () => Promise<InputRows>,
    columns: Columns,
    options: { readonly schema: ReportSchema; readonly excel: boolean },
  ): Promise<void> {
    const recorded = this.#recorded;
    if (recorded === undefined) throw bug(RUN_FOLDER_WORDS, 'TIC-INTERNAL-COMPACT-UNLOADED', {});
    await compactReport(recorded, this.path, columns, options, readRows);
    // A row still uncertain is settled by a later resume from the balance its last request journalled.
    const uncertain = options.schema.outcomes.includes('uncertain') ? recorded.withOutcome('uncertain') : undefined;
    const unsettled = uncertain === undefined || uncertain.size === 0 ? undefined : readSentRequests(this.path, (line) => uncertain.has(line));
    rewriteSentLog(
      this.path,
      (visit) =>
        recorded.each((line, { attempts }) => {
          if (attempts > 0) visit(line);
        }),
      unsettled,
    );
  }

  /** report.xlsx and failed.xlsx, from report.csv and failed.csv once they are complete (--excel). */
  writeExcelCopies(columns: Columns, schema: ReportSchema, inputValues: InputValues): Promise<void> {
    return writeExcelCopies(this.path, columns, schema, inputValues);
  }

  /** Rewrites summary.json every SYNC_INTERVAL_MS with `current()` while started. */
  checkpoints(current: () => Summary<unknown>): SummaryCheckpoints {
    return new SummaryCheckpoints(this.path, current, (error) => this.fail(error), SYNC_INTERVAL_MS);
  }

  /** summary.json, or `file` for a command that adds to a run folder without replacing its summary (verify.json). */
  writeSummary(summary: Summary<unknown>, file?: string): Promise<void> {
    return writeSummary(this.path, summary, file);
  }
}

async function createFolder(out: string | undefined, inputPath: string, now: Date, cwd: string, root: string): Promise<string> {
  if (out !== undefined) {
    const folder = resolve(cwd, out);
    const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw failure(RUN_FOLDER_WORDS, 'TIC-OUT-UNUSABLE', { out, detail: error.message });
    });
    if (entries.length > 0) {
      throw failure(RUN_FOLDER_WORDS, 'TIC-OUT-NOT-EMPTY', { out });
    }
    await mkdirOrExplain(folder, out);
    return folder;
  }
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = basename(inputPath, extname(inputPath)).replace(/[^\w.-]+/g, '_');
  const base = join(root, `${stamp}-${name}`);
  await mkdirOrExplain(root, relative(cwd, root) || root);
  for (let suffix = 1; ; suffix++) {
    const folder = suffix === 1 ? base : `${base}-${suffix}`;
    try {
      await mkdir(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw failure(RUN_FOLDER_WORDS, 'TIC-FOLDER-NOT-CREATED', {
          folder,
          cause: isWriteFailure(error) ? writeFailureCause(error) : (error as Error).message,
        });
    }
  }
}

async function mkdirOrExplain(folder: string, shown: string): Promise<void> {
  const refusal = (cause: string): TiError => failure(RUN_FOLDER_WORDS, 'TIC-FOLDER-NOT-CREATED', { folder: shown, cause });
  const existing = nearestExisting(folder);
  const place = await describeUnusablePlace(existing);
  if (place !== undefined) throw refusal(place);
  // One folder at a time from the one that exists: the first that cannot be made says why (a recursive mkdir on a
  // read-only disk says ENOENT for its parent instead), and nothing can loop (Node's recursive mkdir does on /proc).
  const missing: string[] = [];
  for (let at = folder; at !== existing; at = dirname(at)) missing.unshift(at);
  for (const each of missing) {
    try {
      await mkdir(each);
    } catch (error) {
      // Made meanwhile by another run (two runs making reports/ at once): it is there, as wanted.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(each, { throwIfNoEntry: false })?.isDirectory() === true) continue;
      throw refusal(isWriteFailure(error) ? writeFailureCause(error) : (error as Error).message);
    }
  }
}

/** The folder itself if it exists, else the nearest of its parents that does (a parent that is a file included). */
function nearestExisting(folder: string): string {
  let at = folder;
  while (dirname(at) !== at && !exists(at)) at = dirname(at);
  return at;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Folders of the kernel's, not of files: /proc, /sys and /dev show the
 * system's state (writing there changes it, or does nothing, or hangs), and
 * so do the file systems of these types, wherever they are mounted (a
 * container may mount the host's /proc elsewhere).
 */
const KERNEL_FOLDERS = ['/proc', '/sys', '/dev'];
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
  [0xf97cff8c, 'selinuxfs'],
]);

/**
 * Why the folder a run folder would be made in (`existing`, its nearest
 * existing ancestor) cannot hold one, or undefined. Decided from what the
 * place is, after symbolic links are followed, rather than by trying: a
 * write under /proc can hang rather than fail.
 */
async function describeUnusablePlace(existing: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(existing);
  } catch (error) {
    return isWriteFailure(error) ? writeFailureCause(error) : (error as Error).message;
  }
  if (!statSync(real).isDirectory()) return `${existing} is a file, not a folder`;
  const kernel = KERNEL_FOLDERS.find((root) => real === root || real.startsWith(`${root}/`));
  if (kernel !== undefined) return `it lies under ${kernel}, where the system shows its state rather than keeping files`;
  if (process.platform !== 'linux') return undefined;
  const type = KERNEL_FILE_SYSTEMS.get((await statfs(real)).type >>> 0);
  return type === undefined ? undefined : `it lies on a ${type} file system, where the system shows its state rather than keeping files`;
}

/**
 * Refuses, before anything is sent, a folder a file cannot be created in
 * (read-only, or not the user's): found out later, it would stop the run
 * halfway; and before the folder's lock is taken, which is a write too.
 * Root writes through permissions, so only a write tells.
 */
async function assertWritable(folder: string): Promise<void> {
  // A name of this process's own: two processes probing one folder at once (two resumes) must not meet on it.
  const probe = join(folder, `.ti-credits-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
    await rm(probe);
  } catch (error) {
    if (!isWriteFailure(error)) throw error;
    throw failure(RUN_FOLDER_WORDS, 'TIC-FOLDER-NOT-WRITABLE', { folder, cause: writeFailureCause(error) });
  }
}

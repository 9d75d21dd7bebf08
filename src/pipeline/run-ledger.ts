import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { failure } from '../core/words.js';
import { LEDGER_WORDS, type EarlierRun } from '../core/words/ledger.js';
import { fingerprintFile } from '../read/file-stamp.js';
import { displayTime } from '../report/html-page.js';
import { endOf, recordsFromFolder, verifyId, writeFolderRecord } from '../report/ledger/folder-record.js';
import type { LedgerKeys } from '../report/ledger/ledger-index.js';
import type { ApprovalSeen, LedgerCommand, LedgerRecord, LedgerState } from '../report/ledger/record.js';
import { RunLedger, type LedgerGuard } from '../report/ledger/run-ledger.js';
import { SENT_FILE } from '../report/sent-log.js';
import type { Summary } from '../report/summary.js';
import { keyKind } from '../send/api-target.js';
import { checkApproval } from './approvals.js';
import type { RunMode } from './mode.js';
import type { LedgerOptions, RunOptions } from './run-options.js';

/** An earlier apply of the same content to the same instance. */
export interface EarlierApply {
  readonly id: string;
  readonly startedAt: string;
  readonly updated: number | null;
}

/** What the ledger says of a run about to start, shown with its plan. */
export interface OnRecord {
  /** Earlier applies of the same file's content to the same instance: an absolute-value file sent again is harmless, but said. */
  readonly appliedBefore: readonly EarlierApply[];
  /** Whether the file holds currentBalanceDelta cells: applied again (--again, or a dry run), it adds again. */
  readonly delta: boolean;
  /** The approval of the saved plan being sent (`apply --plan`) that counts, or null when none does; undefined for any other run. */
  readonly approval: ApprovalSeen | null | undefined;
}

/** The ledger's part in one session: the run recorded as it starts, completed as it ends. */
export interface SessionLedger {
  begin(): Promise<void>;
  end(summary: Summary<unknown>): Promise<void>;
}

/** A run over a file, as the ledger checks it. */
export interface FileRunFacts {
  readonly mode: RunMode;
  readonly target: string | undefined;
  readonly sha256: string;
  /** Whether the file holds a currentBalanceDelta column: sent twice, it adds twice. */
  readonly delta: boolean;
  /** Where the command was typed: the resume it may suggest is said from there. */
  readonly cwd: string;
}

/**
 * The ledger's word before a run over a file writes anything: a saved plan
 * already applied, or a file of deltas already applied to this instance,
 * is refused (unless `--again`); a saved plan's approval is found and held to
 * `--require-approved-plan`. Made again under the ledger's lock as the run
 * is recorded (see `refuseRepeat`).
 */
export async function checkFileRun(ledger: RunLedger, options: LedgerOptions, run: FileRunFacts): Promise<OnRecord> {
  const state = await ledger.lookup(keysOf(run));
  refuseRepeat(ledger, state, run, options.again);
  const appliedBefore = appliesOf(ledger, state, run).map((record) => ({
    id: record.id,
    startedAt: record.startedAt,
    updated: record.counts?.updated ?? null,
  }));
  const approval = run.mode.kind === 'apply-plan' ? ((await checkApproval(ledger, state, run.mode.plan, options)) ?? null) : undefined;
  return { appliedBefore, approval, delta: run.delta };
}

/** What the ledger is asked about a run over a file: the runs of its content, and of the plan it sends. */
function keysOf(run: FileRunFacts): LedgerKeys {
  return { inputs: [run.sha256], plans: run.mode.kind === 'apply-plan' ? [run.mode.plan.document.id] : [] };
}

/**
 * Refuses to send what was sent already: a saved plan is spent once; a file
 * of deltas (undo.csv and correction.csv are such files) goes once to an
 * instance, whatever its name (its content counts). `--again` says why not.
 */
export function refuseRepeat(ledger: RunLedger, state: LedgerState, run: FileRunFacts, again: string | undefined): void {
  const { mode } = run;
  if (again !== undefined || (mode.kind !== 'apply' && mode.kind !== 'apply-plan')) return;
  if (mode.kind === 'apply-plan') {
    const spent = [...state.records.values()].filter(
      (record) => record.command === 'apply' && record.planId === mode.plan.document.id && mayHaveApplied(ledger, record),
    );
    const earlier = oldest(spent);
    if (earlier !== undefined)
      throw failure(LEDGER_WORDS, 'TIC-PLAN-ALREADY-APPLIED', {
        code: mode.plan.document.id.slice(0, 8),
        earlier: said(ledger, earlier),
        resume: resumeOf(ledger, earlier, run.cwd),
      });
  }
  if (!run.delta) return;
  const applied = appliesOf(ledger, state, run);
  const earlier = oldest(applied);
  if (earlier !== undefined) {
    throw failure(LEDGER_WORDS, 'TIC-DELTA-ALREADY-APPLIED', {
      sha256: run.sha256,
      target: run.target ?? '',
      earlier: said(ledger, earlier),
      more: applied.length - 1,
      resume: resumeOf(ledger, earlier, run.cwd),
    });
  }
}

/** The applies of the run's content to its instance that sent, or may have sent, something. */
function appliesOf(ledger: RunLedger, state: LedgerState, run: FileRunFacts): LedgerRecord[] {
  return [...state.records.values()].filter(
    (record) => record.command === 'apply' && record.instance === (run.target ?? null) && record.input?.sha256 === run.sha256 && mayHaveApplied(ledger, record),
  );
}

/**
 * Whether a recorded apply changed anything, or may have: rows updated (or
 * uncertain); or, not ended: under way in a live process (still reading,
 * planning or asking, it may send at any moment), or killed having handed
 * rows to the API as its sent.log journals them, or its folder no longer
 * there to say.
 */
function mayHaveApplied(ledger: RunLedger, record: LedgerRecord): boolean {
  if (record.status === 'running') {
    if (ledger.statusOf(record) === 'running') return true;
    const sent = join(ledger.folderOf(record), SENT_FILE);
    return !existsSync(ledger.folderOf(record)) || (existsSync(sent) && statSync(sent).size > 0);
  }
  return (record.counts?.updated ?? 0) > 0 || (record.counts?.uncertain ?? 0) > 0;
}

function oldest(records: readonly LedgerRecord[]): LedgerRecord | undefined {
  return [...records].sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1))[0];
}

/** An earlier run as a refusal names it: its id, its date and what it sent. */
function said(ledger: RunLedger, record: LedgerRecord): EarlierRun {
  if (record.status === 'running') {
    const sent = ledger.statusOf(record) === 'running' ? 'running now, in another process' : 'it never recorded its end, and may have sent rows';
    return { id: record.id, when: displayTime(record.startedAt), sent };
  }
  const updated = record.counts?.updated ?? 0;
  const net = record.balance?.net;
  const credits = net === undefined || net === null ? '' : `, net ${Number(net) > 0 ? '+' : ''}${Number(net).toLocaleString('en-US')} credits`;
  return { id: record.id, when: displayTime(record.startedAt), sent: `${updated} row${updated === 1 ? '' : 's'} updated${credits}, ${record.status}` };
}

/** The command that finishes an earlier run that did not end, said from `cwd`. */
function resumeOf(ledger: RunLedger, record: LedgerRecord, cwd: string): string | undefined {
  // A run under way is finished by its own process, not resumed.
  if (record.status === 'completed' || record.status === 'refused' || ledger.statusOf(record) === 'running') return undefined;
  return `ti-credits apply --resume ${relative(cwd, ledger.folderOf(record)) || '.'}`;
}

/** What every new record starts with: who runs it, and that it has not ended. */
export function newRecord(
  ledger: RunLedger,
  folder: string,
  facts: Pick<LedgerRecord, 'command' | 'instance' | 'keyKind' | 'input' | 'planId' | 'startedAt'> & Partial<LedgerRecord>,
): LedgerRecord {
  const id = facts.id ?? ledger.idOf(folder);
  return {
    approvedBy: null,
    approval: null,
    again: null,
    selfApproved: null,
    ...facts,
    id,
    folder: ledger.idOf(folder),
    status: 'running',
    operator: userInfo().username,
    finishedAt: null,
    sessions: 1,
    counts: null,
    requests: null,
    balance: null,
  };
}

/**
 * A session recorded in the ledger: `start` appended as it begins (after
 * `check`, under the ledger's lock), its end as it ends; the folder keeps
 * its own copy of the record (ledger-record.json), for a rebuild.
 */
export function recordedSession(ledger: RunLedger, folder: string, start: LedgerRecord, guard?: LedgerGuard): SessionLedger {
  let record = start;
  return {
    async begin() {
      await ledger.start(record, guard);
      await writeFolderRecord(folder, record);
    },
    end: async (summary) => {
      record = await ended(ledger, folder, record, summary);
    },
  };
}

/** A resumed run's session: the run's record taken up again (or, unknown to this ledger, recorded from its folder). */
export function resumedSession(ledger: RunLedger, folder: string, command: LedgerCommand, at: Date): SessionLedger {
  const id = ledger.idOf(folder);
  let record: LedgerRecord | undefined;
  return {
    async begin() {
      const inLedger = (await ledger.lookup({ ids: [id] })).records.get(id);
      const known = inLedger ?? (await recordsFromFolder(folder, id)).find((kept) => kept.command === command);
      if (known === undefined) return;
      record = { ...known, status: 'running', finishedAt: null, sessions: known.sessions + 1 };
      if (inLedger === undefined) await ledger.start(record);
      else await ledger.resume(id, at.toISOString());
      await writeFolderRecord(folder, record);
    },
    end: async (summary) => {
      if (record !== undefined) record = await ended(ledger, folder, record, summary);
    },
  };
}

async function ended(ledger: RunLedger, folder: string, record: LedgerRecord, summary: Summary<unknown>): Promise<LedgerRecord> {
  const end = await endOf(folder, record.command, summary);
  await ledger.end(record.id, end);
  const done = { ...record, ...end };
  await writeFolderRecord(folder, done);
  return done;
}

/** The ledger's part in a run over a file, once checked. */
export interface FileRunLedger {
  readonly onRecord: OnRecord;
  /** The input's SHA-256 and size, read once for the check and for run.json; undefined for a resume, which checks its own. */
  readonly fingerprint: { readonly size: number; readonly sha256: string } | undefined;
  /** The session's record, for a run the ledger keeps (apply, plan); undefined for a dry run. */
  session(folder: string, startedAt: Date): SessionLedger | undefined;
  /** Whether the run was refused as it was being recorded (a run of the same file recorded meanwhile): its new folder holds nothing. */
  readonly refusedAtStart: boolean;
}

/**
 * The ledger's word on a run over a file before anything is written (see
 * checkFileRun), and how its session is recorded; undefined for a run the
 * ledger does not see (validate, or no ledger kept).
 */
export async function fileRunLedger(mode: RunMode, options: RunOptions, inputPath: string, delta: boolean, cwd: string): Promise<FileRunLedger | undefined> {
  const settings = options.ledger;
  if (settings === undefined || mode.kind === 'validate') return undefined;
  const ledger = new RunLedger(settings.root);
  // A resume is the run it continues: nothing to check, and checkResume reads the file's SHA-256 itself.
  if (mode.kind === 'resume')
    return {
      onRecord: { appliedBefore: [], approval: undefined, delta },
      fingerprint: undefined,
      refusedAtStart: false,
      session: (folder, startedAt) => resumedSession(ledger, folder, 'apply', startedAt),
    };
  const fingerprint = await fingerprintFile(inputPath);
  const target = options.send?.target.origin;
  const facts: FileRunFacts = { mode, target, sha256: fingerprint.sha256, delta, cwd };
  const onRecord = await checkFileRun(ledger, settings, facts);
  let refusedAtStart = false;
  return {
    onRecord,
    fingerprint,
    get refusedAtStart() {
      return refusedAtStart;
    },
    session(folder, startedAt) {
      if (mode.kind === 'dry-run') return undefined;
      const record = newRecord(ledger, folder, {
        command: mode.kind === 'plan' ? 'plan' : 'apply',
        instance: target ?? null,
        keyKind: options.send === undefined ? null : keyKind(options.send.target.apiKey),
        input: { path: inputPath, sha256: fingerprint.sha256, delta },
        planId: mode.kind === 'apply-plan' ? mode.plan.document.id : null,
        approvedBy: onRecord.approval?.by ?? null,
        approval: onRecord.approval ?? null,
        startedAt: startedAt.toISOString(),
        again: settings.again ?? null,
        selfApproved: mode.kind === 'apply-plan' ? (settings.selfApproved ?? null) : null,
      });
      const session = recordedSession(ledger, folder, record, { keys: keysOf(facts), check: (state) => refuseRepeat(ledger, state, facts, settings.again) });
      return {
        begin: () =>
          session.begin().catch((error: unknown) => {
            refusedAtStart = true;
            throw error;
          }),
        end: (summary) => session.end(summary),
      };
    },
  };
}

/** The session of `snapshot` or `verify` as the ledger of `root` records it; undefined when no ledger is kept. */
export function readingSession(
  root: string | undefined,
  folder: string,
  facts: { readonly command: 'snapshot' | 'rollover' | 'verify'; readonly instance: string; readonly apiKey: string; readonly startedAt: Date },
): SessionLedger | undefined {
  if (root === undefined) return undefined;
  const ledger = new RunLedger(root);
  const id = facts.command === 'verify' ? verifyId(ledger.idOf(folder)) : undefined;
  const record = newRecord(ledger, folder, {
    ...(id === undefined ? {} : { id }),
    command: facts.command,
    instance: facts.instance,
    keyKind: keyKind(facts.apiKey),
    input: null,
    planId: null,
    startedAt: facts.startedAt.toISOString(),
  });
  return recordedSession(ledger, folder, record);
}

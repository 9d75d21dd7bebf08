import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApprovalKey } from '../report/ledger/approval.js';
import { auditRows, writeAudit, type AuditFigures } from '../report/ledger/audit-export.js';
import { rebuildLedger, type Rebuilt } from '../report/ledger/rebuild.js';
import type { LedgerRecord } from '../report/ledger/record.js';
import { RunLedger } from '../report/ledger/run-ledger.js';

/** Which runs `runs` lists or exports. */
export interface RunFilter {
  /** Runs started at or after this moment. */
  readonly since?: Date | undefined;
  /** Runs started before this moment. */
  readonly until?: Date | undefined;
  /** Origins a run's instance must be one of. */
  readonly instances?: readonly string[] | undefined;
  /** The status as `runs` shows it (`unfinished` for a run killed). */
  readonly status?: string | undefined;
  /** Only these commands. */
  readonly commands?: readonly LedgerRecord['command'][] | undefined;
}

/** A record as `runs` shows it: its status as it stands, and where its folder is. */
export interface ListedRun {
  readonly record: LedgerRecord;
  readonly status: string;
  readonly folder: string;
}

export interface RunList {
  readonly root: string;
  readonly ledger: string;
  readonly runs: readonly ListedRun[];
  /** Lines of the ledger a write cut short: skipped, or recovered. */
  readonly damaged: number;
}

/** The runs of a reports root's ledger, newest first, as filtered. */
export async function listRuns(root: string, filter: RunFilter = {}): Promise<RunList> {
  const ledger = new RunLedger(root);
  const { records, damaged } = await ledger.records();
  const runs = records
    .map((record) => ({ record, status: ledger.statusOf(record), folder: ledger.folderOf(record) }))
    .filter(({ record, status }) => {
      const started = Date.parse(record.startedAt);
      if (filter.since !== undefined && !(started >= filter.since.getTime())) return false;
      if (filter.until !== undefined && !(started < filter.until.getTime())) return false;
      if (filter.instances !== undefined && !filter.instances.includes(record.instance ?? '')) return false;
      if (filter.status !== undefined && status !== filter.status) return false;
      return filter.commands === undefined || filter.commands.includes(record.command);
    });
  return { root, ledger: ledger.path, runs, damaged };
}

/** One run of the ledger, and the files its folder holds now. */
export interface ShownRun extends ListedRun {
  readonly files: readonly string[];
}

/** The run of that id (or folder name); undefined when the ledger has none, with the ids it has, to suggest one. */
export async function showRun(root: string, id: string, cwd: string): Promise<{ readonly run: ShownRun | undefined; readonly ids: readonly string[] }> {
  const { runs } = await listRuns(root);
  // Its id in the ledger; else the folder as the user names it from where they are (`--out undo1` makes the id `../undo1`); else its last name.
  const folder = resolve(cwd, id);
  const found =
    runs.find((run) => run.record.id === id) ??
    runs.find((run) => resolve(run.folder) === folder) ??
    runs.find((run) => run.record.id === id.replace(/\/+$/, '').split('/').at(-1));
  const ids = runs.map((run) => run.record.id);
  if (found === undefined) return { run: undefined, ids };
  const files = existsSync(found.folder) ? (await readdir(found.folder)).filter((name) => !name.startsWith('.')).sort() : [];
  return { run: { ...found, files }, ids };
}

export interface ExportResult extends AuditFigures {
  readonly path: string;
  /** Σ of the ledger's own net over the runs exported whose balances it knows: what the file's net ties out with. */
  readonly ledgerNet: bigint;
  /** The runs exported that never recorded their end (killed): their changes are in the file, their net not yet in the ledger. */
  readonly unfinished: readonly string[];
}

/** `runs export`: every field the applies of the period changed, one row each, from their reports. */
export async function exportRuns(root: string, filter: RunFilter, path: string): Promise<ExportResult> {
  const { runs } = await listRuns(root, { ...filter, commands: ['apply'] });
  const oldestFirst = [...runs].reverse();
  const figures = await writeAudit(path, auditRows(oldestFirst.map(({ record, folder }) => ({ record, folder }))));
  const ledgerNet = oldestFirst.reduce((sum, { record }) => (record.balance === null ? sum : sum + BigInt(record.balance.net)), 0n);
  const unfinished = oldestFirst.filter(({ record }) => record.status === 'running' && record.balance === null).map(({ record }) => record.id);
  return { ...figures, path, ledgerNet, unfinished };
}

/** `runs --rebuild`: the ledger made again from the run folders. */
export function rebuildRuns(root: string, key: ApprovalKey | undefined): Promise<Rebuilt> {
  return rebuildLedger(new RunLedger(root), key);
}

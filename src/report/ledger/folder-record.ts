import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseAsync } from 'csv-parse';
import { DELTA_COLUMN } from '../../core/columns.js';
import { writeJsonAtomically } from '../atomic-file.js';
import { PLAN_JSON, type PlanDocument } from '../plan-document.js';
import { updatedRows } from '../report-rows.js';
import { REPORT_FILE } from '../report-writer.js';
import { RUN_FILE, type RunRecord } from '../run-record.js';
import { SUMMARY_FILE, type Summary } from '../summary.js';
import { credits, type BalanceFigures, type LedgerCommand, type LedgerRecord, type RecordEnd } from './record.js';

/** Each run folder keeps its own ledger records, beside the files they describe: a lost ledger is rebuilt from them. */
export const FOLDER_RECORD_FILE = 'ledger-record.json';
export const VERIFY_SUMMARY_FILE = 'verify.json';

/** The id of the verify of the run in `folder` (the run's own id). */
export function verifyId(runId: string): string {
  return `${runId}#verify`;
}

/** The records a run folder keeps (its run's, its verify's), by id. */
export async function readFolderRecords(folder: string): Promise<LedgerRecord[]> {
  try {
    const parsed = JSON.parse(await readFile(join(folder, FOLDER_RECORD_FILE), 'utf8')) as { records?: unknown };
    return Array.isArray(parsed.records) ? (parsed.records as LedgerRecord[]).filter((record) => typeof record?.id === 'string') : [];
  } catch {
    return [];
  }
}

/** Keeps `record` in its folder, in place of the one of the same id; written whole or not at all. */
export async function writeFolderRecord(folder: string, record: LedgerRecord): Promise<void> {
  const others = (await readFolderRecords(folder)).filter((kept) => kept.id !== record.id);
  await writeJsonAtomically(join(folder, FOLDER_RECORD_FILE), { records: [...others, record] });
}

/**
 * What a run's end adds to its record, from its folder: its summary's
 * status and counts and, for the balances, what its files say: an apply's
 * report.csv (Σ of the baselines and of the balances sent, over the rows
 * updated: what the run did, not what it planned), a plan's plan.json. The
 * same for a run that has just ended and for one rebuilt from its folder.
 */
export async function endOf(folder: string, command: LedgerCommand, summary: Summary<unknown>): Promise<RecordEnd> {
  const plan = command === 'plan' ? await readJson<PlanDocument>(join(folder, PLAN_JSON)) : undefined;
  return {
    ...(command === 'plan' ? { planId: plan?.id ?? null } : {}),
    status: summary.status,
    finishedAt: summary.status === 'running' ? null : summary.finishedAt,
    counts: { ...summary.rows },
    requests: summary.requests.sent,
    balance: await balanceOf(folder, command, summary, plan),
  };
}

async function balanceOf(folder: string, command: LedgerCommand, summary: Summary<unknown>, plan: PlanDocument | undefined): Promise<BalanceFigures | null> {
  if (command === 'plan') {
    const balance = plan?.totals.balance;
    return balance === undefined ? null : figures(BigInt(balance.before), BigInt(balance.after), BigInt(balance.added), BigInt(balance.removed));
  }
  // A blind run read nothing before it wrote: what the balances were is not known.
  if (command !== 'apply' || (summary.options as { blind?: boolean }).blind !== false) return null;
  let before = 0n;
  let after = 0n;
  let added = 0n;
  let removed = 0n;
  if ((summary.rows.updated ?? 0) > 0) {
    for await (const row of updatedRows(folder)) {
      const sent = row.written.currentBalance;
      const was = row.baseline.currentBalance;
      if (sent === undefined || was === undefined) continue;
      before += BigInt(was);
      after += BigInt(sent);
      if (sent > was) added += BigInt(sent - was);
      else removed += BigInt(was - sent);
    }
  }
  return figures(before, after, added, removed);
}

function figures(before: bigint, after: bigint, added: bigint, removed: bigint): BalanceFigures {
  return { before: credits(before), after: credits(after), net: credits(after - before), added: credits(added), removed: credits(removed) };
}

/**
 * The records of a run folder, for a rebuilt ledger: those it keeps
 * (ledger-record.json), their end taken from its summary when the ledger
 * never heard it; or, for a folder from before the ledger, what its files
 * say (run.json, plan.json, summary.json, verify.json, report.csv), the
 * operator then unknown. A folder of `validate` or a dry run is no run the
 * ledger records.
 */
export async function recordsFromFolder(folder: string, id: string): Promise<LedgerRecord[]> {
  const kept = await readFolderRecords(folder);
  const records = kept.length > 0 ? kept : await derived(folder, id);
  return Promise.all(
    records.map(async (record) => {
      if (record.status !== 'running') return record;
      const summary = await readJson<Summary>(join(folder, record.command === 'verify' ? VERIFY_SUMMARY_FILE : SUMMARY_FILE));
      return summary === undefined || summary.status === 'running' ? record : { ...record, ...(await endOf(folder, record.command, summary)) };
    }),
  );
}

async function derived(folder: string, id: string): Promise<LedgerRecord[]> {
  const summary = await readJson<Summary>(join(folder, SUMMARY_FILE));
  const run = await readJson<RunRecord>(join(folder, RUN_FILE));
  const plan = await readJson<PlanDocument>(join(folder, PLAN_JSON));
  const base = {
    id,
    folder: id,
    approvedBy: null,
    approval: null,
    sessions: 1,
    again: null,
    selfApproved: null,
    status: 'running',
    finishedAt: null,
    counts: null,
    requests: null,
    balance: null,
  };
  const records: LedgerRecord[] = [];
  if (plan !== undefined) {
    const delta = plan.rows.some((row) => row.changes.some((change) => change.delta !== null));
    records.push({
      ...base,
      command: 'plan',
      instance: plan.target,
      keyKind: plan.keyKind,
      operator: plan.madeBy,
      input: { path: summary?.input ?? plan.input.name, sha256: plan.input.sha256, delta },
      planId: plan.id,
      startedAt: plan.madeAt,
    });
  } else if (run?.command === 'apply') {
    records.push({
      ...base,
      command: 'apply',
      instance: run.target,
      keyKind: run.options.keyKind ?? null,
      operator: null,
      input: { path: run.input.path, sha256: run.input.sha256, delta: await reportHasDelta(folder) },
      planId: run.options.planId ?? null,
      startedAt: run.startedAt,
    });
  } else if (summary?.command === 'snapshot' || summary?.command === 'rollover') {
    records.push({
      ...base,
      command: summary.command,
      instance: summary.target,
      keyKind: summary.options.keyKind ?? null,
      operator: null,
      input: null,
      planId: null,
      startedAt: summary.startedAt,
    });
  }
  const verify = await readJson<Summary>(join(folder, VERIFY_SUMMARY_FILE));
  if (verify !== undefined && records[0]?.command === 'apply') {
    records.push({
      ...base,
      id: verifyId(id),
      command: 'verify',
      instance: verify.target,
      keyKind: verify.options.keyKind ?? null,
      operator: null,
      input: null,
      planId: null,
      startedAt: verify.startedAt,
    });
  }
  return records;
}

/** Whether the input of a run had a currentBalanceDelta column: report.csv carries the input's columns. */
async function reportHasDelta(folder: string): Promise<boolean> {
  const path = join(folder, REPORT_FILE);
  if (!existsSync(path)) return false;
  for await (const header of createReadStream(path).pipe(parseAsync({ bom: true, to_line: 1, relax_column_count: true })) as AsyncIterable<string[]>) {
    return header.some((name) => name.trim().toLowerCase() === DELTA_COLUMN.toLowerCase());
  }
  return false;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

import { userInfo } from 'node:os';
import type { ReportDocument } from '../report/plan-document.js';
import { readProblemRows } from '../report/report-rows.js';
import { RunFolder } from '../report/run-folder.js';
import type { Summary } from '../report/summary.js';
import type { Plan } from './plan.js';
import type { VerifiedRow } from './verify.js';

/** A batch's name and its client's, as the run read them, by the batch's id; undefined for a batch it did not read. */
export type BatchNames = (id: string) => { readonly name: string | undefined; readonly clientName: string | undefined } | undefined;

/**
 * report.html of a finished `apply`: its summary, every row not updated (read
 * back from report.csv), the balances its plan moved, the saved plan it sent,
 * and what `verify` found when it ran, each row named as the run read its
 * batch (`names`). Written when the run ends, and again once it is verified.
 */
export async function writeRunReport(
  folder: RunFolder,
  summary: Summary<unknown>,
  plan: Plan | undefined,
  verified?: readonly VerifiedRow[],
  names?: BatchNames,
): Promise<void> {
  const named = (id: string): { name?: string | null; clientName?: string | null } => {
    const found = names?.(id);
    return found === undefined ? {} : { name: found.name ?? null, clientName: found.clientName ?? null };
  };
  const balance = plan?.changes?.balance;
  const holds = verified?.filter((row) => row.result === 'holds').length ?? 0;
  const document: ReportDocument = {
    version: 1,
    target: summary.target,
    madeBy: userInfo().username,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    status: summary.status,
    planId: plan?.saved ?? null,
    approval: plan?.onRecord?.approval ?? null,
    rows: { ...summary.rows },
    requests: { sent: summary.requests.sent, retries: summary.requests.retries, throttled: summary.requests.throttled },
    balance:
      balance === undefined ? null : { before: balance.before.toString(), after: balance.after.toString(), net: (balance.after - balance.before).toString() },
    problems: (await readProblemRows(folder.path)).map((row) => ({ ...row, ...named(row.id) })),
    verify:
      verified === undefined
        ? null
        : {
            holds,
            changed: verified.length - holds,
            rows: verified.map(({ line, id, result, written, live }) => ({ line, id, ...named(id), result, written, live })),
          },
  };
  await folder.writeReportHtml(document);
}

/** report.html of a finished run written again, in the run's folder, once `verify` has checked it. */
export async function rewriteRunReport(
  run: { readonly folder: string; readonly summary: Summary<unknown>; readonly plan: Plan | undefined; readonly names?: BatchNames | undefined },
  verified: readonly VerifiedRow[],
): Promise<void> {
  const folder = await RunFolder.reopen(run.folder, new Date());
  await folder.hold(() => writeRunReport(folder, run.summary, run.plan, verified, run.names));
}

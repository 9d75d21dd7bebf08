import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFolderApprovals, signatureHolds, type Approval, type ApprovalKey } from './approval.js';
import { recordsFromFolder } from './folder-record.js';
import { recordsOf, type LedgerRecord } from './record.js';
import type { RunLedger } from './run-ledger.js';

/** What a rebuild found. */
export interface Rebuilt {
  readonly records: number;
  /** Records kept from the ledger as it was: runs whose folders are not under the reports root (--out elsewhere, deleted). */
  readonly kept: number;
  readonly approvals: number;
}

/**
 * The ledger made again from the run folders under the reports root, which
 * stay the source of truth: each folder's own records (or, for a folder from
 * before the ledger, what its files say). What no folder under the root can
 * say is kept from the ledger as it was: runs written elsewhere, and the
 * approvals. A plan folder's approval.json adds an approval only when the
 * team key confirms its signature: an unsigned approval is trusted from the
 * ledger alone, since anyone who can edit the folder could have written it.
 */
export async function rebuildLedger(ledger: RunLedger, key: ApprovalKey | undefined): Promise<Rebuilt> {
  const { state } = await ledger.read();
  const fromFolders: LedgerRecord[] = [];
  const approvals: Approval[] = [...state.approvals.values()].flat();
  const known = new Set(approvals.map(approvalKey));
  const entries = existsSync(ledger.root) ? await readdir(ledger.root, { withFileTypes: true }) : [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory()) continue;
    const folder = join(ledger.root, entry.name);
    fromFolders.push(...(await recordsFromFolder(folder, ledger.idOf(folder))));
    if (key === undefined) continue;
    for (const approval of await readFolderApprovals(folder)) {
      if (!known.has(approvalKey(approval)) && signatureHolds(approval, key)) {
        known.add(approvalKey(approval));
        approvals.push(approval);
      }
    }
  }
  const found = new Set(fromFolders.map((record) => record.id));
  const kept = recordsOf(state).filter((record) => !found.has(record.id) && !existsSync(ledger.folderOf(record)));
  const scanned = [...fromFolders, ...kept];
  // The folders were read without the ledger's lock (a scan may take longer than any hold of it): what another process
  // recorded meanwhile (a run started, ended, approved) is newer than the scan, and stands over what the scan made of it.
  const asRead = new Map([...state.records.values()].map((record) => [record.id, JSON.stringify(record)]));
  let result: Rebuilt = { records: 0, kept: kept.length, approvals: 0 };
  await ledger.replace((current) => {
    const since = [...current.records.values()].filter((record) => asRead.get(record.id) !== JSON.stringify(record));
    const newer = new Set(since.map((record) => record.id));
    const records = [...scanned.filter((record) => !newer.has(record.id)), ...since].sort((a, b) =>
      a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1,
    );
    const approvedSince = [...current.approvals.values()].flat().filter((approval) => !known.has(approvalKey(approval)));
    const all = [...approvals, ...approvedSince];
    result = { records: records.length, kept: kept.length, approvals: all.length };
    return { records, approvals: all };
  });
  return result;
}

function approvalKey(approval: Approval): string {
  return `${approval.planId} ${approval.osUser} ${approval.at}`;
}

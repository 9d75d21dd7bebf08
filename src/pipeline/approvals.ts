import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { failure } from '../core/words.js';
import { LEDGER_WORDS } from '../core/words/ledger.js';
import { addFolderApproval, readFolderApprovals, signApproval, signatureHolds, type Approval, type ApprovalKey } from '../report/ledger/approval.js';
import { approvalSeen, type ApprovalSeen, type LedgerState } from '../report/ledger/record.js';
import { RunLedger } from '../report/ledger/run-ledger.js';
import { readPlanDocument, type PlanDocument } from '../report/plan-document.js';
import { renderPlanHtml } from '../report/plan-html.js';
import type { SavedPlan } from './mode.js';
import type { LedgerOptions } from './run-options.js';

/**
 * The approval of a saved plan about to be sent, as it counts: one that
 * names this exact plan id and its target, found in the ledger (outside the
 * plan folder, which anyone sending it can edit), or, where the team sets an
 * approval key, found anywhere with a signature that key confirms. Under
 * `--require-approved-plan` there must be one, by an OS user other than the
 * one applying (unless `--self-approved`); otherwise it is only shown.
 */
export async function checkApproval(ledger: RunLedger, state: LedgerState, plan: SavedPlan, options: LedgerOptions): Promise<ApprovalSeen | undefined> {
  const { id, target } = plan.document;
  const key = options.approvalKey;
  const inLedger = (state.approvals.get(id) ?? []).filter((approval) => approval.target === target);
  const inFolder = await readFolderApprovals(plan.folder);
  const candidates = key === undefined ? inLedger : [...inLedger, ...inFolder.filter((approval) => approval.planId === id && approval.target === target)];
  const valid = key === undefined ? inLedger : candidates.filter((approval) => signatureHolds(approval, key));
  const me = userInfo().username;
  const chosen = valid.filter((approval) => approval.osUser !== me).at(-1) ?? valid.at(-1);
  const seen = chosen === undefined ? undefined : approvalSeen(chosen, key === undefined ? null : key.kind);
  if (!options.requireApproval) return seen;
  const code = id.slice(0, 8);
  if (chosen === undefined) {
    if (key !== undefined && candidates.length > 0) {
      const why = candidates.every((approval) => approval.signature === null)
        ? 'is not signed, and the team sets an approval key'
        : 'has a signature the team approval key does not confirm: the approval or the plan was changed since it was signed, or another key signed it';
      throw failure(LEDGER_WORDS, 'TIC-APPROVAL-SIGNATURE', { code, why });
    }
    throw failure(LEDGER_WORDS, 'TIC-PLAN-NOT-APPROVED', { code, folder: plan.folder, elsewhere: whyNone(ledger, inFolder, id, key) });
  }
  if (chosen.osUser === me && options.selfApproved === undefined) throw failure(LEDGER_WORDS, 'TIC-APPROVAL-SAME-USER', { code, user: me, by: chosen.by });
  return seen;
}

/** What the plan folder's approval.json says that does not count, in words (or nothing). */
function whyNone(ledger: RunLedger, inFolder: readonly Approval[], id: string, key: ApprovalKey | undefined): string {
  const other = inFolder.find((approval) => approval.planId !== id);
  if (other !== undefined)
    return ` (approval.json in the plan folder approves the plan ${other.planId.slice(0, 8)}, not this one: the folder was changed since it was approved)`;
  if (inFolder.length > 0 && key === undefined)
    return ` in the run ledger of ${ledger.root} (approval.json in the plan folder does not count alone: with no team approval key, an approval counts only from the ledger, outside the folder anyone sending the plan can edit)`;
  return '';
}

export interface ApproveOptions {
  readonly folder: string;
  /** The approver's name, as given to --as. */
  readonly by: string;
  readonly root: string;
  readonly key: ApprovalKey | undefined;
  readonly now: Date;
}

export interface Approved {
  readonly plan: PlanDocument;
  readonly approval: Approval;
  readonly ledger: string;
}

/**
 * `approve`: the plan folder proved to be the plan that was made, then its
 * approval recorded (signed with the team key, if set) in the run ledger and
 * in the plan folder's approval.json, and plan.html written again to show it.
 */
export async function approvePlan(options: ApproveOptions): Promise<Approved> {
  const plan = await readPlanDocument(options.folder);
  const { key } = options;
  if (key?.kind === 'ed25519' && key.privateKey === undefined) throw failure(LEDGER_WORDS, 'TIC-APPROVAL-NO-SIGNING-KEY', {});
  const ledger = new RunLedger(options.root);
  const approval = signApproval(
    {
      planId: plan.id,
      target: plan.target,
      by: options.by,
      osUser: userInfo().username,
      at: options.now.toISOString(),
      planFolder: ledger.idOf(options.folder),
    },
    key,
  );
  await ledger.approve(approval);
  await addFolderApproval(options.folder, approval);
  await writeFile(join(options.folder, 'plan.html'), renderPlanHtml(plan, approvalSeen(approval, approval.signature?.alg ?? null)));
  return { plan, approval, ledger: ledger.path };
}

import { displayTime, escapeHtml as e } from '../html-page.js';
import type { ApprovalSeen } from './record.js';

const SIGNED: Readonly<Record<NonNullable<ApprovalSeen['signed']>, string>> = {
  'hmac-sha256': 'signed with the team key (HMAC-SHA-256)',
  ed25519: 'signed with the team key (Ed25519)',
};

/**
 * The approval a page shows: who approved, as which OS user, when, and the
 * plan's short code (the first 8 hex digits of its id, to read aloud); or
 * plainly that there is none.
 */
export function approvalHtml(approval: ApprovalSeen | undefined, planId: string | null, page: 'plan' | 'report'): string {
  if (approval === undefined) {
    const none =
      planId === null
        ? 'No approval: sent from the file as given, not from a saved plan.'
        : page === 'plan'
          ? `No approval on record for this plan (short code ${planId.slice(0, 8)}). ti-credits approve records one.`
          : `No approval on record for the plan sent (short code ${planId.slice(0, 8)}).`;
    return `<h2>Approval</h2>\n  <p class="badge warn" data-testid="approval-none">${e(none)}</p>`;
  }
  return `<h2>Approval</h2>
  <dl class="facts" data-testid="approval">
    <dt>Approved by</dt><dd data-testid="approved-by">${e(approval.by)} <span class="muted">(OS user ${e(approval.osUser)})</span></dd>
    <dt>Approved at</dt><dd><time data-testid="approved-at" datetime="${e(approval.at)}">${e(displayTime(approval.at))}</time></dd>
    <dt>Short code</dt><dd class="code" data-testid="approval-code">${e(approval.code)}</dd>
    <dt>Signature</dt><dd>${e(approval.signed === null ? 'not signed (the team sets no approval key)' : SIGNED[approval.signed])}</dd>
  </dl>`;
}

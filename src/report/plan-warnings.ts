import { escapeHtml as e, groupDigits, plural } from './html-page.js';
import type { PlanDocument, PlanRow } from './plan-document.js';

/**
 * The warnings of plan.html: every one the terminal plan shows, each with
 * its rows, so that whoever approves the plan from the page alone sees what
 * the person who made it saw. The list is written out here, from the plan's
 * totals, so that it reads (and prints) with scripts off; the page script
 * draws each warning's rows and checks their count against the total.
 */

/** Why a run-wide guardrail refuses this plan, in words; none when it is within them. */
function guardrailBreaches(plan: Omit<PlanDocument, 'rows'>): string[] {
  const limits = plan.options.limits;
  if (limits === undefined) return [];
  const { totals } = plan;
  const moved = BigInt(totals.balance.added) + BigInt(totals.balance.removed);
  return [
    limits.maxRows !== null && totals.changing > limits.maxRows ? `it sends ${plural(totals.changing, 'row')}, more than --max-rows allows (${groupDigits(limits.maxRows)})` : '',
    limits.maxTotalChange !== null && moved > BigInt(limits.maxTotalChange) ? `its balance changes add up to ${groupDigits(moved.toString())} credits, more than --max-total-change allows (${groupDigits(limits.maxTotalChange)})` : '',
  ].filter((breach) => breach !== '');
}

/** A row refused by a per-row guardrail says so in its problem, naming the flag. */
const PER_ROW_GUARDRAIL = /--max-(balance-change|expiry-move)\b/;

function item(key: string, count: number, words: string, table: boolean): string {
  return `<li class="warning" data-testid="warning-${key}" data-count="${count}"><strong>${e(plural(count, 'row'))}</strong> ${e(words)}${table ? `<div id="warn-${key}-table"></div>` : ''}</li>`;
}

/** Whether a row is refused by a per-row guardrail. */
export function pastRowGuardrail(row: PlanRow): boolean {
  return row.state === 'invalid' && PER_ROW_GUARDRAIL.test(row.problem ?? '');
}

/** How many rows a per-row guardrail refuses. */
export function guardrailRows(rows: readonly PlanRow[]): number {
  return rows.filter(pastRowGuardrail).length;
}

/**
 * The warnings section: its list, from the totals and the count of rows past
 * a per-row guardrail (counted by whoever holds the rows: a plan written a
 * row at a time never holds them whole); each list item the page script adds rows to.
 */
export function warningsSection(plan: Omit<PlanDocument, 'rows'>, perRow: number): string {
  const { totals } = plan;
  const items: string[] = [];
  const breaches = guardrailBreaches(plan);
  for (const breach of breaches) items.push(`<li class="warning bad" data-testid="warning-guardrail-run"><strong>Over a guardrail:</strong> ${e(breach)}; <code>apply --plan</code> refuses to send it.</li>`);
  for (const run of plan.appliedBefore ?? []) {
    const updated = run.updated === null ? '' : `, ${e(plural(run.updated, 'row'))} updated`;
    items.push(`<li class="warning bad" data-testid="warning-applied"><strong>Already applied:</strong> this file was sent before, by run <span class="code">${e(run.run)}</span> (started ${e(run.startedAt)}${updated}); sending it again sends its changes again.</li>`);
  }
  if ((totals.belowAllocated ?? 0) > 0) items.push(item('below-allocated', totals.belowAllocated ?? 0, 'end below the credits already allocated from their batch.', true));
  if (totals.expiry.earlier > 0) items.push(item('earlier', totals.expiry.earlier, 'move an expiry earlier: their credits expire sooner.', true));
  if ((totals.revived ?? 0) > 0) items.push(item('revived', totals.revived ?? 0, 'move the expiry of a batch whose status is not active later, making its credits usable again.', true));
  if (totals.drifted > 0) items.push(`${item('drifted', totals.drifted, 'drifted: their batch changed since the file was prepared, and they are not sent (listed below, under Drifted).', false)}`);
  if (perRow > 0) items.push(item('guardrail-rows', perRow, 'go beyond a per-row guardrail and are never sent.', true));
  return `<section id="warnings" class="summary" aria-label="Warnings" data-testid="warnings">
  <h2>Warnings</h2>
  ${items.length === 0 ? '<p class="muted" data-testid="no-warnings">None: no row ends below its allocated credits, moves an expiry earlier or revives a batch, none drifted, and the plan is within its guardrails.</p>' : `<ul class="warnings">\n    ${items.join('\n    ')}\n  </ul>`}
</section>`;
}

/** The warnings' part of the page script: which rows each warning holds, the checks of their counts, their tables. */
export const WARNINGS_SCRIPT = String.raw`
const PER_ROW_GUARDRAIL = /--max-(balance-change|expiry-move)\b/;

/** The rows of each warning, from the rows of the plan as the tables show them. */
function warningRows(rows) {
  const changing = rows.filter((row) => row.state === 'change');
  const later = (row) => row.expiresAfter !== null && Date.parse(row.expiresAfter) > Date.parse(row.expiresBefore);
  return {
    'below-allocated': changing.filter((row) => row.allocated !== null && row.balanceAfter !== null && row.balanceAfter < row.allocated),
    earlier: changing.filter((row) => row.expiresAfter !== null && Date.parse(row.expiresAfter) < Date.parse(row.expiresBefore)),
    revived: changing.filter((row) => row.status !== null && String(row.status).toLowerCase() !== 'active' && later(row)),
    'guardrail-rows': rows.filter((row) => row.state === 'invalid' && PER_ROW_GUARDRAIL.test(row.problem || '')),
  };
}

/** Each warning's count, as the plan states it, against its rows counted here. */
function warningChecks(plan, rows) {
  const found = warningRows(rows);
  const checks = [sameCheck('Rows moving an expiry earlier, listed', plan.totals.expiry.earlier, found.earlier.length)];
  if (plan.totals.belowAllocated !== undefined) checks.push(sameCheck('Rows ending below their allocated credits, listed', plan.totals.belowAllocated, found['below-allocated'].length));
  if (plan.totals.revived !== undefined) checks.push(sameCheck('Rows reviving a batch not active, listed', plan.totals.revived, found.revived.length));
  return checks;
}

function drawWarnings(rows, byLine) {
  const found = warningRows(rows);
  const columns = {
    'below-allocated': [
      { key: 'allocated', label: 'Allocated', kind: 'number', value: (row) => row.allocated, cell: (row) => grouped(row.allocated) },
      { key: 'balance-before', label: 'Balance', kind: 'number', value: (row) => row.balanceBefore, cell: (row) => grouped(row.balanceBefore) },
      { key: 'balance-after', label: 'New balance', kind: 'number', className: 'after', value: (row) => row.balanceAfter, cell: (row) => grouped(row.balanceAfter) },
    ],
    earlier: [
      { key: 'expires-before', label: 'Expires (UTC)', kind: 'code', value: (row) => row.expiresBefore, cell: (row) => stamp(row.expiresBefore) },
      { key: 'expires-after', label: 'New expiry (UTC)', kind: 'code', className: 'after', value: (row) => row.expiresAfter, cell: (row) => stamp(row.expiresAfter) },
      { key: 'moved', label: 'Moved', kind: 'number', value: (row) => row.moved, cell: (row) => row.movedText },
    ],
    revived: [
      { key: 'status', label: 'Status', kind: 'code', value: (row) => row.status },
      { key: 'expires-before', label: 'Expires (UTC)', kind: 'code', value: (row) => row.expiresBefore, cell: (row) => stamp(row.expiresBefore) },
      { key: 'expires-after', label: 'New expiry (UTC)', kind: 'code', className: 'after', value: (row) => row.expiresAfter, cell: (row) => stamp(row.expiresAfter) },
    ],
    'guardrail-rows': [{ key: 'problem', label: 'Why', kind: 'text', className: 'wrap', value: (row) => row.problem }],
  };
  for (const [key, extra] of Object.entries(columns)) {
    if (document.getElementById('warn-' + key + '-table') !== null) place('warn-' + key + '-table', 'warn-' + key, byLine.concat(extra), found[key], 'None.');
  }
}
`;

import type { PlanPageData } from './data.js';
import { byLine, expiryColumns, movedColumn, type RowView } from './plan-rows.js';
import { grouped, place, sameCheck, type Check, type Column } from './runtime.js';

/**
 * The warnings' part of plan.html's script: which rows each warning holds,
 * the checks of their counts, their tables. The list of warnings itself is
 * written with the page (report/plan-warnings.ts), each with a slot for its
 * table when it has rows to show.
 */

/** A row refused by a per-row guardrail says so in its problem, naming the flag. */
const PER_ROW_GUARDRAIL = /--max-(balance-change|expiry-move)\b/;

const WARNINGS = ['below-allocated', 'earlier', 'revived', 'guardrail-rows'] as const;
type Warning = (typeof WARNINGS)[number];

/** The rows of each warning, from the rows of the plan as the tables show them. */
function warningRows(rows: readonly RowView[]): Record<Warning, RowView[]> {
  const changing = rows.filter((row) => row.state === 'change');
  const later = (row: RowView): boolean => row.expiresAfter !== null && Date.parse(String(row.expiresAfter)) > Date.parse(String(row.expiresBefore));
  return {
    'below-allocated': changing.filter((row) => row.allocated !== null && row.balanceAfter !== null && Number(row.balanceAfter) < row.allocated),
    earlier: changing.filter((row) => row.expiresAfter !== null && Date.parse(String(row.expiresAfter)) < Date.parse(String(row.expiresBefore))),
    revived: changing.filter((row) => row.status !== null && String(row.status).toLowerCase() !== 'active' && later(row)),
    'guardrail-rows': rows.filter((row) => row.state === 'invalid' && PER_ROW_GUARDRAIL.test(row.problem || '')),
  };
}

/** Each warning's count, as the plan states it, against its rows counted here. */
export function warningChecks(plan: PlanPageData, rows: readonly RowView[]): Check[] {
  const found = warningRows(rows);
  const checks = [sameCheck('Rows moving an expiry earlier, listed', plan.totals.expiry.earlier, found.earlier.length)];
  if (plan.totals.belowAllocated !== undefined)
    checks.push(sameCheck('Rows ending below their allocated credits, listed', plan.totals.belowAllocated, found['below-allocated'].length));
  if (plan.totals.revived !== undefined) checks.push(sameCheck('Rows reviving a batch not active, listed', plan.totals.revived, found.revived.length));
  return checks;
}

/** Each warning's table, in the slot the page has for it. */
export function drawWarnings(rows: readonly RowView[]): void {
  const found = warningRows(rows);
  const columns: Record<Warning, readonly Column<RowView>[]> = {
    'below-allocated': [
      { key: 'allocated', label: 'Allocated', kind: 'number', value: (row) => row.allocated, cell: (row) => grouped(row.allocated) },
      { key: 'balance-before', label: 'Balance', kind: 'number', value: (row) => row.balanceBefore, cell: (row) => grouped(row.balanceBefore) },
      {
        key: 'balance-after',
        label: 'New balance',
        kind: 'number',
        className: 'after',
        value: (row) => row.balanceAfter,
        cell: (row) => grouped(row.balanceAfter),
      },
    ],
    earlier: [...expiryColumns, movedColumn],
    revived: [{ key: 'status', label: 'Status', kind: 'code', value: (row) => row.status }, ...expiryColumns],
    'guardrail-rows': [{ key: 'problem', label: 'Why', kind: 'text', className: 'wrap', value: (row) => row.problem }],
  };
  for (const key of WARNINGS) {
    if (document.getElementById('warn-' + key + '-table') !== null)
      place('warn-' + key + '-table', 'warn-' + key, [...byLine, ...columns[key]], found[key], 'None.');
  }
}

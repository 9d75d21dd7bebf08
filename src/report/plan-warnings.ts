import { escapeHtml as e, groupDigits, plural } from './html-page.js';
import type { PlanDocument, PlanRow } from './plan-document.js';

/**
 * The warnings of plan.html: every one the terminal plan shows, each with
 * its rows, so that whoever approves the plan from the page alone sees what
 * the person who made it saw. The list is written out here, from the plan's
 * totals, so that it reads (and prints) with scripts off; the page script
 * (page/plan-warnings.ts) draws each warning's rows and checks their count
 * against the total.
 */

/** Why a run-wide guardrail refuses this plan, in words; none when it is within them. */
function guardrailBreaches(plan: Omit<PlanDocument, 'rows'>): string[] {
  const limits = plan.options.limits;
  if (limits === undefined) return [];
  const { totals } = plan;
  const moved = BigInt(totals.balance.added) + BigInt(totals.balance.removed);
  return [
    limits.maxRows !== null && totals.changing > limits.maxRows
      ? `it sends ${plural(totals.changing, 'row')}, more than --max-rows allows (${groupDigits(limits.maxRows)})`
      : '',
    limits.maxTotalChange !== null && moved > BigInt(limits.maxTotalChange)
      ? `its balance changes add up to ${groupDigits(moved.toString())} credits, more than --max-total-change allows (${groupDigits(limits.maxTotalChange)})`
      : '',
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
  for (const breach of breaches)
    items.push(
      `<li class="warning bad" data-testid="warning-guardrail-run"><strong>Over a guardrail:</strong> ${e(breach)}; <code>apply --plan</code> refuses to send it.</li>`,
    );
  for (const run of plan.appliedBefore ?? []) {
    const updated = run.updated === null ? '' : `, ${e(plural(run.updated, 'row'))} updated`;
    items.push(
      `<li class="warning bad" data-testid="warning-applied"><strong>Already applied:</strong> this file was sent before, by run <span class="code">${e(run.run)}</span> (started ${e(run.startedAt)}${updated}); sending it again sends its changes again.</li>`,
    );
  }
  if ((totals.belowAllocated ?? 0) > 0)
    items.push(item('below-allocated', totals.belowAllocated ?? 0, 'end below the credits already allocated from their batch.', true));
  if (totals.expiry.earlier > 0) items.push(item('earlier', totals.expiry.earlier, 'move an expiry earlier: their credits expire sooner.', true));
  if ((totals.revived ?? 0) > 0)
    items.push(item('revived', totals.revived ?? 0, 'move the expiry of a batch whose status is not active later, making its credits usable again.', true));
  if (totals.drifted > 0)
    items.push(
      `${item('drifted', totals.drifted, 'drifted: their batch changed since the file was prepared, and they are not sent (listed below, under Drifted).', false)}`,
    );
  if (perRow > 0) items.push(item('guardrail-rows', perRow, 'go beyond a per-row guardrail and are never sent.', true));
  return `<section id="warnings" class="summary" aria-label="Warnings" data-testid="warnings">
  <h2>Warnings</h2>
  ${items.length === 0 ? '<p class="muted" data-testid="no-warnings">None: no row ends below its allocated credits, moves an expiry earlier or revives a batch, none drifted, and the plan is within its guardrails.</p>' : `<ul class="warnings">\n    ${items.join('\n    ')}\n  </ul>`}
</section>`;
}

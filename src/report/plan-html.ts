import { card, displayTime, escapeHtml as e, groupDigits, pageAround, plural, renderPage } from './html-page.js';
import { approvalHtml } from './ledger/approval-html.js';
import type { ApprovalSeen } from './ledger/record.js';
import type { PlanDocument } from './plan-document.js';
import { guardrailRows, warningsSection } from './plan-warnings.js';

/**
 * plan.html: the plan as the person who approves it reads it, from plan.json
 * alone. Its summary (who, when, against what, the plan id, the totals, the
 * guardrails) is written out here; its script checks in the reader's browser
 * that the totals tie out, from the rows themselves, and draws the tables.
 */
export function renderPlanHtml(plan: PlanDocument, approval?: ApprovalSeen): string {
  return renderPage({ title: planTitle(plan), body: planBody(plan, approval, guardrailRows(plan.rows)), page: 'plan', data: plan });
}

/**
 * plan.html around the plan's JSON, which the page embeds whole: for a plan
 * whose rows are written a piece at a time (not yet approved), with the count
 * of its rows past a per-row guardrail, counted as they are written.
 */
export function planHtmlAround(plan: Omit<PlanDocument, 'rows'>, guardrailRowCount: number): { readonly before: string; readonly after: string } {
  return pageAround({ title: planTitle(plan), body: planBody(plan, undefined, guardrailRowCount), page: 'plan' });
}

const planTitle = (plan: Omit<PlanDocument, 'rows'>): string => `Plan ${plan.id.slice(0, 12)} for ${plan.target}`;

const KEY_BADGES: Readonly<Record<PlanDocument['keyKind'], string>> = {
  live: '<span class="badge live" data-testid="key-kind">live key</span>',
  test: '<span class="badge" data-testid="key-kind">test key</span>',
  unknown: '<span class="badge warn" data-testid="key-kind">key of unknown kind</span>',
};

function planBody(plan: Omit<PlanDocument, 'rows'>, approval: ApprovalSeen | undefined, guardrailRowCount: number): string {
  const { totals } = plan;
  const { balance } = totals;
  const net = balance.net.startsWith('-') ? groupDigits(balance.net) : `+${groupDigits(balance.net)}`;
  return `
<header>
  <p class="eyebrow">ti-credits · a saved plan, for approval</p>
  <h1>Credit batch changes to approve</h1>
  <p class="lede">Made by <strong data-testid="made-by">${e(plan.madeBy)}</strong> on <time data-testid="made-at" datetime="${e(plan.madeAt)}">${e(displayTime(plan.madeAt))}</time>,
  against <strong class="code" data-testid="target">${e(plan.target)}</strong> ${KEY_BADGES[plan.keyKind]}</p>
</header>

<section class="summary" aria-label="Plan id and totals">
  <h2>Plan id</h2>
  <p class="id-box" data-testid="plan-id">${e(plan.id)}</p>
  <p class="hint"><code>ti-credits apply --plan</code> shows this id before it sends anything: approve only if it is the same, character for character.</p>
  ${approvalHtml(approval, plan.id, 'plan')}

  <div id="verdict" class="verdict pending" data-testid="tie-out" data-verdict="pending">Checking the totals…</div>
  <noscript><p class="error-banner">Scripts are off: the totals below are as written in the plan, not checked, and the tables of rows are not shown.</p></noscript>

  ${warningsSection(plan, guardrailRowCount)}

  <h2>Totals</h2>
  <div class="cards">
    ${card('Rows in the file', groupDigits(totals.rows), 'count-rows')}
    ${card('Changing (sent)', groupDigits(totals.changing), 'count-changing', 'key')}
    ${card('Unchanged', groupDigits(totals.unchanged), 'count-unchanged')}
    ${card('Drifted (not sent)', groupDigits(totals.drifted), 'count-drifted', totals.drifted > 0 ? 'attention' : '')}
    ${card('Invalid (never sent)', groupDigits(totals.invalid), 'count-invalid', totals.invalid > 0 ? 'bad' : '')}
  </div>
  <h3>Balances of the rows changing currentBalance</h3>
  <div class="cards">
    ${card('Balance before', groupDigits(balance.before), 'total-before')}
    ${card('Credits added', `+${groupDigits(balance.added)}`, 'total-added')}
    ${card('Credits removed', `-${groupDigits(balance.removed)}`, 'total-removed')}
    ${card('Net change', net, 'total-net', 'key')}
    ${card('Balance after', groupDigits(balance.after), 'total-after', 'key')}
  </div>
  <h3>The checks behind the verdict</h3>
  <ul class="checks" id="checks" data-testid="checks"></ul>
  <h3>Other fields</h3>
  <div class="cards">
    ${card('Expiry moved later', groupDigits(totals.expiry.later), 'total-expiry-later')}
    ${card('Expiry moved earlier', groupDigits(totals.expiry.earlier), 'total-expiry-earlier')}
    ${card('Renamed', groupDigits(totals.renamed), 'total-renamed')}
  </div>

  <h2>Guardrails in force</h2>
  ${guardrails(plan)}

  <h2>Made from</h2>
  <dl class="facts">
    <dt>Input</dt><dd><span class="code" data-testid="input-name">${e(plan.input.name)}</span>, ${e(groupDigits(plan.input.size))} bytes</dd>
    <dt>Input SHA-256</dt><dd class="code" data-testid="input-sha256">${e(plan.input.sha256)}</dd>
    <dt>Baseline SHA-256</dt><dd class="code">${e(plan.baselineSha256)} <span class="muted">(baseline.csv: the values each change is made from)</span></dd>
    <dt>Live values read with</dt><dd>${e(plural(totals.readRequests, 'request'))}</dd>
  </dl>
</section>

<section id="clients" class="rows" aria-label="Per client">
  <h2>Per client</h2>
  <p class="hint">The balances over each client's changing rows; “Show its changes” narrows the table below to that client.</p>
  <div id="clients-table"></div>
</section>

<section id="changes" class="rows" aria-label="Changes">
  <h2>Changes to send: ${e(plural(totals.changing, 'row'))}, old → new</h2>
  <p class="hint">Click a column's heading to sort by it, again for the other way. A <span class="tag">delta</span> balance is sent as the live balance plus the change, read just before its request.</p>
  <div id="changes-table"></div>
</section>

<section id="drifted" class="rows set-apart" aria-label="Drifted rows">
  <h2>Drifted: ${e(plural(totals.drifted, 'row'))}, not sent</h2>
  <p class="hint">Their batch moved since the file was prepared: they are sent only if it moves back by their turn.</p>
  <div id="drifted-table"></div>
</section>

<section id="invalid" class="rows set-apart bad" aria-label="Invalid rows">
  <h2>Invalid: ${e(plural(totals.invalid, 'row'))}, never sent</h2>
  <div id="invalid-table"></div>
</section>

<section id="unchanged" class="rows" aria-label="Unchanged rows">
  <h2>Unchanged: ${e(plural(totals.unchanged, 'row'))}</h2>
  <details><summary>Rows whose batch already holds every value asked (never sent)</summary><div id="unchanged-table"></div></details>
</section>

<footer>
  <p data-testid="print-note">Printing: the summary, totals, checks and guardrails print in full; each table prints only the page shown on screen, with its place (“rows 1–200 of …”) under it. plan.csv and plan.json beside this file hold every row.</p>
  <p>Written by ti-credits from plan.json. This file loads nothing from anywhere: no script, font, image or style outside it.</p>
</footer>`;
}

function guardrails(plan: Omit<PlanDocument, 'rows'>): string {
  const { options } = plan;
  const limits = options.limits;
  const limit = (flag: string, words: string, value: number | null | undefined, unit: string): string =>
    `<tr><td><code>--${flag}</code></td><td>${e(words)}</td><td class="number" data-testid="limit-${flag}">${value === null || value === undefined ? '<span class="muted">not set</span>' : e(`${groupDigits(value)} ${unit}`)}</td></tr>`;
  const setting = (flag: string, value: string): string => `<dt><code>${e(flag)}</code></dt><dd>${e(value)}</dd>`;
  return `<table class="small" data-testid="guardrails">
    <thead><tr><th>Option</th><th>Limit</th><th class="number">In force</th></tr></thead>
    <tbody>
      ${limit('max-balance-change', 'largest change of one row’s balance', limits?.maxBalanceChange, 'credits')}
      ${limit('max-total-change', 'largest sum of balance changes in the run', limits?.maxTotalChange, 'credits')}
      ${limit('max-rows', 'most rows in the run', limits?.maxRows, 'rows')}
      ${limit('max-expiry-move', 'largest move of one expiry date', limits?.maxExpiryMoveDays, 'days')}
    </tbody>
  </table>
  <dl class="facts">
    ${setting('--skip-invalid', options.skipInvalid ? 'yes: the valid rows are sent though some are invalid' : 'no: any invalid row stops the whole run')}
    ${options.blind === undefined ? '' : setting('--blind', options.blind ? 'yes: written without reading the live values first' : 'no: each batch is read before it is written')}
    ${options.maxStalenessMs === undefined || options.maxStalenessMs === null ? '' : setting('--max-staleness', `${groupDigits(Math.round(options.maxStalenessMs / 1000))} s`)}
    ${options.clients === undefined || options.clients.length === 0 ? '' : setting('--client', options.clients.join(', '))}
    ${options.ratePerMinute === undefined ? '' : setting('--rate', options.ratePerMinute === null ? 'not given: the pace follows the API’s limit' : options.ratePerMinute === 0 ? '0: the pace is left to the API' : `at most ${groupDigits(options.ratePerMinute)} requests a minute`)}
  </dl>`;
}

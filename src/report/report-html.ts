import { card, displayTime, escapeHtml as e, groupDigits, plural, renderPage } from './html-page.js';
import { approvalHtml } from './ledger/approval-html.js';
import type { ReportDocument } from './plan-document.js';

/**
 * report.html: what a finished `apply` did, for the person who approved it
 * and anyone after: the outcome of every row counted, the requests, the
 * balances, every row not updated with why, the saved plan it sent and what
 * `verify` found. Like plan.html, the summary is written here and the page's
 * script checks the figures and draws the tables.
 */
export function renderReportHtml(report: ReportDocument): string {
  return renderPage({
    title: `Run ${report.status}${report.target === null ? '' : ` on ${report.target}`}, ${displayTime(report.startedAt)}`,
    body: reportBody(report),
    page: 'report',
    data: report,
  });
}

/** The outcomes in the order a reader looks for them; any other the report holds follows. */
const OUTCOME_ORDER = ['updated', 'unchanged', 'failed', 'drifted', 'invalid', 'skipped', 'valid'];

const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  updated: 'Updated',
  unchanged: 'Unchanged (not sent)',
  failed: 'Failed',
  drifted: 'Drifted (not sent)',
  invalid: 'Invalid (never sent)',
  skipped: 'Skipped (not sent)',
  valid: 'Valid (dry run)',
};

const STATUS_BADGES: Readonly<Record<string, string>> = { completed: 'ok', refused: 'bad', stopped: 'bad', interrupted: 'warn' };

/** A wall time as people say it: `2 min 41 s`, `3 h 05 min`. */
function duration(from: string, to: string): string {
  const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')} min`;
}

/** The run's status, and when it completed with rows left not updated, how many: a run whose drifted rows were left alone is not all done. */
function statusBadge(status: string, notUpdated: number): string {
  if (status === 'completed' && notUpdated > 0)
    return `<span class="badge warn" data-testid="status">${e(`completed: ${plural(notUpdated, 'row')} not updated`)}</span>`;
  return `<span class="badge ${STATUS_BADGES[status] ?? 'warn'}" data-testid="status">${e(status)}</span>`;
}

function reportBody(report: ReportDocument): string {
  const outcomes = [
    ...OUTCOME_ORDER.filter((outcome) => outcome in report.rows),
    ...Object.keys(report.rows).filter((outcome) => outcome !== 'total' && !OUTCOME_ORDER.includes(outcome)),
  ];
  const notUpdated = (report.rows.total ?? 0) - (report.rows.updated ?? 0) - (report.rows.unchanged ?? 0);
  const took = duration(report.startedAt, report.finishedAt);
  return `
<header>
  <p class="eyebrow">ti-credits · what a run did</p>
  <h1>Credit batch run: ${statusBadge(report.status, notUpdated)}</h1>
  <p class="lede">Run by <strong data-testid="made-by">${e(report.madeBy)}</strong>, <time datetime="${e(report.startedAt)}">${e(displayTime(report.startedAt))}</time> to <time datetime="${e(report.finishedAt)}">${e(displayTime(report.finishedAt))}</time>${took === '' ? '' : ` (${e(took)})`},
  ${report.target === null ? 'sending nothing' : `against <strong class="code" data-testid="target">${e(report.target)}</strong>`}</p>
</header>

<section class="summary" aria-label="Summary">
  ${
    report.planId === null
      ? '<p class="muted" data-testid="plan-id-none">Sent from the CSV as given, not from a saved plan.</p>'
      : `<h2>Saved plan sent</h2>
  <p class="id-box" data-testid="plan-id">${e(report.planId)}</p>
  <p class="hint">The id of the plan approved (plan.html shows the same id); the run sent exactly that plan.</p>`
  }
  ${approvalHtml(report.approval ?? undefined, report.planId, 'report')}
  <div id="verdict" class="verdict pending" data-testid="tie-out" data-verdict="pending">Checking the figures…</div>
  <noscript><p class="error-banner">Scripts are off: the figures below are as written, not checked, and the tables of rows are not shown.</p></noscript>

  <h2>Rows</h2>
  <div class="cards">
    ${card('Rows in the file', groupDigits(report.rows.total ?? 0), 'count-total', 'key')}
    ${outcomes.map((outcome) => card(OUTCOME_WORDS[outcome] ?? outcome, groupDigits(report.rows[outcome] ?? 0), `count-${e(outcome)}`, outcome === 'updated' ? 'key' : outcome === 'failed' && (report.rows[outcome] ?? 0) > 0 ? 'bad' : '')).join('\n    ')}
  </div>
  <h3>Balances of the rows updated</h3>
  ${
    report.balance === null
      ? '<p class="muted" data-testid="no-balance">No balance was changed.</p>'
      : `<div class="cards">
    ${card('Balance before', groupDigits(report.balance.before), 'total-before')}
    ${card('Net change', report.balance.net.startsWith('-') ? groupDigits(report.balance.net) : `+${groupDigits(report.balance.net)}`, 'total-net', 'key')}
    ${card('Balance after', groupDigits(report.balance.after), 'total-after', 'key')}
  </div>`
  }
  <h3>Requests</h3>
  <div class="cards">
    ${card('Sent', groupDigits(report.requests.sent), 'requests-sent')}
    ${card('Retries', groupDigits(report.requests.retries), 'requests-retries')}
    ${card('Throttled (429)', groupDigits(report.requests.throttled), 'requests-throttled')}
  </div>
  <h3>The checks behind the verdict</h3>
  <ul class="checks" id="checks" data-testid="checks"></ul>
</section>

<section id="problems" class="rows set-apart bad" aria-label="Rows not updated">
  <h2>Not updated: ${e(plural(Math.max(0, notUpdated), 'row'))}</h2>
  <p class="hint">Every row neither updated nor already as asked, with why. failed.csv beside this file holds the failed ones, ready to send again.</p>
  <div id="problems-table"></div>
</section>

<section id="verify" class="rows" aria-label="Verify">
  <h2>Verify</h2>
  ${
    report.verify === null
      ? '<p class="muted" data-testid="verify-none">Not run: <code>ti-credits verify</code> on this run’s folder reads back every row updated.</p>'
      : `<div class="cards">
    ${card('Holds', groupDigits(report.verify.holds), 'verify-holds', 'key')}
    ${card('Changed since written', groupDigits(report.verify.changed), 'verify-changed', report.verify.changed > 0 ? 'bad' : '')}
  </div>
  <div class="set-apart bad"><h3>Changed since written</h3><div id="verify-changed-table"></div></div>
  <h3>Holding what was written</h3>
  <details><summary>Rows read back as written</summary><div id="verify-holds-table"></div></details>`
  }
</section>

<footer>
  <p data-testid="print-note">Printing: the summary, figures and checks print in full; each table prints only the page shown on screen, with its place (“rows 1–200 of …”) under it. report.csv beside this file holds every row.</p>
  <p>Written by ti-credits at the end of the run. This file loads nothing from anywhere: no script, font, image or style outside it.</p>
</footer>`;
}

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
  return renderPage({ title: `Run ${report.status}${report.target === null ? '' : ` on ${report.target}`}, ${displayTime(report.startedAt)}`, body: reportBody(report), data: report, script: REPORT_SCRIPT });
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
  if (status === 'completed' && notUpdated > 0) return `<span class="badge warn" data-testid="status">${e(`completed: ${plural(notUpdated, 'row')} not updated`)}</span>`;
  return `<span class="badge ${STATUS_BADGES[status] ?? 'warn'}" data-testid="status">${e(status)}</span>`;
}

function reportBody(report: ReportDocument): string {
  const outcomes = [...OUTCOME_ORDER.filter((outcome) => outcome in report.rows), ...Object.keys(report.rows).filter((outcome) => outcome !== 'total' && !OUTCOME_ORDER.includes(outcome))];
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

/** The report's part of the page script (html-runtime.ts holds what both pages share). */
const REPORT_SCRIPT = String.raw`
/** The figures the report states, checked against each other and against the rows it lists, in whole numbers of any size. */
function reportChecks(report) {
  const counts = Object.entries(report.rows).filter(([outcome]) => outcome !== 'total');
  let sum = 0n;
  for (const [, count] of counts) sum += big(count) === null ? 0n : big(count);
  const checks = [
    {
      label: 'Rows per outcome add up to the rows in the file',
      ok: big(report.rows.total) !== null && sum === big(report.rows.total),
      detail: counts.map(([outcome, count]) => grouped(count) + ' ' + outcome).join(' + ') + (sum === big(report.rows.total) ? ' = ' : ' = ' + grouped(sum) + ', not ') + grouped(report.rows.total),
    },
  ];
  const notUpdated = (report.rows.total || 0) - (report.rows.updated || 0) - (report.rows.unchanged || 0);
  checks.push(sameCheck('Rows not updated, each listed with why', notUpdated, report.problems.length));
  if (report.balance !== null) checks.push(sumCheck('Balance before + net change = balance after', report.balance.before, report.balance.net, report.balance.after));
  if (report.verify !== null) {
    const holds = report.verify.rows.filter((row) => row.result === 'holds').length;
    checks.push(sameCheck('Rows verify found holding, listed', report.verify.holds, holds));
    checks.push(sameCheck('Rows verify found changed, listed', report.verify.changed, report.verify.rows.length - holds));
  }
  return checks;
}

const byLine = [
  { key: 'line', label: 'Line', kind: 'number', value: (row) => row.line },
  { key: 'id', label: 'Batch id', kind: 'code', value: (row) => row.id },
  { key: 'name', label: 'Name', kind: 'text', className: 'name', value: (row) => (row.name === undefined ? null : row.name) },
];
/** A row the run compared with its batch: what the change was made from, what the batch held, what was asked. */
const compared = [
  { key: 'baseline', label: 'Made from', kind: 'text', className: 'wrap', value: (row) => values(row.baseline) },
  { key: 'live', label: 'Live', kind: 'text', className: 'wrap', value: (row) => values(row.live) },
  { key: 'target', label: 'Asked', kind: 'text', className: 'wrap', value: (row) => values(row.target) },
];

run((report) => {
  showChecks(reportChecks(report), {
    ties: 'Figures tie out \u2014 checked in this page: the rows per outcome add up, every row not updated is listed' + (report.balance === null ? '' : ', and balance before + net change = balance after') + '.',
    doesNotTie: 'These figures do NOT tie out \u2014 check this run before relying on it',
  });

  const problems = place('problems-table', 'problems', byLine.concat([
    { key: 'client', label: 'Client', kind: 'text', value: (row) => (row.clientName === undefined ? null : row.clientName) },
    { key: 'outcome', label: 'Outcome', kind: 'code', value: (row) => row.outcome },
    { key: 'error', label: 'Why', kind: 'text', className: 'wrap', value: (row) => row.error },
  ], report.problems.some((row) => row.baseline || row.live || row.target) ? compared : []), report.problems, 'None: every row was updated or already held what it asked.');
  if (problems !== null) {
    const outcomes = [...new Set(report.problems.map((row) => row.outcome))].sort();
    const choose = h('select', { 'data-testid': 'outcome-filter', 'aria-label': 'Outcome', onchange: () => problems.setFilter(choose.value === '*' ? null : (row) => row.outcome === choose.value) }, [
      h('option', { value: '*', text: 'Every outcome' }),
      ...outcomes.map((outcome) => h('option', { value: outcome, text: outcome })),
    ]);
    document.getElementById('problems-table').prepend(h('div', { class: 'tools' }, [h('label', {}, ['Outcome ', choose])]));
  }

  if (report.verify !== null) {
    const written = { key: 'written', label: 'Written', kind: 'text', className: 'wrap', value: (row) => values(row.written) };
    const live = { key: 'live', label: 'Live now', kind: 'text', className: 'wrap', value: (row) => (row.live === null ? 'not found' : values(row.live)) };
    place('verify-changed-table', 'verify-changed', byLine.concat([written, live]), report.verify.rows.filter((row) => row.result !== 'holds'), 'None: every batch holds what was written.');
    place('verify-holds-table', 'verify-holds', byLine.concat([written]), report.verify.rows.filter((row) => row.result === 'holds'), 'None.');
  }
});
`;

import { card, displayTime, escapeHtml as e, groupDigits, pageAround, plural, renderPage } from './html-page.js';
import { approvalHtml } from './ledger/approval-html.js';
import type { ApprovalSeen } from './ledger/record.js';
import type { PlanDocument } from './plan-document.js';
import { guardrailRows, WARNINGS_SCRIPT, warningsSection } from './plan-warnings.js';

/**
 * plan.html: the plan as the person who approves it reads it, from plan.json
 * alone. Its summary (who, when, against what, the plan id, the totals, the
 * guardrails) is written out here; its script checks in the reader's browser
 * that the totals tie out, from the rows themselves, and draws the tables.
 */
export function renderPlanHtml(plan: PlanDocument, approval?: ApprovalSeen): string {
  return renderPage({ title: planTitle(plan), body: planBody(plan, approval, guardrailRows(plan.rows)), data: plan, script: PAGE_SCRIPT });
}

/**
 * plan.html around the plan's JSON, which the page embeds whole: for a plan
 * whose rows are written a piece at a time (not yet approved), with the count
 * of its rows past a per-row guardrail, counted as they are written.
 */
export function planHtmlAround(plan: Omit<PlanDocument, 'rows'>, guardrailRowCount: number): { readonly before: string; readonly after: string } {
  return pageAround({ title: planTitle(plan), body: planBody(plan, undefined, guardrailRowCount), script: PAGE_SCRIPT });
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

/** The plan's part of the page script (html-runtime.ts holds what both pages share). */
const PLAN_SCRIPT = String.raw`
/** A row's changes laid out by field, for the tables. */
function toView(row) {
  const view = {
    line: row.line, id: row.id, clientId: row.clientId, state: row.state, problem: row.problem, live: row.live, changes: row.changes,
    name: row.name ?? null, clientName: row.clientName ?? null, status: row.status ?? null, allocated: row.allocated ?? null,
    balanceBefore: null, balanceAfter: null, balanceChange: null, delta: null,
    expiresBefore: null, expiresAfter: null, moved: null, movedText: null, nameBefore: null, nameAfter: null,
  };
  for (const change of row.changes) {
    if (change.field === 'currentBalance') {
      view.balanceBefore = change.before;
      view.balanceAfter = change.after;
      view.balanceChange = typeof change.before === 'number' && typeof change.after === 'number' ? change.after - change.before : null;
      view.delta = change.delta;
    } else if (change.field === 'expiresOn') {
      view.expiresBefore = change.before;
      view.expiresAfter = change.after;
      const days = Number.parseFloat(change.change);
      view.moved = Number.isFinite(days) ? days : null;
      view.movedText = change.change;
    } else if (change.field === 'name') {
      view.nameBefore = change.before;
      view.nameAfter = change.after;
    }
  }
  if (view.name === null) view.name = view.nameBefore;
  return view;
}

/**
 * The figures plan.json states, checked against each other and against the
 * rows, in whole numbers of any size. The balances are summed over the rows
 * that will be sent (state "change") and change currentBalance, as the plan
 * adds them up.
 */
function planChecks(plan) {
  const totals = plan.totals;
  const balance = totals.balance;
  const counted = { change: 0, unchanged: 0, drifted: 0, invalid: 0 };
  let before = 0n;
  let after = 0n;
  let added = 0n;
  let removed = 0n;
  let unreadable = 0;
  for (const row of plan.rows) {
    if (Object.hasOwn(counted, row.state)) counted[row.state]++;
    if (row.state !== 'change') continue;
    for (const change of row.changes) {
      if (change.field !== 'currentBalance') continue;
      const from = big(change.before);
      const to = big(change.after);
      if (from === null || to === null) {
        unreadable++;
        continue;
      }
      before += from;
      after += to;
      if (to > from) added += to - from;
      else removed += from - to;
    }
  }
  const states = totals.changing + totals.unchanged + totals.drifted + totals.invalid;
  const checks = [
    sumCheck('Balance before + net change = balance after', balance.before, balance.net, balance.after),
    sumCheck('Credits added \u2212 credits removed = net change', balance.added, balance.removed, balance.net, true),
    sameCheck('Balance before, added up here from the rows', balance.before, before),
    sameCheck('Balance after, added up here from the rows', balance.after, after),
    sameCheck('Credits added, from the rows', balance.added, added),
    sameCheck('Credits removed, from the rows', balance.removed, removed),
    {
      label: 'Changing + unchanged + drifted + invalid = rows',
      ok: states === totals.rows,
      detail: [totals.changing, totals.unchanged, totals.drifted, totals.invalid].map(grouped).join(' + ') + (states === totals.rows ? ' = ' : ' = ' + grouped(states) + ', not ') + grouped(totals.rows),
    },
    sameCheck('Rows listed in the plan', totals.rows, plan.rows.length),
    sameCheck('Changing rows listed', totals.changing, counted.change),
    sameCheck('Unchanged rows listed', totals.unchanged, counted.unchanged),
    sameCheck('Drifted rows listed', totals.drifted, counted.drifted),
    sameCheck('Invalid rows listed', totals.invalid, counted.invalid),
  ];
  if (unreadable > 0) checks.push({ label: 'Balances given as whole numbers', ok: false, detail: grouped(unreadable) + ' are not' });
  return checks;
}

/** One line per client: its rows by state and the balances of its changing rows. */
function perClient(rows) {
  const clients = new Map();
  for (const row of rows) {
    const key = row.clientId === null ? '' : row.clientId;
    let client = clients.get(key);
    if (client === undefined) {
      client = { clientId: row.clientId, clientName: row.clientName, rows: 0, change: 0, unchanged: 0, drifted: 0, invalid: 0, before: 0n, after: 0n, moved: 0, renamed: 0 };
      clients.set(key, client);
    }
    client.rows++;
    if (Object.hasOwn(client, row.state)) client[row.state]++;
    if (row.state !== 'change') continue;
    const from = big(row.balanceBefore);
    const to = big(row.balanceAfter);
    if (from !== null && to !== null) {
      client.before += from;
      client.after += to;
    }
    if (row.expiresAfter !== null) client.moved++;
    if (row.nameAfter !== null) client.renamed++;
  }
  return [...clients.values()].map((client) => Object.assign(client, { net: client.after - client.before }));
}

/** A client by name when the plan read the client list, else by id. */
const clientColumn = { key: 'client', label: 'Client', kind: 'code', value: (row) => (row.clientName === null ? row.clientId : row.clientName), cell: (row) => (row.clientName === null ? row.clientId : h('span', { class: 'client-name', title: row.clientId, text: row.clientName })) };
/** The batch's name, beside its id: the one a rename starts from. */
const nameColumn = { key: 'name', label: 'Name', kind: 'text', className: 'name', value: (row) => row.name };
const byLine = [
  { key: 'line', label: 'Line', kind: 'number', value: (row) => row.line },
  { key: 'id', label: 'Batch id', kind: 'code', value: (row) => row.id },
  nameColumn,
  clientColumn,
];

/** The value of each field a row's changes name, before or after. */
function side(changes, which) {
  const update = {};
  for (const change of changes) if (change[which] !== null) update[change.field] = change[which];
  return update;
}

run((plan) => {
  const rows = plan.rows.map(toView);
  showChecks(planChecks(plan).concat(warningChecks(plan, rows)), {
    ties: 'Totals tie out \u2014 checked in this page: balance before + net change = balance after, and every figure matches the rows below.',
    doesNotTie: 'These totals do NOT tie out \u2014 do not approve this plan',
  });
  const inState = (state) => rows.filter((row) => row.state === state);
  const changing = inState('change');

  let client = null;
  let search = '';
  // The names come first after the id, and wrap: at 1024 px a rename reads without scrolling the table.
  const changes = place('changes-table', 'changes', byLine.slice(0, 3).concat([
    { key: 'name-after', label: 'New name', kind: 'text', className: 'after name', value: (row) => row.nameAfter },
    clientColumn,
    { key: 'balance-before', label: 'Balance', kind: 'number', value: (row) => row.balanceBefore, cell: (row) => (row.balanceBefore === null ? null : grouped(row.balanceBefore)) },
    { key: 'balance-after', label: 'New balance', kind: 'number', className: 'after', value: (row) => row.balanceAfter, cell: (row) => (row.balanceAfter === null ? null : grouped(row.balanceAfter)) },
    {
      key: 'balance-change', label: 'Change', kind: 'number', value: (row) => row.balanceChange,
      cell: (row) => row.balanceChange === null ? null : h('span', { class: row.balanceChange < 0 ? 'down' : 'up' }, [
        signed(row.balanceChange),
        row.delta === null ? null : h('span', { class: 'tag', title: 'Sent as the live balance plus ' + signed(row.delta) + ', read just before its request' }, ['delta']),
      ]),
    },
    { key: 'expires-before', label: 'Expires (UTC)', kind: 'code', value: (row) => row.expiresBefore, cell: (row) => (row.expiresBefore === null ? null : stamp(row.expiresBefore)) },
    { key: 'expires-after', label: 'New expiry (UTC)', kind: 'code', className: 'after', value: (row) => row.expiresAfter, cell: (row) => (row.expiresAfter === null ? null : stamp(row.expiresAfter)) },
    { key: 'moved', label: 'Moved', kind: 'number', value: (row) => row.moved, cell: (row) => row.movedText },
  ]), changing, 'No row changes anything: there is nothing to send.');
  drawWarnings(rows, byLine);

  const clients = perClient(rows);
  const choose = h('select', { 'data-testid': 'client-filter', 'aria-label': 'Client', onchange: () => narrow(choose.value === '*' ? null : choose.value) }, [
    h('option', { value: '*', text: 'All clients' }),
    ...clients.filter((entry) => entry.change > 0).map((entry) => h('option', { value: entry.clientId === null ? '' : entry.clientId, text: entry.clientId === null ? '(no client)' : entry.clientName === null ? entry.clientId : entry.clientName + ' (' + entry.clientId + ')' })),
  ]);
  const find = h('input', { type: 'search', placeholder: 'Batch id, name or line', 'data-testid': 'search', 'aria-label': 'Find', oninput: () => { search = find.value.trim().toLowerCase(); narrow(client); } });
  function narrow(next) {
    client = next;
    choose.value = client === null ? '*' : client;
    changes.setFilter(client === null && search === '' ? null : (row) =>
      (client === null || (row.clientId === null ? '' : row.clientId) === client) &&
      (search === '' || String(row.line) === search || String(row.id).toLowerCase().includes(search) || [row.name, row.nameBefore, row.nameAfter].some((name) => name !== null && String(name).toLowerCase().includes(search))));
  }
  if (changes !== null) document.getElementById('changes-table').prepend(h('div', { class: 'tools' }, [h('label', {}, ['Client ', choose]), h('label', {}, ['Find ', find])]));

  place('clients-table', 'clients', [
    { key: 'client', label: 'Client', kind: 'code', value: (entry) => entry.clientId, cell: (entry) => (entry.clientId === null ? h('span', { class: 'muted', text: '(no client)' }) : entry.clientName === null ? entry.clientId : entry.clientName + ' (' + entry.clientId + ')') },
    { key: 'rows', label: 'Rows', kind: 'number', value: (entry) => entry.rows, cell: (entry) => grouped(entry.rows) },
    { key: 'changing', label: 'Changing', kind: 'number', value: (entry) => entry.change, cell: (entry) => grouped(entry.change) },
    { key: 'unchanged', label: 'Unchanged', kind: 'number', value: (entry) => entry.unchanged, cell: (entry) => grouped(entry.unchanged) },
    { key: 'drifted', label: 'Drifted', kind: 'number', value: (entry) => entry.drifted, cell: (entry) => grouped(entry.drifted) },
    { key: 'invalid', label: 'Invalid', kind: 'number', value: (entry) => entry.invalid, cell: (entry) => grouped(entry.invalid) },
    { key: 'before', label: 'Balance before', kind: 'number', value: (entry) => entry.before, cell: (entry) => grouped(entry.before) },
    { key: 'net', label: 'Net change', kind: 'number', value: (entry) => entry.net, cell: (entry) => h('span', { class: entry.net < 0n ? 'down' : 'up' }, [signed(entry.net)]) },
    { key: 'after', label: 'Balance after', kind: 'number', value: (entry) => entry.after, cell: (entry) => grouped(entry.after) },
    { key: 'moved', label: 'Expiry moved', kind: 'number', value: (entry) => entry.moved, cell: (entry) => grouped(entry.moved) },
    { key: 'renamed', label: 'Renamed', kind: 'number', value: (entry) => entry.renamed, cell: (entry) => grouped(entry.renamed) },
    {
      key: 'show', label: '', kind: 'text', value: () => null,
      cell: (entry) => entry.change === 0 ? null : h('button', { type: 'button', class: 'link', 'data-testid': 'show-client', onclick: () => {
        narrow(entry.clientId === null ? '' : entry.clientId);
        document.getElementById('changes').scrollIntoView();
      } }, ['Show its changes']),
    },
  ], clients, 'No row names a client.');

  place('drifted-table', 'drifted', byLine.concat([
    { key: 'prepared', label: 'Prepared from', kind: 'text', className: 'wrap', value: (row) => values(side(row.changes, 'before')) },
    { key: 'live', label: 'Live now', kind: 'text', className: 'wrap', value: (row) => values(row.live) },
    { key: 'asked', label: 'Asked', kind: 'text', className: 'wrap', value: (row) => values(side(row.changes, 'after')) },
  ]), inState('drifted'), 'None: every batch holds what the file was prepared from.');

  place('invalid-table', 'invalid', byLine.concat([
    { key: 'problem', label: 'Why', kind: 'text', className: 'wrap', value: (row) => row.problem },
  ]), inState('invalid'), 'None.');

  place('unchanged-table', 'unchanged', byLine.concat([
    { key: 'holds', label: 'Holds already', kind: 'text', className: 'wrap', value: (row) => values(row.live !== null ? row.live : side(row.changes, 'after')) },
  ]), inState('unchanged'), 'None.');
});
`;

const PAGE_SCRIPT = `${WARNINGS_SCRIPT}\n${PLAN_SCRIPT}`;

import type { PlanPageData, RowState } from './data.js';
import { byLine, clientColumn, expiryColumns, movedColumn, side, STATES, toView, type RowView } from './plan-rows.js';
import { drawWarnings, warningChecks } from './plan-warnings.js';
import { big, element, grouped, h, place, run, sameCheck, showChecks, signed, sumCheck, values, type Check, type Column } from './runtime.js';

/**
 * plan.html's script: it checks in the approver's browser that the totals
 * plan.json states tie out, against each other and against the rows
 * themselves, and draws the tables of rows. The summary it checks is
 * written with the page (report/plan-html.ts).
 */

/**
 * The figures plan.json states, checked against each other and against the
 * rows, in whole numbers of any size. The balances are summed over the rows
 * that will be sent (state "change") and change currentBalance, as the plan
 * adds them up.
 */
function planChecks(plan: PlanPageData): Check[] {
  const totals = plan.totals;
  const balance = totals.balance;
  const counted: Record<RowState, number> = { change: 0, unchanged: 0, drifted: 0, invalid: 0 };
  let before = 0n;
  let after = 0n;
  let added = 0n;
  let removed = 0n;
  let unreadable = 0;
  for (const row of plan.rows) {
    if (STATES.includes(row.state)) counted[row.state]++;
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
  const checks: Check[] = [
    sumCheck('Balance before + net change = balance after', balance.before, balance.net, balance.after),
    sumCheck('Credits added \u2212 credits removed = net change', balance.added, balance.removed, balance.net, true),
    sameCheck('Balance before, added up here from the rows', balance.before, before),
    sameCheck('Balance after, added up here from the rows', balance.after, after),
    sameCheck('Credits added, from the rows', balance.added, added),
    sameCheck('Credits removed, from the rows', balance.removed, removed),
    {
      label: 'Changing + unchanged + drifted + invalid = rows',
      ok: states === totals.rows,
      detail:
        [totals.changing, totals.unchanged, totals.drifted, totals.invalid].map((count) => grouped(count)).join(' + ') +
        (states === totals.rows ? ' = ' : ' = ' + grouped(states) + ', not ') +
        grouped(totals.rows),
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

/** A client's line: its rows by state and the balances of its changing rows. */
interface ClientEntry extends Record<RowState, number> {
  readonly clientId: string | null;
  readonly clientName: string | null;
  rows: number;
  before: bigint;
  after: bigint;
  moved: number;
  renamed: number;
}

/** One line per client: its rows by state and the balances of its changing rows. */
function perClient(rows: readonly RowView[]): (ClientEntry & { readonly net: bigint })[] {
  const clients = new Map<string, ClientEntry>();
  for (const row of rows) {
    const key = row.clientId === null ? '' : row.clientId;
    let client = clients.get(key);
    if (client === undefined) {
      client = {
        clientId: row.clientId,
        clientName: row.clientName,
        rows: 0,
        change: 0,
        unchanged: 0,
        drifted: 0,
        invalid: 0,
        before: 0n,
        after: 0n,
        moved: 0,
        renamed: 0,
      };
      clients.set(key, client);
    }
    client.rows++;
    if (STATES.includes(row.state)) client[row.state]++;
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

run<PlanPageData>((plan) => {
  const rows = plan.rows.map(toView);
  showChecks(planChecks(plan).concat(warningChecks(plan, rows)), {
    ties: 'Totals tie out \u2014 checked in this page: balance before + net change = balance after, and every figure matches the rows below.',
    doesNotTie: 'These totals do NOT tie out \u2014 do not approve this plan',
  });
  const inState = (state: RowState): RowView[] => rows.filter((row) => row.state === state);
  const changing = inState('change');

  let client: string | null = null;
  let search = '';
  // The names come first after the id, and wrap: at 1024 px a rename reads without scrolling the table.
  const changeColumns: Column<RowView>[] = [
    ...byLine.slice(0, 3),
    { key: 'name-after', label: 'New name', kind: 'text', className: 'after name', value: (row) => row.nameAfter },
    clientColumn,
    {
      key: 'balance-before',
      label: 'Balance',
      kind: 'number',
      value: (row) => row.balanceBefore,
      cell: (row) => (row.balanceBefore === null ? null : grouped(row.balanceBefore)),
    },
    {
      key: 'balance-after',
      label: 'New balance',
      kind: 'number',
      className: 'after',
      value: (row) => row.balanceAfter,
      cell: (row) => (row.balanceAfter === null ? null : grouped(row.balanceAfter)),
    },
    {
      key: 'balance-change',
      label: 'Change',
      kind: 'number',
      value: (row) => row.balanceChange,
      cell: (row) =>
        row.balanceChange === null
          ? null
          : h('span', { class: row.balanceChange < 0 ? 'down' : 'up' }, [
              signed(row.balanceChange),
              row.delta === null
                ? null
                : h('span', { class: 'tag', title: 'Sent as the live balance plus ' + signed(row.delta) + ', read just before its request' }, ['delta']),
            ]),
    },
    ...expiryColumns,
    movedColumn,
  ];
  const changes = place('changes-table', 'changes', changeColumns, changing, 'No row changes anything: there is nothing to send.');
  drawWarnings(rows);

  const clients = perClient(rows);
  const choose = h('select', { 'data-testid': 'client-filter', 'aria-label': 'Client', onchange: () => narrow(choose.value === '*' ? null : choose.value) }, [
    h('option', { value: '*', text: 'All clients' }),
    ...clients
      .filter((entry) => entry.change > 0)
      .map((entry) =>
        h('option', {
          value: entry.clientId === null ? '' : entry.clientId,
          text: entry.clientId === null ? '(no client)' : entry.clientName === null ? entry.clientId : entry.clientName + ' (' + entry.clientId + ')',
        }),
      ),
  ]);
  const find = h('input', {
    type: 'search',
    placeholder: 'Batch id, name or line',
    'data-testid': 'search',
    'aria-label': 'Find',
    oninput: () => {
      search = find.value.trim().toLowerCase();
      narrow(client);
    },
  });
  function narrow(next: string | null): void {
    client = next;
    choose.value = client === null ? '*' : client;
    changes?.setFilter(
      client === null && search === ''
        ? null
        : (row) =>
            (client === null || (row.clientId === null ? '' : row.clientId) === client) &&
            (search === '' ||
              String(row.line) === search ||
              String(row.id).toLowerCase().includes(search) ||
              [row.name, row.nameBefore, row.nameAfter].some((name) => name !== null && String(name).toLowerCase().includes(search))),
    );
  }
  if (changes !== null) element('changes-table').prepend(h('div', { class: 'tools' }, [h('label', {}, ['Client ', choose]), h('label', {}, ['Find ', find])]));

  place(
    'clients-table',
    'clients',
    [
      {
        key: 'client',
        label: 'Client',
        kind: 'code',
        value: (entry) => entry.clientId,
        cell: (entry) =>
          entry.clientId === null
            ? h('span', { class: 'muted', text: '(no client)' })
            : entry.clientName === null
              ? entry.clientId
              : entry.clientName + ' (' + entry.clientId + ')',
      },
      { key: 'rows', label: 'Rows', kind: 'number', value: (entry) => entry.rows, cell: (entry) => grouped(entry.rows) },
      { key: 'changing', label: 'Changing', kind: 'number', value: (entry) => entry.change, cell: (entry) => grouped(entry.change) },
      { key: 'unchanged', label: 'Unchanged', kind: 'number', value: (entry) => entry.unchanged, cell: (entry) => grouped(entry.unchanged) },
      { key: 'drifted', label: 'Drifted', kind: 'number', value: (entry) => entry.drifted, cell: (entry) => grouped(entry.drifted) },
      { key: 'invalid', label: 'Invalid', kind: 'number', value: (entry) => entry.invalid, cell: (entry) => grouped(entry.invalid) },
      { key: 'before', label: 'Balance before', kind: 'number', value: (entry) => entry.before, cell: (entry) => grouped(entry.before) },
      {
        key: 'net',
        label: 'Net change',
        kind: 'number',
        value: (entry) => entry.net,
        cell: (entry) => h('span', { class: entry.net < 0n ? 'down' : 'up' }, [signed(entry.net)]),
      },
      { key: 'after', label: 'Balance after', kind: 'number', value: (entry) => entry.after, cell: (entry) => grouped(entry.after) },
      { key: 'moved', label: 'Expiry moved', kind: 'number', value: (entry) => entry.moved, cell: (entry) => grouped(entry.moved) },
      { key: 'renamed', label: 'Renamed', kind: 'number', value: (entry) => entry.renamed, cell: (entry) => grouped(entry.renamed) },
      {
        key: 'show',
        label: '',
        kind: 'text',
        value: () => null,
        cell: (entry) =>
          entry.change === 0
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'data-testid': 'show-client',
                  onclick: () => {
                    narrow(entry.clientId === null ? '' : entry.clientId);
                    element('changes').scrollIntoView();
                  },
                },
                ['Show its changes'],
              ),
      },
    ],
    clients,
    'No row names a client.',
  );

  place(
    'drifted-table',
    'drifted',
    [
      ...byLine,
      { key: 'prepared', label: 'Prepared from', kind: 'text', className: 'wrap', value: (row) => values(side(row.changes, 'before')) },
      { key: 'live', label: 'Live now', kind: 'text', className: 'wrap', value: (row) => values(row.live) },
      { key: 'asked', label: 'Asked', kind: 'text', className: 'wrap', value: (row) => values(side(row.changes, 'after')) },
    ],
    inState('drifted'),
    'None: every batch holds what the file was prepared from.',
  );

  place(
    'invalid-table',
    'invalid',
    [
      ...byLine,
      { key: 'problem', label: 'Why', kind: 'text', className: 'wrap', value: (row) => row.problem },
      { key: 'code', label: 'Code', kind: 'code', value: (row) => row.code },
    ],
    inState('invalid'),
    'None.',
  );

  place(
    'unchanged-table',
    'unchanged',
    [
      ...byLine,
      {
        key: 'holds',
        label: 'Holds already',
        kind: 'text',
        className: 'wrap',
        value: (row) => values(row.live !== null ? row.live : side(row.changes, 'after')),
      },
    ],
    inState('unchanged'),
    'None.',
  );
});

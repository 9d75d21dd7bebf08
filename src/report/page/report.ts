import type { ReportPageData, ReportPageProblem, ReportPageVerified } from './data.js';
import { big, element, grouped, h, place, run, sameCheck, showChecks, sumCheck, values, type Check, type Column } from './runtime.js';

/**
 * report.html's script: it checks in the reader's browser that the figures
 * of a finished run tie out and draws the tables of rows. The summary it
 * checks is written with the page (report/report-html.ts).
 */

/** The figures the report states, checked against each other and against the rows it lists, in whole numbers of any size. */
function reportChecks(report: ReportPageData): Check[] {
  const counts = Object.entries(report.rows).filter(([outcome]) => outcome !== 'total');
  let sum = 0n;
  for (const [, count] of counts) sum += big(count) ?? 0n;
  const checks: Check[] = [
    {
      label: 'Rows per outcome add up to the rows in the file',
      ok: big(report.rows.total) !== null && sum === big(report.rows.total),
      detail:
        counts.map(([outcome, count]) => grouped(count) + ' ' + outcome).join(' + ') +
        (sum === big(report.rows.total) ? ' = ' : ' = ' + grouped(sum) + ', not ') +
        grouped(report.rows.total),
    },
  ];
  const notUpdated = (report.rows.total || 0) - (report.rows.updated || 0) - (report.rows.unchanged || 0);
  checks.push(sameCheck('Rows not updated, each listed with why', notUpdated, report.problems.length));
  if (report.balance !== null)
    checks.push(sumCheck('Balance before + net change = balance after', report.balance.before, report.balance.net, report.balance.after));
  if (report.verify !== null) {
    const holds = report.verify.rows.filter((row) => row.result === 'holds').length;
    checks.push(sameCheck('Rows verify found holding, listed', report.verify.holds, holds));
    checks.push(sameCheck('Rows verify found changed, listed', report.verify.changed, report.verify.rows.length - holds));
  }
  return checks;
}

/** A row of the run's file, as both tables name it. */
interface Named {
  readonly line: number;
  readonly id: string;
  readonly name?: string | null;
}

const byLine: readonly Column<Named>[] = [
  { key: 'line', label: 'Line', kind: 'number', value: (row) => row.line },
  { key: 'id', label: 'Batch id', kind: 'code', value: (row) => row.id },
  { key: 'name', label: 'Name', kind: 'text', className: 'name', value: (row) => (row.name === undefined ? null : row.name) },
];
/** A row the run compared with its batch: what the change was made from, what the batch held, what was asked. */
const compared: readonly Column<ReportPageProblem>[] = [
  { key: 'baseline', label: 'Made from', kind: 'text', className: 'wrap', value: (row) => values(row.baseline) },
  { key: 'live', label: 'Live', kind: 'text', className: 'wrap', value: (row) => values(row.live) },
  { key: 'target', label: 'Asked', kind: 'text', className: 'wrap', value: (row) => values(row.target) },
];

run<ReportPageData>((report) => {
  showChecks(reportChecks(report), {
    ties:
      'Figures tie out \u2014 checked in this page: the rows per outcome add up, every row not updated is listed' +
      (report.balance === null ? '' : ', and balance before + net change = balance after') +
      '.',
    doesNotTie: 'These figures do NOT tie out \u2014 check this run before relying on it',
  });

  const problemColumns: Column<ReportPageProblem>[] = [
    ...byLine,
    { key: 'client', label: 'Client', kind: 'text', value: (row) => (row.clientName === undefined ? null : row.clientName) },
    { key: 'outcome', label: 'Outcome', kind: 'code', value: (row) => row.outcome },
    { key: 'error', label: 'Why', kind: 'text', className: 'wrap', value: (row) => row.error },
    { key: 'code', label: 'Code', kind: 'code', value: (row) => (row.code === undefined || row.code === '' ? null : row.code) },
    ...(report.problems.some((row) => row.baseline || row.live || row.target) ? compared : []),
  ];
  const problems = place('problems-table', 'problems', problemColumns, report.problems, 'None: every row was updated or already held what it asked.');
  if (problems !== null) {
    const outcomes = [...new Set(report.problems.map((row) => row.outcome))].sort();
    const choose = h(
      'select',
      {
        'data-testid': 'outcome-filter',
        'aria-label': 'Outcome',
        onchange: () => problems.setFilter(choose.value === '*' ? null : (row) => row.outcome === choose.value),
      },
      [h('option', { value: '*', text: 'Every outcome' }), ...outcomes.map((outcome) => h('option', { value: outcome, text: outcome }))],
    );
    element('problems-table').prepend(h('div', { class: 'tools' }, [h('label', {}, ['Outcome ', choose])]));
  }

  if (report.verify !== null) {
    const written: Column<ReportPageVerified> = { key: 'written', label: 'Written', kind: 'text', className: 'wrap', value: (row) => values(row.written) };
    const live: Column<ReportPageVerified> = {
      key: 'live',
      label: 'Live now',
      kind: 'text',
      className: 'wrap',
      value: (row) => (row.live === null ? 'not found' : values(row.live)),
    };
    const rows = report.verify.rows;
    place(
      'verify-changed-table',
      'verify-changed',
      [...byLine, written, live],
      rows.filter((row) => row.result !== 'holds'),
      'None: every batch holds what was written.',
    );
    place(
      'verify-holds-table',
      'verify-holds',
      [...byLine, written],
      rows.filter((row) => row.result === 'holds'),
      'None.',
    );
  }
});

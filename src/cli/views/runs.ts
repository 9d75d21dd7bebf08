import { relative } from 'node:path';
import type { OnRecord } from '../../pipeline/run-ledger.js';
import type { ExportResult, ListedRun, RunList, ShownRun } from '../../pipeline/run-history.js';
import type { Approved } from '../../pipeline/approvals.js';
import type { Rebuilt } from '../../report/ledger/rebuild.js';
import type { ApprovalSeen, LedgerRecord } from '../../report/ledger/record.js';
import { count, plural } from '../messages.js';

/** The counts `runs --json` gives, by outcome: null where the run's rows cannot have it. */
const JSON_COUNTS = ['updated', 'unchanged', 'drifted', 'failed', 'invalid', 'skipped'] as const;

/** A run as `runs --json` prints it: exactly these fields, null where one does not apply. */
export function runJson({ record, status }: ListedRun): Record<string, unknown> {
  const { counts, balance } = record;
  return {
    id: record.id,
    command: record.command,
    status,
    instance: record.instance,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    operator: record.operator,
    input: record.input === null ? null : { path: record.input.path, sha256: record.input.sha256 },
    planId: record.planId,
    approvedBy: record.approvedBy,
    counts: counts === null ? null : Object.fromEntries(JSON_COUNTS.map((outcome) => [outcome, counts[outcome] ?? null])),
    balance: balance === null ? null : { before: balance.before, after: balance.after, net: balance.net },
  };
}

/** `2025-07-01 09:00` (UTC) from an ISO time. */
const minute = (iso: string | null): string => (iso === null ? '' : iso.replace('T', ' ').slice(0, 16));

const signed = (value: number | string): string => {
  const text = String(value);
  const digits = text.replace(/^-/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return text.startsWith('-') ? `−${digits}` : text === '0' ? '±0' : `+${digits}`;
};

/** A count of rows sent for the table: none for a plan, which sends nothing. */
const counted = (run: ListedRun, outcome: string): string => {
  const value = run.record.counts?.[outcome];
  return value === undefined || run.record.command === 'plan' ? '' : count(value);
};

/** `2025-07-01 09:00:05 UTC` from an ISO time. */
const second = (iso: string): string => `${iso.replace('T', ' ').slice(0, 19)} UTC`;

/** The host of an origin, the part people name an instance by. */
const host = (origin: string | null): string => (origin === null ? '' : origin.replace(/^https?:\/\//, ''));

interface Column {
  readonly label: string;
  readonly cell: (run: ListedRun) => string;
  readonly right?: boolean;
  /** The narrowest it may be cut to, in the middle; absent: never cut. */
  readonly min?: number;
}

const COLUMNS: readonly Column[] = [
  { label: 'started (UTC)', cell: (run) => minute(run.record.startedAt) },
  { label: 'run', cell: (run) => run.record.id, min: 18 },
  { label: 'command', cell: (run) => run.record.command },
  { label: 'status', cell: (run) => run.status },
  { label: 'updated', cell: (run) => counted(run, 'updated'), right: true },
  { label: 'failed', cell: (run) => counted(run, 'failed'), right: true },
  { label: 'net', cell: (run) => (run.record.balance === null ? '' : signed(run.record.balance.net)), right: true },
  { label: 'instance', cell: (run) => host(run.record.instance), min: 12 },
  { label: 'operator', cell: (run) => run.record.operator ?? '', min: 8 },
];

/** The columns dropped, last first, when even cut they do not fit. */
const DROPPABLE = ['operator', 'instance', 'failed'];

/** Cuts `text` to `width` in the middle, where an id's date and name both stay readable. */
function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}

/** `runs`: the runs newest first, as a table as wide as the terminal allows. */
export function formatRunsTable(list: RunList, width: number, cwd: string): string {
  const where = relative(cwd, list.ledger) || list.ledger;
  const notes =
    list.damaged > 0
      ? [
          `${plural(list.damaged, 'damaged line')} of the ledger (a write cut short) ${list.damaged === 1 ? 'was' : 'were'} skipped; ti-credits runs --rebuild restores what the run folders say.`,
        ]
      : [];
  if (list.runs.length === 0) return [`No run recorded in ${where} matches.`, ...notes, ''].join('\n');
  let columns = [...COLUMNS];
  let cells = list.runs.map((run) => columns.map((column) => column.cell(run)));
  const widths = (): number[] => columns.map((column, index) => Math.max(column.label.length, ...cells.map((row) => (row[index] ?? '').length)));
  let sizes = widths();
  const total = (): number => sizes.reduce((sum, size) => sum + size, 0) + 2 * (sizes.length - 1);
  for (const name of DROPPABLE) {
    if (total() <= width) break;
    const over = total() - width;
    const index = columns.findIndex((column) => column.label === name);
    const column = columns[index];
    const size = sizes[index] ?? 0;
    // A column that can be cut enough is cut; one that cannot is dropped.
    if (column?.min !== undefined && size - over >= column.min) {
      sizes[index] = size - over;
      break;
    }
    columns = columns.filter((_, at) => at !== index);
    cells = cells.map((row) => row.filter((_, at) => at !== index));
    sizes = widths();
  }
  const idAt = columns.findIndex((column) => column.label === 'run');
  if (total() > width && idAt >= 0) sizes[idAt] = Math.max(COLUMNS[1]?.min ?? 18, (sizes[idAt] ?? 0) - (total() - width));
  const line = (row: readonly string[]): string =>
    row
      .map((text, index) => {
        const size = sizes[index] ?? 0;
        const shown = cut(text, size);
        return columns[index]?.right === true ? shown.padStart(size) : shown.padEnd(size);
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.label)),
    ...cells.map(line),
    ...notes,
    `${plural(list.runs.length, 'run')} in ${where}; ti-credits runs show <run> for one`,
    '',
  ].join('\n');
}

/** An approval in words: who, as which OS user, when, the short code, whether its signature was checked. */
export function formatApproval(approval: ApprovalSeen): string {
  const signed = approval.signed === null ? '' : `, signature checked (${approval.signed === 'ed25519' ? 'Ed25519' : 'HMAC-SHA-256'})`;
  return `${approval.by} (OS user ${approval.osUser}) on ${minute(approval.at)} UTC, code ${approval.code}${signed}`;
}

/** `runs show`: one run's record, and where its files are. */
export function formatRunShow(shown: ShownRun, cwd: string): string {
  const { record, status, folder, files } = shown;
  const { counts, balance } = record;
  const rows: [string, string][] = [
    ['command', record.command],
    ['status', status === 'unfinished' ? 'unfinished (its process ended without recording its end: killed, or the machine stopped)' : status],
    ['instance', `${record.instance ?? '(none)'}${record.keyKind === null ? '' : ` (${record.keyKind} key)`}`],
    ['operator', record.operator ?? '(not recorded: a run folder from before the ledger)'],
    ['started', second(record.startedAt)],
    ['finished', record.finishedAt === null ? '(not recorded)' : `${second(record.finishedAt)}${record.sessions > 1 ? ` (${record.sessions} sessions)` : ''}`],
  ];
  if (record.input !== null)
    rows.push(['input', `${record.input.path}${record.input.delta ? ' (currentBalanceDelta)' : ''}`], ['input sha256', record.input.sha256]);
  if (record.planId !== null)
    rows.push(
      ['plan', `${record.planId.slice(0, 8)} (${record.planId})`],
      ['approval', record.approval === null ? 'none on record' : formatApproval(record.approval)],
    );
  if (counts !== null)
    rows.push(
      [
        'rows',
        Object.entries(counts)
          .filter(([outcome, value]) => outcome !== 'total' && value > 0)
          .map(([outcome, value]) => `${count(value)} ${outcome}`)
          .join(', ') || 'none',
      ],
      ['requests', count(record.requests ?? 0)],
    );
  if (balance !== null)
    rows.push([
      'balance',
      `${count(Number(balance.before))} → ${count(Number(balance.after))} credits: net ${signed(balance.net)} (${count(Number(balance.added))} added, ${count(Number(balance.removed))} taken away)`,
    ]);
  if (record.again !== null) rows.push(['again', `applied again: "${record.again}"`]);
  if (record.selfApproved !== null) rows.push(['self-approved', `"${record.selfApproved}"`]);
  rows.push(['folder', relative(cwd, folder) || folder], ['files', files.length === 0 ? '(the folder is gone)' : files.join(', ')]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Run ${record.id}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n');
}

/** What the ledger says of a run about to start, as lines of its plan. */
export function formatOnRecord(onRecord: OnRecord | undefined): string[] {
  if (onRecord === undefined) return [];
  const again = onRecord.delta
    ? 'its deltas applied again add to those balances a second time (apply refuses it without --again)'
    : 'its absolute values sent again leave those rows unchanged';
  const lines = onRecord.appliedBefore.map(
    (earlier) =>
      `  This file was applied by run ${earlier.id} on ${minute(earlier.startedAt)} UTC${earlier.updated === null ? '' : ` (${plural(earlier.updated, 'row')} updated)`}; ${again}.`,
  );
  if (onRecord.approval !== undefined)
    lines.push(onRecord.approval === null ? '  Approval: none on record for this plan.' : `  Approved by ${formatApproval(onRecord.approval)}.`);
  return lines;
}

/** What `runs export` wrote, and that it ties out with the ledger. */
export function formatExport(result: ExportResult, cwd: string): string {
  const ties =
    result.net === result.ledgerNet
      ? 'ties out with the runs recorded'
      : `does NOT tie out with the runs recorded (net ${signed(result.ledgerNet.toString())})`;
  // A run killed before it recorded its end is the likely cause: its rows are in the file, its net not in the ledger until a resume ends it.
  const why =
    result.net !== result.ledgerNet && result.unfinished.length > 0
      ? `\n${plural(result.unfinished.length, 'run')} never recorded ${result.unfinished.length === 1 ? 'its' : 'their'} end (killed): ${result.unfinished.join(', ')}. Its changes are in the file, its net is not in the ledger: finish it with ti-credits apply --resume <its folder>, then export again.`
      : '';
  return `Audit: ${plural(result.rows, 'field')} changed by ${plural(result.runs, 'run')}, balances net ${signed(result.net.toString())}, which ${ties}.${why}\nFile: ${relative(cwd, result.path) || result.path}\n`;
}

export function formatRebuilt(rebuilt: Rebuilt, ledger: string, cwd: string): string {
  const kept = rebuilt.kept > 0 ? `, ${plural(rebuilt.kept, 'run')} whose folder is not under the reports folder kept as recorded` : '';
  return `Rebuilt ${relative(cwd, ledger) || ledger} from the run folders: ${plural(rebuilt.records, 'run')}${kept}, ${plural(rebuilt.approvals, 'approval')}.\n`;
}

/** What `approve` recorded, and the short code to read aloud. */
export function formatApproved(approved: Approved, folder: string, cwd: string): string {
  const { approval, plan } = approved;
  const signed =
    approval.signature === null ? 'not signed (no team approval key is set)' : `signed (${approval.signature.alg === 'ed25519' ? 'Ed25519' : 'HMAC-SHA-256'})`;
  return [
    `Approved: plan ${plan.id.slice(0, 8)} for ${plan.target}, by ${approval.by} (OS user ${approval.osUser}) at ${minute(approval.at)} UTC; ${signed}.`,
    `  short code ${plan.id.slice(0, 8)}  (the plan id: ${plan.id})`,
    `  recorded in ${relative(cwd, approved.ledger) || approved.ledger} and ${relative(cwd, folder) || folder}/approval.json; plan.html shows it.`,
    `Send it with: ti-credits apply --plan ${relative(cwd, folder) || folder}`,
    '',
  ].join('\n');
}

/** `runs --json` of a record list. */
export function runsJson(list: RunList): unknown[] {
  return list.runs.map(runJson);
}

/** The record `runs show --json` prints: all of it, its status as it stands, and its folder. */
export function shownJson(shown: ShownRun): Record<string, unknown> & { readonly record?: LedgerRecord } {
  return { ...shown.record, status: shown.status, folderPath: shown.folder, files: shown.files };
}

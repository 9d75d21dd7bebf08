import { resolve } from 'node:path';
import { failure } from '../../core/words.js';
import { LEDGER_WORDS } from '../../core/words/ledger.js';
import type { RunFilter } from '../../pipeline/run-history.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, STANDARD_EXITS } from '../exit-codes.js';
import { approvalKeyFlags, reportsFlags, reportsRoot, resolveApprovalKey } from '../flags/ledger.js';
import { configFlags, reportFlags } from '../flags/output.js';
import type { FlagSpecs, Flags } from '../flags/spec.js';
import type { CliIo } from '../io.js';
import { closestName } from '../suggest.js';
import { formatExport, formatRebuilt, formatRunShow, formatRunsTable, runsJson, shownJson } from '../views/runs.js';

/** What `runs` filters by and writes. */
const runsFlags = {
  since: { type: 'string', perRun: true, describe: 'Runs started on or after this day (YYYY-MM-DD, UTC) or moment (ISO 8601 with its offset)' },
  until: { type: 'string', perRun: true, describe: 'Runs started on or before this day (the whole day, UTC), or before this moment' },
  instance: { type: 'string', describe: 'Runs on this instance: a name (acme) or an address (https://learn.example.com)', defaultText: 'every instance' },
  status: {
    type: 'string',
    perRun: true,
    choices: ['completed', 'refused', 'stopped', 'interrupted', 'running', 'unfinished'],
    describe: 'Runs that ended so (unfinished: its process ended without recording its end)',
  },
  out: {
    type: 'string',
    perRun: true,
    describe: 'runs export: the audit file; .xlsx writes a workbook with typed cells, any other name CSV',
    defaultText: 'audit-<since>-<until>.csv in the working folder',
  },
  rebuild: {
    type: 'boolean',
    default: false,
    perRun: true,
    describe:
      'Make the ledger again from the run folders under the reports folder (they stay the source of truth): for run folders from before the ledger, or a ledger lost',
  },
  json: { ...reportFlags.json, describe: 'Print the runs (or the run) as JSON instead of the table' },
} as const satisfies FlagSpecs;

export const runs: Command = {
  name: 'runs',
  summary: 'List the runs recorded in the run ledger, show one, export an audit file of every change, or rebuild the ledger',
  usage: [
    'ti-credits runs [options]',
    'ti-credits runs show <run> [options]',
    'ti-credits runs export --since <date> [--until <date>] [--out <file>]',
    'ti-credits runs --rebuild',
  ],
  positional: {
    name: 'action',
    describe: '`show <run>`: one run and where its files are; `export`: the audit file; none: the runs, newest first',
    variadic: true,
  },
  flags: { ...runsFlags, ...reportsFlags, ...approvalKeyFlags, ...configFlags },
  examples: [
    ['ti-credits runs', 'The runs recorded in reports/ledger.jsonl, newest first, as a table as wide as the terminal'],
    ['ti-credits runs --since 2025-07-01 --instance acme --status completed --json', 'The runs of a quarter on one instance, as JSON'],
    ['ti-credits runs show 20250701T090000Z-adjustments', "One run's record: who, what, on whose approval, its counts and net, its files"],
    [
      'ti-credits runs export --since 2025-07-01 --until 2025-09-30 --out q3-audit.xlsx',
      'Every field the runs of the quarter changed, one row each, typed, for an accountant',
    ],
    ['ti-credits runs --rebuild --reports /mnt/finance/ti-reports', 'Make the ledger of a shared reports folder again from its run folders'],
  ],
  notes: [
    'The ledger is reports/ledger.jsonl (or in the folder --reports names): one line per run started, resumed or ended, and per plan approved. Moving the reports folder moves the ledger with it.',
  ],
  exits: [
    [EXIT.ok, 'listed, shown, exported (the figures tie out) or rebuilt'],
    [
      EXIT.notAllUpdated,
      'runs export: the file was written but its figures do not tie out with the ledger (a run killed before its end: resume it; else runs --rebuild), then export again',
    ],
    [EXIT.refused, 'usage: an unknown run or action, a date that cannot be read'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runRuns,
};

async function runRuns(input: CommandInput): Promise<CommandResult> {
  const { flags, io, typed } = input;
  flags.checkRelations();
  const root = reportsRoot(flags, io.cwd, typed);
  const [action, id, ...rest] = flags.list('action');
  const history = await import('../../pipeline/run-history.js');
  if (flags.boolean('rebuild')) {
    if (action !== undefined) throw failure(LEDGER_WORDS, 'TIC-RUNS-USAGE', { given: `${action} --rebuild` });
    const rebuilt = await history.rebuildRuns(root, await resolveApprovalKey(flags, io.cwd));
    const list = await history.listRuns(root);
    return { exit: EXIT.ok, text: formatRebuilt(rebuilt, list.ledger, io.cwd), json: runsJson(list) };
  }
  if (rest.length > 0 || (action !== 'show' && id !== undefined)) throw failure(LEDGER_WORDS, 'TIC-RUNS-USAGE', { given: [action, id, ...rest].join(' ') });
  switch (action) {
    case undefined: {
      const list = await history.listRuns(root, filterOf(flags));
      return { exit: EXIT.ok, text: formatRunsTable(list, widthOf(io), io.cwd), json: runsJson(list) };
    }
    case 'show': {
      if (id === undefined) throw failure(LEDGER_WORDS, 'TIC-RUNS-USAGE', { given: 'show without a run' });
      const { run, ids } = await history.showRun(root, id, io.cwd);
      if (run === undefined) throw failure(LEDGER_WORDS, 'TIC-RUN-UNKNOWN', { id, root, near: closestName(id, ids) });
      return { exit: EXIT.ok, text: formatRunShow(run, io.cwd), json: shownJson(run) };
    }
    case 'export': {
      const filter = filterOf(flags);
      if (filter.since === undefined) throw failure(LEDGER_WORDS, 'TIC-RUNS-USAGE', { given: 'export without --since' });
      const out = resolve(io.cwd, flags.string('out') ?? `audit-${dayOf(filter.since)}-${dayOf(new Date((filter.until?.getTime() ?? Date.now()) - 1))}.csv`);
      const result = await history.exportRuns(root, filter, out);
      const exit = result.net === result.ledgerNet ? EXIT.ok : EXIT.notAllUpdated;
      return {
        exit,
        text: formatExport(result, io.cwd),
        json: {
          file: result.path,
          runs: result.runs,
          rows: result.rows,
          net: result.net.toString(),
          ledgerNet: result.ledgerNet.toString(),
          unfinished: result.unfinished,
        },
      };
    }
    default:
      throw failure(LEDGER_WORDS, 'TIC-RUNS-USAGE', { given: action });
  }
}

function filterOf(flags: Flags): RunFilter {
  const instance = flags.string('instance');
  return {
    since: dateOf(flags, 'since', false),
    until: dateOf(flags, 'until', true),
    status: flags.string('status'),
    instances: instance === undefined ? undefined : instancesOf(instance),
  };
}

/** The origins `--instance` may mean: the instance of that name, or the address given. */
function instancesOf(given: string): string[] {
  if (/^[a-z0-9-]+$/i.test(given)) return [`https://${given.toLowerCase()}.thoughtindustries.com`];
  try {
    return [new URL(given).origin];
  } catch {
    return [given];
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A day (UTC; for --until, the whole of it) or a moment with its offset; anything else is refused, never guessed. */
function dateOf(flags: Flags, name: 'since' | 'until', endOfDay: boolean): Date | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  const day = DAY.test(text);
  const time = day || MOMENT.test(text) ? Date.parse(day ? `${text}T00:00:00Z` : text) : Number.NaN;
  if (Number.isNaN(time) || (day && new Date(time).toISOString().slice(0, 10) !== text)) throw failure(LEDGER_WORDS, 'TIC-RUNS-DATE', { flag: name, text });
  return new Date(day && endOfDay ? time + 86_400_000 : time);
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** How wide the table may be: the terminal's width, or, printed into a pipe or a file, as wide as it needs. */
function widthOf(io: CliIo): number {
  const columns = (io.stdout as { columns?: number }).columns ?? Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : Number.POSITIVE_INFINITY;
}

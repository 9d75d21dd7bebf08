import { keyScrubber } from '../../core/secret.js';
import { failure } from '../../core/words.js';
import { SELECTION_WORDS } from '../../core/words/selection.js';
import { readMoment } from '../../validate/expires-on.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForStop, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { reportsFlags, reportsRoot } from '../flags/ledger.js';
import { configFlags, logLevelOf, reportFlags } from '../flags/output.js';
import { pacingFlags, resolveSendOptions } from '../flags/pacing.js';
import { readingFlags, resolveRules } from '../flags/reading.js';
import { calendarDay, resolveClientChoice, resolveTimezone, resolveWindow, selectionFlags } from '../flags/selection.js';
import type { FlagSpecs, Flags } from '../flags/spec.js';
import { targetFlags } from '../flags/target.js';
import { formatRollover } from '../views/rollover.js';

/** What `rollover` reads, and where it moves the expiries. */
const rolloverFlags = {
  client: { type: 'list', describe: 'A client whose credit batches to move; repeat for several (or --all-clients)' },
  'all-clients': selectionFlags['all-clients'],
  'expiring-between': {
    type: 'pair',
    perRun: true,
    describe: 'The batches to move: those expiring from the first day to the last, both included, as calendar days in --timezone (required)',
  },
  to: {
    type: 'string',
    perRun: true,
    describe: 'The day the batches move to (YYYY-MM-DD, required): they expire at the end of it in --timezone, as a date alone in a file does (--date-only)',
  },
  'include-inactive': {
    type: 'boolean',
    default: false,
    perRun: true,
    describe: 'Move the batches whose status is not active (expired…) too, which revives them; left out otherwise',
  },
  timezone: { ...readingFlags.timezone, describe: 'IANA time zone of the days of --expiring-between and --to, e.g. America/New_York' },
  'date-only': { ...readingFlags['date-only'], describe: 'The moment of the --to day the batches expire at: its last (the default) or its first' },
  out: { ...reportFlags.out, describe: 'Folder for rollover.csv, left-out.csv, run.log and summary.json', defaultText: 'reports/<UTC time>-rollover/' },
  json: { ...reportFlags.json, describe: 'Print summary.json to stdout instead of the summary' },
  'log-level': reportFlags['log-level'],
} as const satisfies FlagSpecs;

export const rollover: Command = {
  name: 'rollover',
  summary: 'Write rollover.csv: the expiry of every batch expiring within some days moved to the end of another, never earlier; sends nothing',
  usage: ['ti-credits rollover (--client <id>… | --all-clients) --expiring-between <from> <to> --to <day> [options]'],
  flags: { ...targetFlags, ...pacingFlags, ...rolloverFlags, ...reportsFlags, ...configFlags },
  examples: [
    [
      'ti-credits rollover --all-clients --expiring-between 2027-01-01 2027-03-31 --to 2027-06-30 --timezone America/New_York --instance acme',
      'Every active batch expiring in the first quarter, New York time, moved to the end of the second: rollover.csv in a new folder',
    ],
    ['ti-credits plan reports/<time>-rollover/rollover.csv --instance acme', 'Then the plan against the live values, for approval; apply --plan sends it'],
  ],
  notes: [
    KEY_NOTE,
    'A batch whose expiry is already later than the --to day is never moved earlier, and a batch whose status is not active is left out unless --include-inactive: each is listed, and in left-out.csv. rollover.csv holds id, clientId, name, expiresOn (the exact moment) and before.expiresOn, an input of plan and apply as it is.',
  ],
  exits: [
    [EXIT.ok, 'rollover.csv was written (or no batch had to move); nothing was sent'],
    [EXIT.refused, 'nothing was written: usage or configuration, or a list that could not be read whole'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), nothing answering at the address, a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C): no rollover.csv'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): no rollover.csv'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runRollover,
};

async function runRollover(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  const now = new Date();
  const { clients, allClients } = resolveClientChoice(flags);
  const timezone = resolveTimezone(flags);
  const window = resolveWindow(flags, timezone);
  if (window === undefined)
    throw failure(SELECTION_WORDS, 'TIC-FLAG-NEEDED', {
      command: 'rollover',
      flag: '--expiring-between <from> <to>',
      why: 'the days whose expiring batches it moves',
    });
  const to = flags.string('to');
  if (to === undefined) throw failure(SELECTION_WORDS, 'TIC-FLAG-NEEDED', { command: 'rollover', flag: '--to <day>', why: 'the day the batches move to' });
  const target = newExpiry(flags, to, timezone, now);
  const reports = reportsRoot(flags, io.cwd, input.typed);
  const { send, keyFile } = await resolveSendOptions(flags, io.env, config?.target ?? {}, io.cwd, reports);
  const { rollOver } = await import('../../pipeline/rollover.js');
  const result = await rollOver(
    {
      clients,
      allClients,
      window,
      to,
      target,
      includeInactive: flags.boolean('include-inactive'),
      outDir: flags.string('out'),
      logLevel: logLevelOf(flags),
      send,
      apiKeyFile: keyFile,
      reports,
    },
    { cwd: io.cwd, shutdown: io.shutdown },
  );
  const { summary } = result;
  const exit = exitCodeForStop(summary) ?? EXIT.ok;
  return { exit, error: summary.error, text: formatRollover(result, io.cwd), json: summary, scrub: keyScrubber(send.target.apiKey) };
}

/** The moment the --to day means as an expiry, as a date alone in a file means it (--timezone, --date-only); never one already past. */
function newExpiry(flags: Flags, to: string, timezone: string, now: Date): string {
  calendarDay('--to', to, timezone);
  const moment = readMoment(to, resolveRules(flags, now));
  if (!moment.ok) throw failure(SELECTION_WORDS, 'TIC-NOT-A-DAY', { flag: '--to', text: to });
  if (Date.parse(moment.value) <= now.getTime()) throw failure(SELECTION_WORDS, 'TIC-ROLLOVER-TO-PAST', { to, moment: moment.value });
  return moment.value;
}

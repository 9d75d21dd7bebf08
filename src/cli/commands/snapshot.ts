import { keyScrubber } from '../../core/secret.js';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForStop, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { reportsFlags, reportsRoot } from '../flags/ledger.js';
import { configFlags, logLevelOf, reportFlags } from '../flags/output.js';
import { pacingFlags, resolveSendOptions } from '../flags/pacing.js';
import { readingFlags } from '../flags/reading.js';
import { resolveClientChoice, resolveSelection, resolveTimezone, selectionFlags } from '../flags/selection.js';
import { UUID, type FlagSpecs } from '../flags/spec.js';
import { targetFlags } from '../flags/target.js';
import { notifyFlags } from '../flags/unattended.js';
import { formatSnapshotSummary } from '../views/summary.js';

/** What `snapshot` reads. */
const snapshotFlags = {
  client: { type: 'list', describe: 'A client whose credit batches to write; repeat for several (or --all-clients)' },
  'all-clients': selectionFlags['all-clients'],
  'credit-account': {
    type: 'string',
    describe: 'Only the batches of this credit account',
    defaultText: 'every credit account of the clients',
    conflicts: { 'all-clients': 'a credit account is one client’s' },
  },
  'expiring-between': selectionFlags['expiring-between'],
  status: {
    type: 'list',
    perRun: true,
    describe: 'Only the credit batches of this status, e.g. active or expired; repeat for several',
    defaultText: 'every status',
  },
  timezone: { ...readingFlags.timezone, describe: 'IANA time zone in which the days of --expiring-between are read, e.g. America/New_York' },
  out: { ...reportFlags.out, describe: 'Folder for snapshot.csv, run.log and summary.json', defaultText: 'reports/<UTC time>-snapshot/' },
  json: reportFlags.json,
  'log-level': reportFlags['log-level'],
} as const satisfies FlagSpecs;

export const snapshot: Command = {
  name: 'snapshot',
  summary: 'Write every credit batch of the clients named to snapshot.csv, ready to edit and give to apply',
  usage: ['ti-credits snapshot --client <id>… [options]', 'ti-credits snapshot --all-clients [--expiring-between <from> <to>] [--status <status>]… [options]'],
  flags: { ...targetFlags, ...pacingFlags, ...snapshotFlags, ...reportsFlags, ...notifyFlags, ...configFlags },
  examples: [
    [
      'ti-credits snapshot --client 92276658-1e27-41c0-8a6a-63ec24ede6a4 --instance acme',
      "Write the client's credit batches, with their live values repeated as before.* columns",
    ],
    [
      'ti-credits snapshot --all-clients --expiring-between 2027-01-01 2027-03-31 --timezone America/New_York --status active --instance acme',
      'The active batches of every client that expire in the first quarter of 2027, New York time',
    ],
    [
      'ti-credits snapshot --client 92276658-1e27-41c0-8a6a-63ec24ede6a4 --out acme --instance acme',
      'Write acme/snapshot.csv rather than reports/<UTC time>-snapshot/snapshot.csv',
    ],
    [
      'ti-credits apply reports/<time>-snapshot/snapshot.csv --instance acme',
      'Once edited: send the cells changed, checking first that each batch still holds its before.* values',
    ],
  ],
  notes: [KEY_NOTE],
  exits: [
    [EXIT.ok, 'snapshot.csv was written: every batch of every client named (or of every client) that the filters keep'],
    [EXIT.notAllUpdated, "no snapshot: a client's batches could not be read whole (the API kept failing, or answered inconsistently)"],
    [EXIT.refused, 'nothing was read: usage or configuration'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C): no snapshot'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): no snapshot'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runSnapshot,
};

async function runSnapshot(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  const { clients, allClients } = resolveClientChoice(flags);
  const timezone = resolveTimezone(flags);
  const selection = resolveSelection(flags, timezone);
  const account = flags.string('credit-account');
  if (account !== undefined && !UUID.test(account))
    throw failure(OPTION_WORDS, 'TIC-NOT-AN-ID', { flag: 'credit-account', text: account, what: 'credit account' });
  const reports = reportsRoot(flags, io.cwd, input.typed);
  const { send, keyFile } = await resolveSendOptions(flags, io.env, config?.target ?? {}, io.cwd, reports);
  const { takeSnapshot } = await import('../../pipeline/snapshot.js');
  const result = await takeSnapshot(
    {
      clients,
      allClients,
      selection,
      timezone,
      creditAccountId: account,
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
  return { exit, error: summary.error, text: formatSnapshotSummary(result, io.cwd), json: summary, scrub: keyScrubber(send.target.apiKey) };
}

import { keyScrubber } from '../../core/secret.js';
import { TiError } from '../../core/errors.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForError, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { configFlags, logLevelOf, reportFlags } from '../flags/output.js';
import { pacingFlags, resolveSendOptions } from '../flags/pacing.js';
import { uuids, UUID, type FlagSpecs } from '../flags/spec.js';
import { targetFlags } from '../flags/target.js';
import { notifyFlags } from '../flags/unattended.js';
import { formatSnapshotSummary } from '../views/summary.js';

/** What `snapshot` reads. */
const snapshotFlags = {
  client: { type: 'list', describe: 'A client whose credit batches to write; repeat for several (required)' },
  'credit-account': { type: 'string', describe: 'Only the batches of this credit account', defaultText: 'every credit account of the clients' },
  out: { ...reportFlags.out, describe: 'Folder for snapshot.csv, run.log and summary.json', defaultText: 'reports/<UTC time>-snapshot/' },
  json: reportFlags.json,
  'log-level': reportFlags['log-level'],
} as const satisfies FlagSpecs;

export const snapshot: Command = {
  name: 'snapshot',
  summary: 'Write every credit batch of the clients named to snapshot.csv, ready to edit and give to apply',
  usage: ['ti-credits snapshot --client <id> [options]'],
  flags: { ...targetFlags, ...pacingFlags, ...snapshotFlags, ...notifyFlags, ...configFlags },
  examples: [
    ['ti-credits snapshot --client 92276658-1e27-41c0-8a6a-63ec24ede6a4 --instance acme', "Write the client's credit batches, with their live values repeated as before.* columns"],
    ['ti-credits apply reports/<time>-snapshot/snapshot.csv --instance acme', 'Once edited: send the cells changed, checking first that each batch still holds its before.* values'],
  ],
  notes: [KEY_NOTE],
  exits: [
    [EXIT.ok, 'snapshot.csv was written, every batch of every client named'],
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
  const clients = uuids(flags, 'client', 'client');
  if (clients.length === 0) throw new TiError('invalid', 'snapshot needs at least one --client.', { hint: 'Pass --client <id> for each client whose credit batches to write.' });
  const account = flags.string('credit-account');
  if (account !== undefined && !UUID.test(account)) throw new TiError('invalid', `--credit-account "${account}" is not a credit account id.`, { hint: 'Give the UUID of the credit account.' });
  const { send, keyFile } = await resolveSendOptions(flags, io.env, config?.target ?? {}, io.cwd);
  const { takeSnapshot } = await import('../../pipeline/snapshot.js');
  const result = await takeSnapshot({ clients, creditAccountId: account, outDir: flags.string('out'), logLevel: logLevelOf(flags), send, apiKeyFile: keyFile }, { cwd: io.cwd, shutdown: io.shutdown });
  const { summary } = result;
  const exit = summary.status === 'interrupted' ? EXIT.interrupted : summary.error !== null ? exitCodeForError(summary.error.kind as Parameters<typeof exitCodeForError>[0]) : EXIT.ok;
  return { exit, error: summary.error, text: formatSnapshotSummary(result, io.cwd), json: summary, scrub: keyScrubber(send.target.apiKey) };
}

import { TiError } from '../../core/errors.js';
import { failure } from '../../core/words.js';
import { RUN_WORDS } from '../../core/words/run.js';
import { keyScrubber } from '../../core/secret.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForError, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { reportsRoot } from '../flags/ledger.js';
import { configFlags, reportFlags } from '../flags/output.js';
import { pacingFlags, resolveSendOptions } from '../flags/pacing.js';
import type { FlagSpecs } from '../flags/spec.js';
import { targetFlags } from '../flags/target.js';
import { formatClients } from '../views/selection.js';

/** What `clients` reads. */
const clientsFlags = {
  match: {
    type: 'string',
    describe: "Only the clients whose name (or another field the API indexes) matches this text: the API's documented query",
    defaultText: 'every client',
  },
  json: { ...reportFlags.json, describe: 'Print the list as JSON ({target, query, clients: [{id, name}], requests}) instead of the table' },
} as const satisfies FlagSpecs;

export const clients: Command = {
  name: 'clients',
  summary: "List the instance's clients, id and name: the ids --client takes",
  usage: ['ti-credits clients [options]'],
  flags: { ...targetFlags, ...pacingFlags, ...clientsFlags, ...configFlags },
  examples: [
    ['ti-credits clients --instance acme', 'Every client of https://acme.thoughtindustries.com, by name, with its id'],
    ['ti-credits clients --instance acme --match globex', 'Only the clients whose name matches "globex"'],
    ['ti-credits clients --instance acme --json', 'The same list as JSON, for a script'],
  ],
  notes: [KEY_NOTE, 'Reads GET /incoming/v2/clients, 50 clients a request; writes nothing.'],
  exits: [
    [EXIT.ok, 'the clients were listed (none, when none matches)'],
    [EXIT.refused, 'nothing was read: usage or configuration, or the list could not be read whole'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), nothing answering at the address, a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C)'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runClients,
};

async function runClients(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  // It keeps no run folder, but starts from the pace the last run against the target learned.
  const { send } = await resolveSendOptions(flags, io.env, config?.target ?? {}, io.cwd, reportsRoot(flags, io.cwd, input.typed));
  const scrub = keyScrubber(send.target.apiKey);
  const { listClients } = await import('../../pipeline/clients.js');
  try {
    const list = await listClients(send, flags.string('match'), io.shutdown);
    return { exit: EXIT.ok, text: formatClients(list), json: { ...list, clients: list.clients.map(({ id, name }) => ({ id, name: name ?? null })) }, scrub };
  } catch (error) {
    if (io.shutdown.aborted) return { exit: EXIT.interrupted, error: failure(RUN_WORDS, 'TIC-INTERRUPTED', { work: 'clients' }), text: '', scrub };
    // Said through the result, so that whatever the API answered is scrubbed of the key like any output.
    if (error instanceof TiError) return { exit: exitCodeForError(error.kind), error, text: '', scrub };
    throw error;
  }
}

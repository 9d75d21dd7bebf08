import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, STANDARD_EXITS } from '../exit-codes.js';
import { configFlags } from '../flags/output.js';
import { resolveOrigin } from '../flags/target.js';
import { removeFromKeyring } from '../keyring.js';
import { KEYRING_NOTE, whereFlags } from './login.js';

export const logout: Command = {
  name: 'logout',
  summary: "Remove the API key stored in the OS keyring for the profile's target",
  usage: ['ti-credits logout [--profile <name>] [options]'],
  flags: { ...whereFlags, ...configFlags },
  examples: [['ti-credits logout --profile live', 'Forget the live profile’s key; TI_API_KEY, a keyCommand or an apiKeyFile still work']],
  notes: [KEYRING_NOTE],
  exits: [
    [EXIT.ok, 'no key is stored for the target any more (or none was)'],
    [EXIT.refused, 'no keyring service, usage or configuration'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runLogout,
};

async function runLogout(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  const origin = resolveOrigin(flags, io.env, config?.target ?? {});
  const removed = await removeFromKeyring(origin);
  return {
    exit: EXIT.ok,
    text: removed ? `Removed the key for ${origin} from the OS keyring.\n` : `The OS keyring held no key for ${origin}; nothing to remove.\n`,
  };
}

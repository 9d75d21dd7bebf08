import { keyScrubber } from '../../core/secret.js';
import { failure } from '../../core/words.js';
import { KEY_KIND_WORDS, PROFILE_WORDS } from '../../core/words/profiles.js';
import { keyKind } from '../../send/api-target.js';
import type { SendOptions } from '../../send/options.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForError, STANDARD_EXITS } from '../exit-codes.js';
import { shellWord } from '../flags/recorded.js';
import { configFlags } from '../flags/output.js';
import type { FlagSpecs } from '../flags/spec.js';
import { checkKeyText, resolveOrigin, targetFlags } from '../flags/target.js';
import { storeInKeyring } from '../keyring.js';
import { checkKeyEnvironment } from '../live-target.js';
import { askSecret, readPiped } from '../secret-prompt.js';

/** Where the key is stored for: the target alone (the key is what login asks for). */
export const whereFlags = { instance: targetFlags.instance, 'base-url': targetFlags['base-url'], profile: targetFlags.profile } as const satisfies FlagSpecs;

export const KEYRING_NOTE =
  'The key is stored in the OS keyring (the macOS Keychain, the Windows Credential Manager, or a Secret Service such as GNOME Keyring) for the target, and read from there whenever TI_API_KEY is not set. A server or CI has no keyring: use TI_API_KEY, a keyCommand or an apiKeyFile there (docs/guide/profiles.md).';

export const login: Command = {
  name: 'login',
  summary: "Store the API key in the OS keyring for the profile's target, read without echoing it",
  usage: ['ti-credits login [--profile <name>] [options]', 'op read op://vault/ti/credential | ti-credits login --profile live --stdin'],
  flags: {
    ...whereFlags,
    stdin: { type: 'boolean', default: false, perRun: true, describe: 'Read the key from standard input (a pipe) instead of asking for it at the terminal' },
    check: {
      type: 'boolean',
      default: true,
      perRun: true,
      describe: 'Check the key with one GET /ping before storing it (--no-check stores it unchecked, e.g. offline)',
    },
    ...configFlags,
  },
  examples: [
    ['ti-credits login --profile live', 'Ask for the live profile’s key without echoing it, check it, and store it in the keyring'],
    ['ti-credits login --instance acme-sandbox', 'The same for an instance named on the command line'],
  ],
  notes: [KEYRING_NOTE],
  exits: [
    [EXIT.ok, 'the key is stored'],
    [EXIT.refused, 'nothing stored: no keyring service, no key typed, a key that cannot be one or is for the wrong environment, usage or configuration'],
    [EXIT.stopped, 'nothing stored: the API refused the key (401/403), or could not be reached to check it'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runLogin,
};

/** A single check of the key: no pace to keep, two retries for a network hiccup. */
function checkOnly(origin: string, apiKey: string): SendOptions {
  return {
    target: { origin, apiKey },
    concurrency: 1,
    ratePerMinute: 0,
    maxRatePerMinute: undefined,
    rateFrom: 'told',
    burst: 1,
    learnBurst: false,
    timeoutMs: 30_000,
    maxThrottleWaitMs: 60_000,
    circuitBreaker: 0,
    retry: { retries: 2, baseDelayMs: 1000, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 },
  };
}

async function runLogin(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  const origin = resolveOrigin(flags, io.env, config?.target ?? {});
  let typed: string | undefined;
  if (flags.boolean('stdin')) typed = io.stdin === undefined ? undefined : await readPiped(io.stdin);
  else if (io.terminal !== undefined) typed = await askSecret(io.terminal, `API key for ${origin} (not shown as you type): `, io.shutdown);
  else throw failure(PROFILE_WORDS, 'TIC-LOGIN-NEEDS-INPUT', {});
  if (io.shutdown.aborted) return { exit: EXIT.interrupted, text: 'Nothing was stored.\n' };
  if (typed === undefined)
    throw failure(PROFILE_WORDS, 'TIC-LOGIN-NO-KEY', {
      from: flags.boolean('stdin') ? 'piped to --stdin (or more than 64 KiB was)' : 'typed (Ctrl-C or Ctrl-D)',
    });
  const apiKey = checkKeyText(typed, flags.boolean('stdin') ? 'What was piped to --stdin' : 'The key typed');
  const scrub = keyScrubber(apiKey);
  checkKeyEnvironment(config?.profile, apiKey, { kind: 'keyring', label: 'The key given' });
  if (flags.raw.check !== false) {
    const { checkKeyAlone } = await import('../../pipeline/operations/check-key.js');
    const refused = await checkKeyAlone(checkOnly(origin, apiKey), io.shutdown);
    if (refused !== undefined)
      return { exit: io.shutdown.aborted ? EXIT.interrupted : exitCodeForError(refused.kind), error: refused, text: 'Nothing was stored.\n', scrub };
  }
  await storeInKeyring(origin, apiKey);
  const profile = config?.profile;
  const which = profile === undefined ? '' : ` --profile ${shellWord(profile.name)}`;
  const lines = [
    `Stored ${KEY_KIND_WORDS[keyKind(apiKey)]} for ${origin}${profile === undefined ? '' : ` (profile ${profile.name})`} in the OS keyring${flags.raw.check === false ? ', unchecked' : ', checked with GET /incoming/v2/ping'}.`,
    `ti-credits reads it there whenever TI_API_KEY is not set; ti-credits whoami${which} shows where each run's key comes from.`,
  ];
  if (io.env.TI_API_KEY !== undefined) lines.push('Note: TI_API_KEY is set here, and is used before the keyring: unset it for the stored key to be used.');
  lines.push(`To remove it: ti-credits logout${which}`);
  return { exit: EXIT.ok, text: `${lines.join('\n')}\n`, scrub };
}

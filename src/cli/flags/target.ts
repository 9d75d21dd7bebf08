import { TiError } from '../../core/errors.js';
import { MIN_KEY_LENGTH } from '../../core/secret.js';
import { API_PATH } from '../../send/api-target.js';
import { findKey, type KeySource } from './key-source.js';
import { nonEmpty, type Env, type FlagSpecs, type Flags } from './spec.js';

/** Where requests go, and the key: every command that talks to the API. */
export const targetFlags = {
  instance: { type: 'string', describe: 'Instance name: sends to https://<name>.thoughtindustries.com', env: 'TI_INSTANCE', conflicts: { 'base-url': 'one names the instance, the other any address' } },
  'base-url': { type: 'string', describe: 'Origin of a custom domain or the local mock, with or without /incoming/v2', env: 'TI_BASE_URL' },
  'api-key-file': { type: 'string', describe: 'File holding the API key, readable only by you', defaultText: "TI_API_KEY, then the OS keyring, then the config file's keyCommand or apiKeyFile" },
  profile: { type: 'string', env: 'TI_PROFILE', perRun: true, describe: 'The profile of the config file to use: its instance, key source, pace, guardrails and whether it is live', defaultText: 'the only profile, if there is one' },
} as const satisfies FlagSpecs;

/** Where the instance and the key file come from when neither a flag nor the environment says: a config file. */
export interface TargetDefaults {
  readonly instance?: string | undefined;
  readonly 'base-url'?: string | undefined;
  readonly 'api-key-file'?: string | undefined;
  /** A command printing the key (keyCommand), run without a shell. */
  readonly 'key-command'?: readonly string[] | undefined;
  /** The config file they come from, for messages. */
  readonly source?: string | undefined;
  /** The profile chosen, if any: a live one asks for the instance name before sending, and takes only a live key. */
  readonly profile?: { readonly name: string; readonly live: boolean } | undefined;
}

/** The origin requests go to: a flag, else the environment, else a config file. */
export function resolveOrigin(flags: Flags, env: Env, fromConfig: TargetDefaults): string {
  const baseFlag = flags.string('base-url');
  const instanceFlag = flags.string('instance');
  if (baseFlag !== undefined) return parseBaseUrl(baseFlag, '--base-url');
  if (instanceFlag !== undefined) return instanceOrigin(instanceFlag, '--instance');
  const baseEnv = nonEmpty(env.TI_BASE_URL);
  const instanceEnv = nonEmpty(env.TI_INSTANCE);
  if (baseEnv !== undefined && instanceEnv !== undefined) {
    throw new TiError('invalid', 'Both TI_INSTANCE and TI_BASE_URL are set.', { hint: 'Unset one of them, or pass --instance or --base-url to choose.' });
  }
  if (baseEnv !== undefined) return parseBaseUrl(baseEnv, 'TI_BASE_URL');
  if (instanceEnv !== undefined) return instanceOrigin(instanceEnv, 'TI_INSTANCE');
  const baseConfig = fromConfig['base-url'];
  const instanceConfig = fromConfig.instance;
  if (baseConfig !== undefined && instanceConfig !== undefined) {
    throw new TiError('invalid', `${fromConfig.source ?? 'The config file'} sets both instance and base-url.`, { hint: 'Keep one of them.' });
  }
  if (baseConfig !== undefined) return parseBaseUrl(baseConfig, `base-url in ${fromConfig.source ?? 'the config file'}`);
  if (instanceConfig !== undefined) return instanceOrigin(instanceConfig, `instance in ${fromConfig.source ?? 'the config file'}`);
  throw new TiError('invalid', 'No Thought Industries instance was given.', {
    hint: 'Pass --instance <name> for https://<name>.thoughtindustries.com, or --base-url <address> for a custom domain (or set TI_INSTANCE / TI_BASE_URL).',
  });
}

/** Refuses a key given on the command line before yargs can echo it in an "unknown argument" message. */
export function refuseKeyFlag(args: readonly string[]): void {
  if (args.some((arg) => /^--api-?key(=|$)/i.test(arg))) {
    throw new TiError('invalid', 'ti-credits does not take the API key as a command-line flag, where shell history and the process list would keep it.', {
      hint: 'Set the TI_API_KEY environment variable, or put the key in a file and pass --api-key-file <path>.',
    });
  }
}

/**
 * Said instead of the value of --instance, --base-url or --api-key-file when
 * it is refused: a key pasted there by mistake must not be echoed into a
 * terminal's scrollback, a CI log or a cron mail.
 */
const NOT_ECHOED = 'the value is not repeated here, in case it is a key pasted by mistake';

function instanceOrigin(name: string, source: string): string {
  if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(name)) return `https://${name.toLowerCase()}.thoughtindustries.com`;
  throw new TiError('invalid', `${source} is not an instance name.`, {
    hint: `Give only the name, e.g. acme for https://acme.thoughtindustries.com; for any other address use --base-url (${NOT_ECHOED}).`,
  });
}

/** Accepts an origin, optionally followed by /incoming/v2; plain http only to this machine. */
export function parseBaseUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TiError('invalid', `${source} is not a web address.`, { hint: `Write it in full, e.g. https://learn.example.com (${NOT_ECHOED}).` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TiError('invalid', `${source} must start with https://.`, { hint: `Write it in full, e.g. https://learn.example.com (${NOT_ECHOED}).` });
  }
  if (url.username !== '' || url.password !== '') {
    throw new TiError('invalid', `${source} must not contain a user name or password.`, { hint: 'The API key is the only credential; set it with TI_API_KEY.' });
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (url.search !== '' || url.hash !== '' || (path !== '' && path !== API_PATH)) {
    throw new TiError('invalid', `${source} must be the instance's address alone, with no query (?…), fragment (#…) or other path.`, {
      hint: `e.g. https://learn.example.com, optionally followed by ${API_PATH}; the key is read from TI_API_KEY or --api-key-file, never from the address (${NOT_ECHOED}).`,
    });
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new TiError('invalid', `${source} uses plain http://, which would send the API key across the network unencrypted.`, {
      hint: 'Use https://; plain http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), e.g. the local mock.',
    });
  }
  return url.origin;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The key, where it came from, and the file it was read from, if any: recorded (never the key) so that a resumed run reads it there again. */
export async function resolveApiKey(flags: Flags, env: Env, fromConfig: TargetDefaults, cwd: string, origin: string): Promise<{ apiKey: string; file: string | undefined; source: KeySource }> {
  const found = await findKey({ flagFile: flags.string('api-key-file'), env, fromConfig, cwd, origin });
  return { apiKey: checkKeyText(found.text, found.source.label), file: found.source.file, source: found.source };
}

/** A key as read from `source`, trimmed, held to what a key may look like. */
export function checkKeyText(text: string, source: string): string {
  const key = text.trim();
  if (key === '') throw new TiError('invalid', `${source} is empty.`, { hint: 'Put the API key from Thought Industries there.' });
  if (/^bearer\s/i.test(key)) throw new TiError('invalid', `${source} starts with "Bearer".`, { hint: 'Give the key alone; ti-credits adds "Bearer" itself.' });
  if (/[^\x21-\x7e]/.test(key)) throw new TiError('invalid', `${source} contains spaces or characters an API key cannot have.`, { hint: 'Copy the key again from Thought Industries.' });
  if (key.length < MIN_KEY_LENGTH) {
    throw new TiError('invalid', `${source} holds ${key.length} characters, too few for an API key (ti-credits takes keys of ${MIN_KEY_LENGTH} characters or more; Thought Industries keys are longer).`, {
      hint: 'Copy the whole key from Thought Industries (Settings › Security).',
    });
  }
  return key;
}

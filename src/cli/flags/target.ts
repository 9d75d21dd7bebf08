import { failure } from '../../core/words.js';
import { TARGET_WORDS } from '../../core/words/target.js';
import { MIN_KEY_LENGTH } from '../../core/secret.js';
import { API_PATH } from '../../send/api-target.js';
import { findKey, type KeySource } from './key-source.js';
import { nonEmpty, type Env, type FlagSpecs, type Flags } from './spec.js';

/** Where requests go, and the key: every command that talks to the API. */
export const targetFlags = {
  instance: {
    type: 'string',
    describe: 'Instance name: sends to https://<name>.thoughtindustries.com',
    env: 'TI_INSTANCE',
    conflicts: { 'base-url': 'one names the instance, the other any address' },
  },
  'base-url': { type: 'string', describe: 'Origin of a custom domain or the local mock, with or without /incoming/v2', env: 'TI_BASE_URL' },
  'api-key-file': {
    type: 'string',
    describe: 'File holding the API key, readable only by you',
    defaultText: "TI_API_KEY, then the OS keyring, then the config file's keyCommand or apiKeyFile",
  },
  profile: {
    type: 'string',
    env: 'TI_PROFILE',
    perRun: true,
    describe: 'The profile of the config file to use: its instance, key source, pace, guardrails and whether it is live',
    defaultText: 'the only profile, if there is one',
  },
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

/**
 * Whether a flag, the environment or the config file (a profile) names a
 * target. Only when none does may a run's record or a saved plan name it: a
 * target named here is checked against theirs, never replaced by it, since the
 * key found beside it (a profile's key file or command) is that target's.
 */
export function targetNamed(flags: Flags, env: Env, fromConfig: TargetDefaults): boolean {
  return [
    flags.string('base-url'),
    flags.string('instance'),
    nonEmpty(env.TI_BASE_URL),
    nonEmpty(env.TI_INSTANCE),
    fromConfig['base-url'],
    fromConfig.instance,
  ].some((value) => value !== undefined);
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
    throw failure(TARGET_WORDS, 'TIC-TARGET-TWICE', { config: undefined });
  }
  if (baseEnv !== undefined) return parseBaseUrl(baseEnv, 'TI_BASE_URL');
  if (instanceEnv !== undefined) return instanceOrigin(instanceEnv, 'TI_INSTANCE');
  const baseConfig = fromConfig['base-url'];
  const instanceConfig = fromConfig.instance;
  if (baseConfig !== undefined && instanceConfig !== undefined) {
    throw failure(TARGET_WORDS, 'TIC-TARGET-TWICE', { config: fromConfig.source ?? 'The config file' });
  }
  if (baseConfig !== undefined) return parseBaseUrl(baseConfig, `base-url in ${fromConfig.source ?? 'the config file'}`);
  if (instanceConfig !== undefined) return instanceOrigin(instanceConfig, `instance in ${fromConfig.source ?? 'the config file'}`);
  throw failure(TARGET_WORDS, 'TIC-NO-INSTANCE', {});
}

/** Refuses a key given on the command line before yargs can echo it in an "unknown argument" message. */
export function refuseKeyFlag(args: readonly string[]): void {
  if (args.some((arg) => /^--api-?key(=|$)/i.test(arg))) {
    throw failure(TARGET_WORDS, 'TIC-KEY-AS-FLAG', {});
  }
}

function instanceOrigin(name: string, source: string): string {
  if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(name)) return `https://${name.toLowerCase()}.thoughtindustries.com`;
  // The value is not repeated in the refusal: a key pasted there by mistake must not be echoed.
  throw failure(TARGET_WORDS, 'TIC-INSTANCE-INVALID', { source });
}

/** Accepts an origin, optionally followed by /incoming/v2; plain http only to this machine. */
export function parseBaseUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw failure(TARGET_WORDS, 'TIC-BASE-URL-INVALID', { source, problem: 'not-an-address', apiPath: API_PATH });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw failure(TARGET_WORDS, 'TIC-BASE-URL-INVALID', { source, problem: 'scheme', apiPath: API_PATH });
  }
  if (url.username !== '' || url.password !== '') {
    throw failure(TARGET_WORDS, 'TIC-BASE-URL-INVALID', { source, problem: 'credentials', apiPath: API_PATH });
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (url.search !== '' || url.hash !== '' || (path !== '' && path !== API_PATH)) {
    throw failure(TARGET_WORDS, 'TIC-BASE-URL-INVALID', { source, problem: 'not-alone', apiPath: API_PATH });
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw failure(TARGET_WORDS, 'TIC-BASE-URL-INSECURE', { source });
  }
  return url.origin;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The key, where it came from, and the file it was read from, if any: recorded (never the key) so that a resumed run reads it there again. */
export async function resolveApiKey(
  flags: Flags,
  env: Env,
  fromConfig: TargetDefaults,
  cwd: string,
  origin: string,
): Promise<{ apiKey: string; file: string | undefined; source: KeySource }> {
  const found = await findKey({ flagFile: flags.string('api-key-file'), env, fromConfig, cwd, origin });
  return { apiKey: checkKeyText(found.text, found.source.label), file: found.source.file, source: found.source };
}

/** A key as read from `source`, trimmed, held to what a key may look like. */
export function checkKeyText(text: string, source: string): string {
  const key = text.trim();
  if (key === '') throw failure(TARGET_WORDS, 'TIC-KEY-MALFORMED', { source, problem: 'empty' });
  if (/^bearer\s/i.test(key)) throw failure(TARGET_WORDS, 'TIC-KEY-MALFORMED', { source, problem: 'bearer' });
  if (/[^\x21-\x7e]/.test(key)) throw failure(TARGET_WORDS, 'TIC-KEY-MALFORMED', { source, problem: 'characters' });
  if (key.length < MIN_KEY_LENGTH) throw failure(TARGET_WORDS, 'TIC-KEY-MALFORMED', { source, problem: 'short', length: key.length, min: MIN_KEY_LENGTH });
  return key;
}

import { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { PROFILE_WORDS } from '../core/words/profiles.js';
import type { ProfileFacts } from './live-target.js';
import { closestName } from './suggest.js';

/**
 * Profiles: named sets of options in the config file, each a target (an
 * instance or a base URL), where its key comes from, its pace and
 * guardrails, and whether it is live. One is chosen with --profile or
 * TI_PROFILE, or is the default when it is the only one, and is laid over
 * the file's own options: flags > environment > profile > file > defaults.
 *
 * ```json
 * { "timezone": "America/New_York",
 *   "profiles": {
 *     "sandbox": { "instance": "acme-sandbox", "live": false, "apiKeyFile": "sandbox.key" },
 *     "live": { "instance": "acme", "live": true, "keyCommand": ["op", "read", "op://ops/ti/credential"], "rate": 600, "burst": 100, "maxTotalChange": 50000 } } }
 * ```
 */

/** What the config file, or one of its profiles, says: options for the parser, and where to send with which key. */
export interface ConfigEntries {
  readonly options: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly target: {
    readonly instance?: string | undefined;
    readonly 'base-url'?: string | undefined;
    readonly 'api-key-file'?: string | undefined;
    readonly 'key-command'?: readonly string[] | undefined;
  };
  /** `live`, as written: only a profile has one. */
  readonly live: unknown;
}

export interface ProfileEntry extends ProfileFacts {
  readonly options: ConfigEntries['options'];
  readonly target: ConfigEntries['target'];
}

/** A config file as profiles.ts needs it (config-file.ts's ConfigFile). */
interface Profiled {
  readonly path: string;
  readonly options: ConfigEntries['options'];
  readonly target: ConfigEntries['target'] & { readonly source?: string | undefined; readonly profile?: ProfileFacts | undefined };
  readonly profiles: Readonly<Record<string, ProfileEntry>>;
  readonly profile?: ProfileFacts | undefined;
}

/** Names typed on command lines and shown in messages: letters, digits, `.`, `_` and `-`. */
const PROFILE_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** The `profiles` of a config file, each read by `read` as the file's own keys are, with `live` required. */
export function readProfiles(
  path: string,
  value: unknown,
  read: (name: string, body: Readonly<Record<string, unknown>>) => ConfigEntries,
): Record<string, ProfileEntry> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw failure(PROFILE_WORDS, 'TIC-PROFILES-INVALID', { config: path });
  }
  const profiles: Record<string, ProfileEntry> = {};
  for (const [name, body] of Object.entries(value)) {
    const invalid = (why: string): TiError => failure(PROFILE_WORDS, 'TIC-PROFILE-INVALID', { config: path, name, why });
    if (!PROFILE_NAME.test(name)) throw invalid('has a name other than letters, digits, ".", "_" and "-" (up to 64)');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('is not an object of options');
    const entries = read(name, body as Record<string, unknown>);
    // Never guessed: whether a profile is production decides how sending there is confirmed.
    if (typeof entries.live !== 'boolean') throw invalid('does not say whether it is live: add "live": true for production, "live": false for a sandbox');
    if (entries.target.instance !== undefined && entries.target['base-url'] !== undefined) throw invalid('sets both instance and baseUrl');
    if (entries.target['key-command'] !== undefined && entries.target['api-key-file'] !== undefined)
      throw invalid('sets both keyCommand and apiKeyFile: name one place for its key');
    profiles[name] = { name, live: entries.live, options: entries.options, target: entries.target };
  }
  return profiles;
}

/** The profile asked for, and where: --profile (or --profile=…) on the command line, else TI_PROFILE. */
export interface ProfileChoice {
  readonly name: string;
  readonly from: string;
}

export function profileChoice(args: readonly string[], env: Readonly<Record<string, string | undefined>>): ProfileChoice | undefined {
  const index = args.indexOf('--profile');
  const typed = index >= 0 ? args[index + 1] : args.find((arg) => arg.startsWith('--profile='))?.slice('--profile='.length);
  if (typed !== undefined && typed.trim() !== '') return { name: typed.trim(), from: '--profile' };
  const fromEnv = env.TI_PROFILE?.trim();
  return fromEnv === undefined || fromEnv === '' ? undefined : { name: fromEnv, from: 'TI_PROFILE' };
}

/**
 * The config file with the chosen profile laid over it. A profile naming a
 * target replaces the file's (an instance and a base URL never mix), and
 * one naming its key's place replaces the file's key file or command.
 * `needsTarget`: the command talks to the API, so that with several profiles
 * one must be chosen; one that does not (validate) takes a profile only when
 * asked.
 */
export function chooseProfile<C extends Profiled>(config: C | undefined, choice: ProfileChoice | undefined, needsTarget: boolean): C | undefined {
  if (config === undefined) {
    if (choice !== undefined) throw failure(PROFILE_WORDS, 'TIC-PROFILE-WITHOUT-CONFIG', choice);
    return undefined;
  }
  const known = Object.keys(config.profiles);
  let profile: ProfileEntry | undefined;
  if (choice !== undefined) {
    profile = config.profiles[choice.name];
    if (profile === undefined)
      throw failure(PROFILE_WORDS, 'TIC-PROFILE-UNKNOWN', { ...choice, config: config.path, known, near: closestName(choice.name, known) });
  } else if (known.length === 1) {
    profile = config.profiles[known[0] ?? ''];
  } else if (known.length > 1 && needsTarget) {
    throw failure(PROFILE_WORDS, 'TIC-PROFILE-NEEDED', { config: config.path, known });
  }
  if (profile === undefined) return config;
  const { target } = profile;
  const origin = target.instance !== undefined || target['base-url'] !== undefined;
  const key = target['key-command'] !== undefined || target['api-key-file'] !== undefined;
  const { instance, 'base-url': baseUrl, 'api-key-file': keyFile, 'key-command': keyCommand, ...rest } = config.target;
  return {
    ...config,
    options: { ...config.options, ...profile.options },
    target: {
      ...rest,
      ...(origin ? {} : { instance, 'base-url': baseUrl }),
      ...(key ? {} : { 'api-key-file': keyFile, 'key-command': keyCommand }),
      ...target,
      source: `${config.path} (profile "${profile.name}")`,
      profile: { name: profile.name, live: profile.live },
    },
    profile: { name: profile.name, live: profile.live },
  };
}

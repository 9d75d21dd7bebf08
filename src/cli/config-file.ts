import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TiError } from '../core/errors.js';
import { parseKeyCommand } from './flags/key-source.js';
import type { TargetDefaults } from './flags/target.js';
import type { ProfileFacts } from './live-target.js';
import { readProfiles, type ConfigEntries, type ProfileEntry } from './profiles.js';
import { closestName } from './suggest.js';

/** Looked for, in this order, in the working folder when --config is not given. */
export const CONFIG_FILES = ['ti-credits.config.json', '.ti-creditsrc'] as const;

/** What a config file may hold, as the command registry declares it. */
export interface ConfigKeys {
  /** Every key a config file may set. */
  readonly known: readonly string[];
  /** Those given as a list. */
  readonly repeatable: readonly string[];
  /**
   * Options that belong to one run, never to a file every run reads: a config
   * file saying `yes` would send without asking, `out` would collide on the
   * second run, `resume` would resume the same run forever.
   */
  readonly perRun: readonly string[];
}

/** Paths a config file gives, found from the config file that names them (as apiKeyFile is), wherever the command runs. */
const PATH_KEYS = new Set(['reports', 'approval-key-file']);

export interface ConfigFile {
  readonly path: string;
  /** Options for yargs, below the flags in precedence. */
  readonly options: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** Where to send and the key file: below the environment too. */
  readonly target: TargetDefaults;
  /** Its profiles by name (`profiles`), each laid over the file's own options when chosen (profiles.ts). */
  readonly profiles: Readonly<Record<string, ProfileEntry>>;
  /** The profile chosen and laid over the file's options, if any. */
  readonly profile?: ProfileFacts | undefined;
}

/**
 * Reads the config file the command line names, or the one in `cwd`. Keys
 * are option names, in kebab-case or camelCase (`dateFormat`); an unknown
 * key is refused with the closest known one, since a misspelt option would
 * otherwise be silently ignored.
 */
export async function loadConfig(explicit: string | undefined, cwd: string, keys: ConfigKeys): Promise<ConfigFile | undefined> {
  const candidates = explicit === undefined ? CONFIG_FILES.map((name) => resolve(cwd, name)) : [resolve(cwd, explicit)];
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && explicit === undefined) continue;
      throw new TiError('invalid', `The config file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { hint: 'Check the path given to --config.' });
    }
    return parseConfig(path, text, keys);
  }
  return undefined;
}

function parseConfig(path: string, text: string, keys: ConfigKeys): ConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TiError('invalid', `The config file ${path} is not valid JSON: ${(error as Error).message}.`, { hint: 'It holds one JSON object, e.g. {"instance": "acme", "rate": 600}.' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TiError('invalid', `The config file ${path} must hold one JSON object.`, { hint: 'e.g. {"instance": "acme", "rate": 600}.' });
  }
  const { options, target } = readEntries(path, parsed as Record<string, unknown>, keys);
  const profiles = readProfiles(path, (parsed as Record<string, unknown>).profiles, (name, body) => readEntries(path, body, keys, name));
  return { path, options, target: { ...target, source: path }, profiles };
}

/** The options and the target of the file, or of one of its profiles (`profile`, its name), key by key. */
function readEntries(path: string, entries: Readonly<Record<string, unknown>>, keys: ConfigKeys, profile?: string): ConfigEntries {
  const { known, repeatable } = keys;
  const perRun = new Set([...keys.perRun, 'help', 'version']);
  const where = profile === undefined ? `The config file ${path}` : `The profile "${profile}" in ${path}`;
  const options: Record<string, string | number | boolean | readonly string[]> = {};
  const target: { -readonly [K in keyof ConfigEntries['target']]: ConfigEntries['target'][K] } = {};
  let live: unknown;
  for (const [rawKey, value] of Object.entries(entries)) {
    const key = rawKey.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    if (key === 'api-key' || key === 'key' || key === 'token') {
      throw new TiError('invalid', `${where} holds an API key ("${rawKey}"); ti-credits never reads a key from a config file.`, {
        hint: 'Remove it, and store the key with ti-credits login, or name a keyCommand or a file readable only by you ("apiKeyFile"); or set TI_API_KEY.',
      });
    }
    if (key === 'profiles' && profile === undefined) continue;
    if (key === 'live' && profile !== undefined) {
      live = value;
      continue;
    }
    if (key === 'key-command') {
      target['key-command'] = parseKeyCommand(value, profile === undefined ? path : `profile "${profile}" of ${path}`);
      continue;
    }
    if (perRun.has(key)) throw new TiError('invalid', `${where} sets "${rawKey}", which belongs to one run, not to a config file.`, { hint: `Remove it and pass --${key} on the command line when needed.` });
    if (!known.includes(key)) {
      const near = closestName(key, known);
      throw new TiError('invalid', `${where} sets "${rawKey}", which is not a ti-credits option.`, { hint: near === undefined ? 'Run ti-credits apply --help for the options.' : `Did you mean "${near}"?` });
    }
    if (repeatable.includes(key) && Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      options[key] = value as string[];
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TiError('invalid', `${where} sets "${rawKey}" to ${JSON.stringify(value)}; an option takes a string, a number or true/false${repeatable.includes(key) ? ', or a list of strings' : ''}.`);
    }
    if (key === 'instance' || key === 'base-url') target[key] = String(value);
    // A key file is found from the config file that names it, wherever the command runs.
    else if (key === 'api-key-file') target[key] = resolve(dirname(path), String(value));
    else options[key] = PATH_KEYS.has(key) && typeof value === 'string' ? resolve(dirname(path), value) : value;
  }
  return { options, target, live };
}

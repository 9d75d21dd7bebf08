import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TiError } from '../../core/errors.js';
import { failure } from '../../core/words.js';
import { PROFILE_WORDS } from '../../core/words/profiles.js';
import { readKeyring } from '../keyring.js';
import type { Env } from './spec.js';

/**
 * Where the API key comes from, in this order: the file --api-key-file names
 * (a flag, above everything); TI_API_KEY; the OS keyring (`ti-credits
 * login`); a `keyCommand` (a secrets manager's CLI, e.g. `op read`); an
 * `apiKeyFile` named by the config file or its profile. Never the config
 * file itself, never a flag. The key is only ever returned: where it came
 * from is what is said and recorded.
 */
export type KeySourceKind = 'environment' | 'keyring' | 'command' | 'file';

export interface KeySource {
  readonly kind: KeySourceKind;
  /** Where, in words a message can start with: "TI_API_KEY", "The OS keyring", "The keyCommand (op read …)". */
  readonly label: string;
  /** The key file's absolute path, for a key read from one. */
  readonly file?: string | undefined;
}

export interface FoundKey {
  /** As read, untrimmed: target.ts holds it to what a key may look like. */
  readonly text: string;
  readonly source: KeySource;
}

/** The key sources a config file (or its profile) names. */
export interface ConfiguredKey {
  readonly 'key-command'?: readonly string[] | undefined;
  readonly 'api-key-file'?: string | undefined;
  /** Where they are written, for messages. */
  readonly source?: string | undefined;
}

export interface KeyPlaces {
  readonly flagFile: string | undefined;
  readonly env: Env;
  readonly fromConfig: ConfiguredKey;
  readonly cwd: string;
  /** The origin the key is for: the keyring holds a key per origin. */
  readonly origin: string;
}

/** The key from the first source that has one. */
export async function findKey(places: KeyPlaces): Promise<FoundKey> {
  const { flagFile, env, fromConfig, cwd, origin } = places;
  const where = fromConfig.source ?? 'the config file';
  if (flagFile !== undefined) return readKeyFile(resolve(cwd, flagFile), 'The file given to --api-key-file');
  if (env.TI_API_KEY !== undefined) return { text: env.TI_API_KEY, source: { kind: 'environment', label: 'TI_API_KEY' } };
  const stored = await readKeyring(origin);
  if (stored.kind === 'found') return { text: stored.key, source: { kind: 'keyring', label: `The OS keyring (${origin})` } };
  const command = fromConfig['key-command'];
  if (command !== undefined)
    return { text: await runKeyCommand(command, env, cwd), source: { kind: 'command', label: `The keyCommand (${command.join(' ')}) in ${where}` } };
  const file = fromConfig['api-key-file'];
  if (file !== undefined) return readKeyFile(resolve(cwd, file), `The key file named by apiKeyFile in ${where}`);
  throw failure(PROFILE_WORDS, 'TIC-NO-API-KEY', {
    keyring: stored.kind === 'none' ? `the OS keyring holds none for ${origin}` : `there is no OS keyring service to ask (${stored.detail})`,
  });
}

/**
 * A key file, refused when users other than its owner may read it: a key
 * another account can read is no longer a secret, as ssh holds its keys.
 * (Windows has no such mode bits; its files are guarded by their ACLs.)
 */
export async function readKeyFile(path: string, source: string): Promise<FoundKey> {
  try {
    const { mode } = await stat(path);
    if (process.platform !== 'win32' && (mode & 0o044) !== 0) {
      throw failure(PROFILE_WORDS, 'TIC-KEY-FILE-OPEN', { source, path, mode: (mode & 0o777).toString(8).padStart(4, '0') });
    }
    return { text: await readFile(path, 'utf8'), source: { kind: 'file', label: source, file: path } };
  } catch (error) {
    if (error instanceof TiError) throw error;
    throw failure(PROFILE_WORDS, 'TIC-KEY-FILE-UNREADABLE', { source, code: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
  }
}

/** Longest a keyCommand may take: a secrets manager may wait for a fingerprint or a password. */
const KEY_COMMAND_TIMEOUT_MS = 120_000;
/** Most a keyCommand may print: a key is short; anything longer is not one. */
const KEY_COMMAND_MAX_BYTES = 64 * 1024;

/**
 * Runs the keyCommand without a shell (execFile: no quoting, no pipes, no
 * variables, so nothing in the config file can inject a command) and takes
 * its one line of output as the key. Whatever it prints, on stdout or
 * stderr, is never shown, logged or kept: a failure is said by its exit
 * code, its signal or its time limit alone.
 */
export function runKeyCommand(command: readonly string[], env: Env, cwd: string): Promise<string> {
  const [program = '', ...args] = command;
  const said = command.join(' ');
  const failed = (why: string): Error => failure(PROFILE_WORDS, 'TIC-KEY-COMMAND-FAILED', { command: said, why });
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      program,
      args,
      { cwd, env: { ...env }, timeout: KEY_COMMAND_TIMEOUT_MS, maxBuffer: KEY_COMMAND_MAX_BYTES, encoding: 'utf8', windowsHide: true },
      (error, stdout) => {
        if (error !== null) {
          const code = (error as NodeJS.ErrnoException).code as string | number | undefined;
          if (code === 'ENOENT') return reject(failed(`could not be started: there is no program "${program}" on the PATH`));
          if (code === 'EACCES') return reject(failed(`could not be started: "${program}" is not executable`));
          if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(failed(`printed more than ${KEY_COMMAND_MAX_BYTES / 1024} KiB, which is not a key`));
          if ((error as { killed?: boolean }).killed === true)
            return reject(failed(`did not finish within ${KEY_COMMAND_TIMEOUT_MS / 1000} s and was stopped`));
          const signal = (error as { signal?: string | null }).signal;
          if (typeof signal === 'string' && signal !== '') return reject(failed(`was ended by ${signal}`));
          return reject(failed(`exited with code ${String(code)}`));
        }
        const key = stdout.trim();
        if (key === '') return reject(failed('printed nothing'));
        if (/[\r\n]/.test(key)) return reject(failed('printed more than one line, so which one is the key cannot be told'));
        resolvePromise(key);
      },
    );
    // It reads nothing from ti-credits: a command waiting on its input must not wait forever.
    child.stdin?.end();
  });
}

/** Characters that mean something to a shell and nothing to execFile: a keyCommand holding one was written for a shell. */
const SHELL_SYNTAX = /["'`$|;&<>(){}*?~\\]/;

/**
 * A keyCommand as a config file gives it: a list of strings (program, then
 * arguments), or one line of words separated by spaces. A line written for a
 * shell (quotes, pipes, variables) is refused rather than run some other way
 * than its author meant.
 */
export function parseKeyCommand(value: unknown, where: string): readonly string[] {
  const invalid = (why: string): Error => failure(PROFILE_WORDS, 'TIC-KEY-COMMAND-INVALID', { where, why });
  if (typeof value === 'string') {
    if (SHELL_SYNTAX.test(value)) throw invalid('is written for a shell (quotes, pipes, variables or other shell syntax), and it is run without one');
    const words = value
      .trim()
      .split(/\s+/)
      .filter((word) => word !== '');
    if (words.length === 0) throw invalid('is empty');
    return words;
  }
  if (Array.isArray(value) && value.length > 0 && value.every((word) => typeof word === 'string' && word !== '')) return value as string[];
  throw invalid('must be a list of strings, the program first, or one line of words');
}

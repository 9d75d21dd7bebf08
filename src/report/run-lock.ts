import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { TiError } from '../core/errors.js';
import { failure, say } from '../core/words.js';
import { createWhole, releaseQuietly, unlinkQuietly } from './lock-file.js';
import { PROFILE_WORDS } from '../core/words/profiles.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';

export const LOCK_FILE = 'run.lock';

/** Who holds a run folder, as its lock file says. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** When it took the folder (ISO 8601). */
  readonly since: string;
}

/** A run folder another live process holds: refused before anything is read or written there. */
export class RunFolderBusy extends TiError {
  readonly folder: string;
  /** Undefined only when the lock does not read (it kept changing hands while this process tried). */
  readonly holder: LockHolder | undefined;

  constructor(folder: string, holder: LockHolder | undefined) {
    const { code, message, hint } = say(RUN_FOLDER_WORDS, 'TIC-FOLDER-IN-USE', { folder, holder, lock: join(folder, LOCK_FILE) });
    super('invalid', message, { code, ...(hint === undefined ? {} : { hint }) });
    this.folder = folder;
    this.holder = holder;
  }
}

/**
 * The lock on a run folder: `run.lock`, holding the pid, host and start of
 * the process that owns the folder. Sending a row twice is what it prevents,
 * so it is ti-credits' own rather than a library's: proper-lockfile (the
 * usual choice) says a lock is stale when its holder has not touched it for
 * some seconds, which needs a timer to keep firing, yet the end of a resumed
 * run compacts its report with synchronous reads that can hold the event
 * loop longer than that (a second process would then send alongside); and
 * it records no pid or host, so the second process could not say who holds
 * the folder, and a killed run's lock would be taken over only once it had
 * aged. Here a lock is stale exactly when its process is gone: same host and
 * no such pid, or a file that does not read as a lock (a power cut). A lock
 * of another host is never judged: it is refused, naming that host.
 *
 * The lock appears whole or not at all (written aside, then hard-linked into
 * place, which fails if one exists), so a reader never sees half of it. A
 * stale lock is taken over under `run.lock.takeover`, made the same way:
 * two processes finding the same stale lock cannot both remove it, one of
 * them after the other has taken the folder.
 */
export class RunLock {
  readonly #path: string;
  readonly #release = (): void => this.release();
  #held = true;

  private constructor(path: string) {
    this.#path = path;
    // Whatever way the process ends (a second Ctrl-C exits at once), the folder is left free.
    process.once('exit', this.#release);
  }

  /** Takes `folder` for this process, or throws RunFolderBusy naming the live process that holds it. */
  static acquire(folder: string, now: Date): RunLock {
    const path = join(folder, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, host: hostname(), since: now.toISOString() };
    // A few rounds at most: each is lost only to another process freeing or taking over the folder meanwhile.
    for (let round = 0; round < 3; round++) {
      if (createWhole(path, holderText(holder))) return new RunLock(path);
      const found = readHolder(path);
      if (found !== undefined && !isGone(found)) throw new RunFolderBusy(folder, found);
      if (takeOver(path, holder)) return new RunLock(path);
    }
    const last = readHolder(path);
    throw new RunFolderBusy(folder, last !== undefined && !isGone(last) ? last : undefined);
  }

  /**
   * Takes `folder`, waiting up to `waitMs` for the live process that holds
   * it to free it (an unattended run started while another still works in
   * the folder: --lock-timeout), looking again every second. Stops waiting
   * when `signal` aborts. A folder whose lock file cannot be made (a
   * read-only one) is refused as not writable.
   */
  static async acquireWithin(folder: string, now: () => Date, waitMs: number, signal?: AbortSignal): Promise<RunLock> {
    const started = Date.now();
    for (;;) {
      try {
        return RunLock.acquire(folder, now());
      } catch (error) {
        if (!(error instanceof RunFolderBusy)) throw unlockable(folder, error);
        const waited = Date.now() - started;
        if (waitMs === 0) throw error;
        if (waited >= waitMs || signal?.aborted === true)
          throw failure(PROFILE_WORDS, 'TIC-FOLDER-STILL-BUSY', { busy: error.message, waited: `${Math.round(waited / 1000)} s` });
        await pause(Math.min(LOCK_POLL_MS, waitMs - waited), signal);
      }
    }
  }

  /** Frees the folder; once, whichever exit path calls it. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    process.removeListener('exit', this.#release);
    releaseQuietly(this.#path);
  }
}

/** Whether a live process holds `folder` (one whose lock a killed process left behind does not). */
export function isHeld(folder: string): boolean {
  const holder = readHolder(join(folder, LOCK_FILE));
  return holder !== undefined && !isGone(holder);
}

/** How often a folder held by another process is looked at again while waiting for it. */
const LOCK_POLL_MS = 1000;

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function unlockable(folder: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') return error;
  return failure(PROFILE_WORDS, 'TIC-FOLDER-UNLOCKABLE', { folder, code });
}

/**
 * Replaces the stale lock at `path` with `holder`'s, under the takeover
 * lock; false when the lock was freed meanwhile or a takeover left by a
 * dead process was cleared (try again). A live process taking it over, or
 * holding it by now, is named.
 */
function takeOver(path: string, holder: LockHolder): boolean {
  const folder = dirname(path);
  const takeover = `${path}.takeover`;
  if (!createWhole(takeover, holderText(holder))) {
    const taking = readHolder(takeover);
    if (taking !== undefined && !isGone(taking)) throw new RunFolderBusy(folder, taking);
    // A takeover whose process died, or one that does not read (appearing whole, it was cut by a power cut), is
    // cleared; one gone meanwhile was finished, and the next round meets the lock it left.
    if (taking !== undefined || (existsSync(takeover) && readHolder(takeover) === undefined)) unlinkQuietly(takeover);
    return false;
  }
  try {
    // Under the takeover lock, the lock is still the stale one, unless the folder was taken meanwhile.
    const current = readHolder(path);
    if (current !== undefined && !isGone(current)) throw new RunFolderBusy(folder, current);
    unlinkQuietly(path);
    return createWhole(path, holderText(holder));
  } finally {
    unlinkQuietly(takeover);
  }
}

/** The holder a lock file names; undefined when it is gone or does not read as a lock. */
function readHolder(path: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string' || typeof holder.since !== 'string') return undefined;
    return { pid: holder.pid, host: holder.host, since: holder.since };
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `holder` is known to be gone: on this host, and no process has its pid. */
function isGone(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, run by another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const holderText = (holder: LockHolder): string => `${JSON.stringify(holder)}\n`;

import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';

/**
 * The two moves both of ti-credits' lock files (run.lock, ledger.lock) are
 * made of: a file created whole or not at all, and a file removed whether or
 * not it is still there.
 */

/**
 * Creates `path` holding `text`, whole, unless it exists; false if it does.
 * Written and synced beside it, then linked into place: a reader never sees
 * a lock file half written, and of two processes exactly one link succeeds.
 */
export function createWhole(path: string, text: string): boolean {
  const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const fd = openSync(aside, 'wx');
  // The file aside goes whatever fails, a full disk while it is written included.
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    releaseQuietly(aside);
  }
}

/**
 * Removes a lock file this process is done with, or leaves it: one that
 * cannot be removed (its folder made read-only mid-run) is stale once this
 * process has ended, which is how a lock left by a killed process is told
 * apart; failing here would hide how the work itself ended.
 */
export function releaseQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Left behind: stale once this process ends.
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

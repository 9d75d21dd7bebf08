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
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(aside);
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

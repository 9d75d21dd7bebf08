import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWhole, releaseQuietly, unlinkQuietly } from '../lock-file.js';

export const LEDGER_LOCK = 'ledger.lock';

/** Longest a lock is held: a few reads and one append. Older, its holder is taken for dead, on any host. */
const STALE_MS = 30_000;
/** How long a writer waits for others to finish before giving up: longer than a lock takes to go stale, so that a dead writer's lock is always taken over in time. */
const WAIT_MS = 45_000;

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: number;
}

/**
 * The ledger's write lock, held for the moment it takes to read the ledger
 * and append to it: one writer at a time, so that a check ("was this file
 * applied?") and the record that answers it for the next run are one step,
 * and no two lines can interleave, even on a shared drive whose appends are
 * not atomic. It appears whole or not at all (written aside, hard-linked into
 * place). A holder killed outright leaves it behind: it is stale once its
 * process is gone (same host) or once it is older than any hold can be.
 * Answers BUSY when it could not be taken in time.
 */
export async function withLedgerLock<T>(root: string, work: () => Promise<T>): Promise<T | typeof BUSY> {
  const path = join(root, LEDGER_LOCK);
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    if (take(path)) break;
    if (isStale(path)) {
      unlinkQuietly(path);
      continue;
    }
    if (Date.now() > deadline) return BUSY;
    await sleep(wait);
  }
  try {
    return await work();
  } finally {
    releaseQuietly(path);
  }
}

/** What withLedgerLock answers when another writer kept the ledger too long. */
export const BUSY = Symbol('ledger busy');

function take(path: string): boolean {
  return createWhole(path, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies Holder));
}

function isStale(path: string): boolean {
  let holder: Partial<Holder>;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // Appearing whole, a lock that does not read was cut short by a power cut; judged by its age.
    return olderThanStale(path);
  }
  if (typeof holder.since === 'number' && Date.now() - holder.since > STALE_MS) return true;
  if (holder.host !== hostname() || typeof holder.pid !== 'number') return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function olderThanStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withLedgerLock } from '../../src/report/ledger/ledger-lock.js';
import { LOCK_FILE, RunLock } from '../../src/report/run-lock.js';
import { tempDir } from '../helpers.js';

/**
 * A lock that cannot be removed at the end (its folder made read-only
 * mid-run; here, as root ignores modes, a folder put where the lock file
 * was, which unlink refuses too) is left, stale once the process ends: how
 * the work ended is what the command reports, never the failed removal.
 */
describe('releasing a lock that cannot be removed', () => {
  const unremovable = async (path: string): Promise<void> => {
    await rm(path);
    await mkdir(path);
    await writeFile(join(path, 'inside'), '');
  };

  it('run.lock is left without an error, so a run ends as its work did', async () => {
    const folder = await tempDir();
    const lock = RunLock.acquire(folder, new Date());
    await unremovable(join(folder, LOCK_FILE));
    assert.doesNotThrow(() => lock.release());
  });

  it('ledger.lock is left without an error, so the work’s result comes out', async () => {
    const root = await tempDir();
    const result = await withLedgerLock(root, async () => {
      await unremovable(join(root, 'ledger.lock'));
      return 'recorded';
    });
    assert.equal(result, 'recorded');
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi, MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

/**
 * What slips through the last window (between the last read of a batch and
 * the PUT that writes its balance) is found in the credit ledger after the
 * run, and given back by correction.csv.
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();
const ACCOUNT = randomUUID();

async function world(
  balances: readonly number[],
  options: Omit<MockOptions, 'store'> = {},
  ids = balances.map(() => randomUUID()),
): Promise<{ mock: MockApi; ids: string[] }> {
  const seed: Partial<CreditBatch>[] = ids.map((id, index) => ({
    id,
    clientId: CLIENT,
    creditAccountId: ACCOUNT,
    currentBalance: balances[index] ?? 0,
    expiresOn: '2027-12-31T23:59:59.000Z',
  }));
  const mock = await startMockApi({ ...options, store: new CreditBatchStore(seed) });
  return { mock, ids };
}

async function topUp(dir: string, ids: readonly string[], delta: number, name = 'top-up.csv'): Promise<string> {
  const csv = join(dir, name);
  await writeFile(csv, `id,clientId,currentBalanceDelta\n${ids.map((id) => `${id},${CLIENT},${delta}`).join('\n')}\n`);
  return csv;
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--yes'];
const summaryOf = async (folder: string): Promise<Record<string, any>> =>
  JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as Record<string, any>;

describe('reconciliation against the credit ledger', () => {
  it('finds exactly the redemption slipped between the read and the PUT, marks the row, and correction.csv gives it back', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const [slipped, before, afterwards] = ids as [string, string, string];
    // One redemption lands in the window of one batch only; another just before the run reads, a third once it is done.
    const { mock } = await world([1000, 2000, 3000], { slipRedemptions: { credits: 7, ids: [slipped] } }, ids);
    mock.store.redeem(before, 3, new Date());
    const dir = await tempDir();
    const csv = await topUp(dir, ids, 100);
    const run = await cli(['apply', csv, ...base(mock), '--out', 'run'], { cwd: dir });
    mock.store.redeem(afterwards, 5, new Date());
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.equal(mock.store.get(slipped)?.currentBalance, 1100, 'the PUT set the balance over the redemption of 7');
    const summary = await summaryOf(join(dir, 'run'));
    assert.deepEqual([summary.reconciliation.overwritten, summary.reconciliation.credits, summary.reconciliation.unreadable], [1, -7, 0]);
    assert.ok(summary.reconciliation.checked >= 2, 'the redemptions were read');
    const report = (await readCsvFile(join(dir, 'run', 'report.csv'))).sort((a, b) => Number(a.line) - Number(b.line));
    assert.deepEqual(
      report.map((row) => [row.id, row.outcome, row.correction]),
      [
        [slipped, 'updated', '-7'],
        [before, 'updated', ''],
        [afterwards, 'updated', ''],
      ],
    );
    assert.match(
      report[0]?.error ?? '',
      /^overwrote what the credit ledger records between its read and its write \(debit .* of 7 at .*\); correction\.csv gives back -7$/,
    );
    assert.match(run.stdout, /Overwritten: 1 write set a balance over changes the credit ledger records between its read and its PUT, −7 credits in all/);
    assert.match(run.stdout, /To give them back:\n {2}ti-credits apply run\/correction\.csv --base-url /);

    const correction = await readCsvFile(join(dir, 'run', 'correction.csv'));
    assert.deepEqual(
      correction.map((row) => [row.id, row.currentBalanceDelta]),
      [[slipped, '-7']],
    );
    const given = await cli(['apply', join('run', 'correction.csv'), ...base(mock), '--out', 'given', '--no-reconcile'], { cwd: dir });
    assert.equal(given.code, 0, given.stderr + given.stdout);
    assert.deepEqual(
      ids.map((id) => mock.store.get(id)?.currentBalance),
      [1093, 2097, 3095],
      'the slipped redemption taken back; the one before the read and the one after the run kept',
    );
  });

  it('says plainly it did not check when the ledger answers 403, and claims nothing', async () => {
    const { mock, ids } = await world([1000], { forbiddenRoutes: ['actions'] });
    const dir = await tempDir();
    const run = await cli(['apply', await topUp(dir, ids, 10), ...base(mock), '--out', 'run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const summary = await summaryOf(join(dir, 'run'));
    assert.equal(summary.status, 'completed', 'a ledger it may not read does not stop a run that is done');
    assert.equal(summary.reconciliation.checked, null);
    assert.match(summary.reconciliation.reason, /403/);
    assert.match(
      run.stdout,
      /Not reconciled against the credit ledger: .*403.*Nothing is claimed about what the writes overwrote; ti-credits verify run tries again\./s,
    );
    assert.equal(existsSync(join(dir, 'run', 'correction.csv')), false);
  });

  it('is skipped with --no-reconcile, and done later by verify from what the run recorded', async () => {
    const { mock, ids } = await world([500, 600], { slipRedemptions: { credits: 2 } });
    const dir = await tempDir();
    const run = await cli(['apply', await topUp(dir, ids, 50), ...base(mock), '--out', 'run', '--no-reconcile'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal((await summaryOf(join(dir, 'run'))).reconciliation, undefined);
    assert.equal(mock.requests.filter((request) => request.path.endsWith('/creditActions')).length, 0);
    const verified = await cli(['verify', 'run', '--base-url', mock.origin, '--rate', '0'], { cwd: dir });
    assert.equal(verified.code, 1, verified.stderr + verified.stdout);
    const found = JSON.parse(await readFile(join(dir, 'run', 'verify.json'), 'utf8'));
    assert.deepEqual([found.reconciliation.overwritten, found.reconciliation.credits], [2, -4]);
    assert.deepEqual(
      (await readCsvFile(join(dir, 'run', 'correction.csv'))).map((row) => row.currentBalanceDelta),
      ['-2', '-2'],
    );
  });
});

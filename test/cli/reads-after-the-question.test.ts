import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';
import { inTerminal } from '../pty.js';

/**
 * A value read before the question never serves a send: the time a person
 * spends reading the plan is time in which learners redeem credits.
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();
const QUESTION = /Send these changes\? \[y\/N\] $/;

async function mockWith(batches: readonly Partial<CreditBatch>[]): Promise<MockApi> {
  const mock = await startMockApi({
    store: new CreditBatchStore(batches.map((batch) => ({ clientId: CLIENT, expiresOn: '2027-12-31T23:59:59.000Z', ...batch }))),
  });
  return mock;
}

const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

describe('values read after the question', () => {
  it('a delta keeps what learners redeemed while the plan was read, and an absolute row that moved is drifted', async () => {
    const [topUp, absolute] = [randomUUID(), randomUUID()];
    const mock = await mockWith([
      { id: topUp, currentBalance: 1422 },
      { id: absolute, currentBalance: 1900 },
    ]);
    const dir = await tempDir();
    const csv = join(dir, 'changes.csv');
    await writeFile(csv, `id,clientId,currentBalanceDelta,currentBalance,before.currentBalance\n${topUp},${CLIENT},500,,\n${absolute},${CLIENT},,2000,1900\n`);
    const run = await inTerminal(['apply', csv, '--base-url', mock.origin, '--rate', '0', '--out', 'run'], dir, {
      cues: [
        {
          when: QUESTION,
          // Learners redeem while the person reads the plan; then they answer yes.
          then: () => {
            mock.store.redeem(topUp, 62, new Date());
            mock.store.redeem(absolute, 53, new Date());
            return 'y\n';
          },
        },
      ],
    });
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /1,422 → 1,922/, 'the plan shows the balance as read for it');
    assert.deepEqual(
      puts(mock).map((request) => [request.id, request.body]),
      [[topUp, { currentBalance: 1860 }]],
      'the delta is added to the balance read after the answer, and the moved absolute row is not sent',
    );
    assert.equal(mock.store.get(topUp)?.currentBalance, 1860);
    assert.equal(mock.store.get(absolute)?.currentBalance, 1847);
    const report = (await readCsvFile(join(dir, 'run', 'report.csv'))).sort((a, b) => Number(a.line) - Number(b.line));
    assert.deepEqual(
      report.map((row) => [row.outcome, row['baseline.currentBalance'], row['live.currentBalance']]),
      [
        ['updated', '1360', '1360'],
        ['drifted', '1900', '1847'],
      ],
    );
  });

  it("with --yes too, reads again after the plan, and records how old each row's values were when it was sent", async () => {
    const batches = Array.from({ length: 5 }, () => ({ id: randomUUID(), currentBalance: 100 }));
    const mock = await mockWith(batches);
    const dir = await tempDir();
    const csv = join(dir, 'changes.csv');
    await writeFile(csv, `id,clientId,currentBalanceDelta\n${batches.map((batch) => `${batch.id},${CLIENT},10`).join('\n')}\n`);
    const run = await cli(['apply', csv, '--yes', '--base-url', mock.origin, '--rate', '0', '--max-staleness', '20', '--out', 'run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const gets = mock.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/creditBatches'));
    const firstPut = mock.requests.findIndex((request) => request.method === 'PUT');
    assert.equal(gets.length, 2, 'one read for the plan, one after it was confirmed');
    assert.equal(mock.requests[firstPut - 1]?.method, 'GET', 'the read that serves the rows comes after the plan, just before the first PUT');
    const report = await readCsvFile(join(dir, 'run', 'report.csv'));
    assert.equal(report.length, 5);
    for (const row of report) {
      assert.equal(row.outcome, 'updated');
      assert.match(row.readAgeMs ?? '', /^\d+$/);
      assert.ok(Number(row.readAgeMs) <= 20_000, `${row.readAgeMs} ms is within --max-staleness`);
    }
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

const startMockApi = mockApiStarter();

/** A mock with `count` batches of two clients, and a CSV setting each balance to 1000 + its index. */
async function applied(
  count: number,
  flags: readonly string[] = [],
): Promise<{ mock: MockApi; dir: string; folder: string; batches: CreditBatch[]; clients: string[]; run: Awaited<ReturnType<typeof cli>> }> {
  const clients = [randomUUID(), randomUUID()];
  const seed: Partial<CreditBatch>[] = Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    clientId: clients[index % 2] ?? '',
    currentBalance: 10,
    expiresOn: '2027-12-31T23:59:59.000Z',
  }));
  const mock = await startMockApi({ store: new CreditBatchStore(seed), perPage: 2 });
  const dir = await tempDir();
  const batches = seed.map((batch) => mock.store.get(batch.id ?? '') as CreditBatch);
  const csv = join(dir, 'input.csv');
  await writeFile(csv, `id,clientId,currentBalance\n${batches.map((batch, index) => `${batch.id},${batch.clientId},${1000 + index}`).join('\n')}\n`);
  const folder = join(dir, 'run');
  const run = await cli(['apply', '--yes', csv, '--base-url', mock.origin, '--rate', '0', '--out', folder, ...flags], { cwd: dir });
  return { mock, dir, folder, batches, clients, run };
}

describe('verify', () => {
  it('apply --verify reads back every row updated right after sending: all hold, exit 0', async () => {
    const { mock, folder, run } = await applied(6, ['--verify']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Verified 6 rows the run in run updated: 6 hold, 0 changed since \(\d+ requests?/);
    const rows = await readCsvFile(join(folder, 'verify.csv'));
    assert.deepEqual(new Set(rows.map((row) => row.result)), new Set(['holds']));
    assert.equal(rows.length, 6);
    // One list read per client for the plan, one per client once the plan is confirmed, one per client to verify (6 batches, 2 a page: 2 pages each).
    assert.equal(mock.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/creditBatches')).length, 12);
    const verify = JSON.parse(await readFile(join(folder, 'verify.json'), 'utf8'));
    assert.deepEqual([verify.command, verify.rows.holds, verify.rows.changed], ['verify', 6, 0]);
    const summary = JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8'));
    assert.equal(summary.command, 'apply', "the run's own summary stays");
  });

  it('reports a batch changed since the run, with what was written and what it holds, and exits 1', async () => {
    const { mock, dir, folder, batches, run } = await applied(4);
    assert.equal(run.code, 0, run.stderr);
    const moved = batches[1] as CreditBatch;
    mock.store.redeem(moved.id, 4, new Date());
    const verified = await cli(['verify', folder], { cwd: dir });
    assert.equal(verified.code, 1, verified.stderr + verified.stdout);
    const rows = (await readCsvFile(join(folder, 'verify.csv'))).sort((a, b) => Number(a.line) - Number(b.line));
    assert.deepEqual(
      rows.map((row) => [row.id, row.result, row['written.currentBalance'], row['live.currentBalance']]),
      batches.map((batch, index) => [
        batch.id,
        batch === moved ? 'changed' : 'holds',
        String(1000 + index),
        String(batch === moved ? 1000 + index - 4 : 1000 + index),
      ]),
    );
    assert.match(verified.stdout, /3 hold, 1 changed since/);
  });

  it("interrupted, leaves no verify.csv: an earlier verify's would stand beside a verify.json that checked nothing", async () => {
    const { mock, dir, folder, run } = await applied(4, ['--verify']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(existsSync(join(folder, 'verify.csv')), true);
    const stop = new AbortController();
    stop.abort();
    const interrupted = await cli(['verify', folder, '--base-url', mock.origin], { cwd: dir, shutdown: stop.signal });
    assert.equal(interrupted.code, 130, interrupted.stderr + interrupted.stdout);
    assert.equal(JSON.parse(await readFile(join(folder, 'verify.json'), 'utf8')).status, 'interrupted');
    assert.equal(existsSync(join(folder, 'verify.csv')), false);
  });

  it('refuses a run that has not finished, and another target than the run sent to', async () => {
    const { dir, folder } = await applied(2);
    const other = await startMockApi({ store: new CreditBatchStore([]) });
    const elsewhere = await cli(['verify', folder, '--base-url', other.origin], { cwd: dir });
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /sent to http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:\d+: its rows cannot be checked there/);
    const summaryPath = join(folder, 'summary.json');
    await writeFile(summaryPath, JSON.stringify({ ...JSON.parse(await readFile(summaryPath, 'utf8')), status: 'running' }));
    const running = await cli(['verify', folder], { cwd: dir });
    assert.equal(running.code, 2);
    assert.match(running.stderr, /has not finished: it is still sending, or it was killed/);
  });

  it('needs --client for a blind run whose rows do not name their client', async () => {
    const clients = [randomUUID()];
    const batch: Partial<CreditBatch> = { id: randomUUID(), clientId: clients[0] ?? '', currentBalance: 10 };
    const mock = await startMockApi({ store: new CreditBatchStore([batch]) });
    const dir = await tempDir();
    const csv = join(dir, 'input.csv');
    await writeFile(csv, `id,currentBalance\n${batch.id},7\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '0', '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const without = await cli(['verify', join(dir, 'run')], { cwd: dir });
    assert.equal(without.code, 2);
    assert.match(without.stderr, /1 row .* do not say which client/);
    const withClient = await cli(['verify', join(dir, 'run'), '--client', clients[0] ?? ''], { cwd: dir });
    assert.equal(withClient.code, 0, withClient.stderr + withClient.stdout);
    assert.match(withClient.stdout, /1 holds, 0 changed since/);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore, loadSeed, type SeedBatch } from '../../src/mock/store.js';
import { ChangeBuilder, LISTED_MAX } from '../../src/pipeline/plan.js';
import { cli, mockApiStarter, readCsvFile, readSummary, tempDir, writeCsv } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const startMockApi = mockApiStarter();

async function mockOf(seed: readonly SeedBatch[]): Promise<MockApi> {
  const mock = await startMockApi({ store: new CreditBatchStore(seed) });
  return mock;
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0'];

describe('a plan a person reads', () => {
  it('flags rows that move an expiry earlier and rows that revive a batch not active, whatever file they come from, and lists each change in --timezone', async () => {
    const mock = await mockOf(await loadSeed(join(ROOT, 'fixtures', 'sample-seed.json')));
    const dir = await tempDir();
    // The README's rollover of old: a hand-made file moving every batch to 2027-06-30.
    const run = await cli(['apply', join(ROOT, 'fixtures', 'rollover.csv'), ...base(mock), '--timezone', 'America/New_York', '--dry-run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /\n {4}Earlier: 2 rows move an expiry earlier, so the credits expire sooner: line 6 \(Credit batch 5, 6b0d549b…\) 2027-12-31 18:59:59 → 2027-06-30 23:59:59; line 8 \(Credit batch 7, 90c192cf…\) 2027-09-30 19:59:59 → 2027-06-30 23:59:59\.\n/,
    );
    assert.match(
      run.stdout,
      /\n {4}Revived: 1 row moves the expiry of a batch whose status is not active later, making its credits usable again: line 7 \(Credit batch 6, 8d116ece…\) expired 2026-09-30 19:59:59 → 2027-06-30 23:59:59\.\n/,
    );
    assert.match(
      run.stdout,
      /\n {2}Each change, old → new \(dates in America\/New_York\):\n {4}line 2 \(Credit batch 1, 6513270e…\): expiresOn 2027-03-31 19:59:59 → 2027-06-30 23:59:59\n/,
    );
    const listed = run.stdout.split('\n').filter((line) => /^ {4}line \d+ \(/.test(line));
    assert.deepEqual(
      listed.map((line) => /^ {4}line (\d+)/.exec(line)?.[1]),
      ['2', '3', '4', '5', '6', '7', '8', '9'],
      'one line per change, in file order',
    );
    assert.ok(
      listed.every((line) => !/:\d{2}\.\d{3}/.test(line)),
      'no milliseconds in the listed dates',
    );
    const summary = await readSummary(dir);
    assert.deepEqual([summary.plan.changes.expiry.earlier, summary.plan.changes.revived.rows], [2, 1]);
  });

  it('names each client beside its id when asked to read the client list (--client-names), in the terminal and plan.csv', async () => {
    const mock = await mockOf(await loadSeed(join(ROOT, 'fixtures', 'sample-seed.json')));
    const dir = await tempDir();
    const run = await cli(['apply', join(ROOT, 'fixtures', 'sample.csv'), ...base(mock), '--dry-run', '--client-names', '--out', 'run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\n {4}line 3 \(Credit batch 2, d23f0824…, client Initech\): currentBalance 3,120 → 980 \(−2,140\)\n/);
    assert.match(run.stdout, /Live values read for this plan with 4 requests/, 'three clients and the client list');
    const plan = await readCsvFile(join(dir, 'run', 'plan.csv'));
    assert.deepEqual(Object.keys(plan[0] ?? {}), ['line', 'id', 'name', 'clientId', 'clientName', 'field', 'before', 'after', 'change']);
    assert.deepEqual([plan[0]?.name, plan[0]?.clientName], ['Credit batch 1', 'Acme Corp']);
    assert.equal(mock.requests.filter((request) => request.path === '/incoming/v2/clients').length, 1);
  });

  it('beyond 50 changes, shows the totals and the largest changes, and says where the full list is', async () => {
    const client = randomUUID();
    const batches = Array.from({ length: LISTED_MAX + 1 }, (_, n) => ({ id: randomUUID(), clientId: client, name: `Batch ${n}`, currentBalance: 100 + n }));
    const mock = await mockOf(batches);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,clientId,currentBalance\n${batches.map((batch) => `${batch.id},${client},${batch.currentBalance + 1}`).join('\n')}\n`);
    const run = await cli(['plan', csv, ...base(mock), '--out', 'big'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /\n {4}largest: line 2 \(Batch 0, [0-9a-f]{8}…\) 100 → 101 \(\+1\);/);
    assert.doesNotMatch(run.stdout, /Each change, old → new/);
    assert.match(run.stdout, /\n {2}Every change, old → new: big\/plan\.csv \(and plan\.html beside it\)\.\n/);
    assert.equal((await readCsvFile(join(dir, 'big', 'plan.csv'))).length, LISTED_MAX + 1);
  });

  it('holds the list of changes only while it is short: the 51st drops it, and nothing is gathered after', () => {
    const builder = new ChangeBuilder();
    const change = (line: number): void => builder.change({ line, id: `id-${line}` }, [{ field: 'currentBalance', before: 1, after: 2 }]);
    for (let line = 2; line < 2 + LISTED_MAX; line++) change(line);
    assert.equal(builder.build(0, 0).listed?.length, LISTED_MAX);
    change(1000);
    change(1001);
    assert.equal(builder.build(0, 0).listed, undefined);
    assert.equal(builder.build(0, 0).balance.up, LISTED_MAX + 2);
  });
});

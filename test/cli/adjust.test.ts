import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();

/** A mock holding one client's batches with these balances (and allocated credits). */
async function mockOf(balances: readonly number[], allocated: readonly number[] = []): Promise<{ mock: MockApi; batches: CreditBatch[] }> {
  const seed: Partial<CreditBatch>[] = balances.map((currentBalance, index) => ({
    id: randomUUID(),
    clientId: CLIENT,
    currentBalance,
    allocatedCredits: allocated[index] ?? 0,
    expiresOn: '2027-12-31T23:59:59.000Z',
    name: `Batch ${index}`,
  }));
  const mock = await startMockApi({ store: new CreditBatchStore(seed) });
  return { mock, batches: seed.map((batch) => mock.store.get(batch.id ?? '') as CreditBatch) };
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '1', '--yes'];
const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

async function csv(dir: string, text: string): Promise<string> {
  const path = join(dir, `input-${randomUUID().slice(0, 8)}.csv`);
  await writeFile(path, text);
  return path;
}

describe('adjustments: currentBalanceDelta', () => {
  it('adds to the live balance read just before the request, so a redemption made after the plan survives', async () => {
    const { mock, batches } = await mockOf([100, 200, 300]);
    const [a, b, c] = batches as [CreditBatch, CreditBatch, CreditBatch];
    const dir = await tempDir();
    const file = await csv(dir, `id,clientId,currentBalanceDelta\n${a.id},${CLIENT},+500\n${b.id},${CLIENT},-200\n${c.id},${CLIENT},50\n`);
    // A learner spends 7 credits from the last batch once the first PUT has arrived: after the plan, before that row's turn.
    const spend = setInterval(() => {
      if (puts(mock).length > 0 && mock.store.get(c.id)?.currentBalance === 300) mock.store.redeem(c.id, 7, new Date());
    }, 1);
    const run = await cli(['apply', file, ...base(mock), '--concurrency', '1', '--max-staleness', '0', '--out', join(dir, 'run')], { cwd: dir });
    clearInterval(spend);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(
      batches.map((batch) => mock.store.get(batch.id)?.currentBalance),
      [600, 0, 343],
    );
    assert.deepEqual(
      puts(mock).map((request) => request.body),
      [{ currentBalance: 600 }, { currentBalance: 0 }, { currentBalance: 343 }],
    );
    const report = (await readCsvFile(join(dir, 'run', 'report.csv'))).sort((x, y) => Number(x.line) - Number(y.line));
    // The report records the balance each delta was applied to.
    assert.deepEqual(
      report.map((row) => [row.outcome, row['baseline.currentBalance'], row.sent]),
      [
        ['updated', '100', '{"currentBalance":600}'],
        ['updated', '200', '{"currentBalance":0}'],
        ['updated', '293', '{"currentBalance":343}'],
      ],
    );
  });

  it('shows the credits added, taken away and net in the plan, summary.json and plan.csv, and the rows that end below their allocated credits', async () => {
    const { mock, batches } = await mockOf([100, 200, 300], [0, 150, 0]);
    const [a, b, c] = batches as [CreditBatch, CreditBatch, CreditBatch];
    const dir = await tempDir();
    const file = await csv(dir, `id,clientId,currentBalance,currentBalanceDelta\n${a.id},${CLIENT},,+500\n${b.id},${CLIENT},,-100\n${c.id},${CLIENT},250,\n`);
    const run = await cli(['apply', file, ...base(mock), '--dry-run', '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /currentBalance: 3 rows, 600 → 950 credits \(net \+350: 500 added, 150 taken away\); 1 up, 2 down\./);
    assert.match(
      run.stdout,
      new RegExp(`1 row ends below the credits already allocated from the batch: line 3 \\(${b.name}, ${b.id.slice(0, 8)}…\\) 100 < 150\\.`),
    );
    const summary = JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8'));
    assert.deepEqual([summary.plan.changes.balance.added, summary.plan.changes.balance.removed, summary.plan.changes.balance.net], ['500', '150', '350']);
    assert.deepEqual(
      (await readCsvFile(join(dir, 'run', 'plan.csv'))).map((row) => [row.line, row.before, row.change, row.after]),
      [
        ['2', '100', '+500', '600'],
        ['3', '200', '-100', '100'],
        ['4', '300', '-50', '250'],
      ],
    );
    assert.equal(puts(mock).length, 0);
  });

  it('refuses, with its line, a row filling both currentBalance and currentBalanceDelta, and one whose delta would take the balance below 0', async () => {
    const { mock, batches } = await mockOf([100, 50]);
    const [a, b] = batches as [CreditBatch, CreditBatch];
    const dir = await tempDir();
    const file = await csv(dir, `id,clientId,currentBalance,currentBalanceDelta\n${a.id},${CLIENT},5,+5\n${b.id},${CLIENT},,-60\n`);
    const run = await cli(['apply', file, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    const report = (await readCsvFile(join(dir, 'run', 'report.csv'))).sort((x, y) => Number(x.line) - Number(y.line));
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome]),
      [
        ['2', 'invalid'],
        ['3', 'invalid'],
      ],
    );
    assert.match(report[0]?.error ?? '', /currentBalance and currentBalanceDelta are both filled in/);
    assert.match(report[1]?.error ?? '', /currentBalanceDelta -60 would take the balance of .* from 50 to -10, below 0/);
    assert.equal(puts(mock).length, 0);
  });

  it('refuses a delta that would take the balance beyond the largest whole number sent exactly (2^53 − 1)', async () => {
    const { mock, batches } = await mockOf([Number.MAX_SAFE_INTEGER - 1]);
    const [a] = batches as [CreditBatch];
    const dir = await tempDir();
    const file = await csv(dir, `id,clientId,currentBalanceDelta\n${a.id},${CLIENT},+2\n`);
    const run = await cli(['apply', file, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    const [row] = await readCsvFile(join(dir, 'run', 'report.csv'));
    assert.equal(row?.outcome, 'invalid');
    assert.match(row?.error ?? '', /currentBalanceDelta \+?2 would take the balance of .* from 9007199254740990 beyond 9007199254740991/);
    assert.equal(puts(mock).length, 0);
  });

  it('is refused with --blind: a delta needs the live balance', async () => {
    const { mock, batches } = await mockOf([100]);
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', await csv(dir, `id,currentBalanceDelta\n${batches[0]?.id},+5\n`), ...base(mock)], { cwd: dir });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /currentBalanceDelta column adds to the live balances, which --blind does not read/);
    assert.equal(mock.requests.length, 0);
  });
});

describe('guardrails', () => {
  it('makes a row over a per-row limit invalid, with its reason, and refuses the file', async () => {
    const { mock, batches } = await mockOf([100, 100]);
    const [a, b] = batches as [CreditBatch, CreditBatch];
    const dir = await tempDir();
    const file = await csv(dir, `id,clientId,currentBalance,expiresOn\n${a.id},${CLIENT},700,\n${b.id},${CLIENT},,2029-12-31T23:59:59Z\n`);
    const run = await cli(['apply', file, ...base(mock), '--max-balance-change', '500', '--max-expiry-move', '365', '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    const report = (await readCsvFile(join(dir, 'run', 'report.csv'))).sort((x, y) => Number(x.line) - Number(y.line));
    assert.match(report[0]?.error ?? '', /the balance would change by 600 credits, more than --max-balance-change allows \(500\)/);
    assert.match(report[1]?.error ?? '', /expiresOn would move by 731\.0 days, more than --max-expiry-move allows \(365\)/);
    assert.equal(puts(mock).length, 0);
  });

  it('refuses a run over a run-wide limit before anything is sent, naming the limit and the figure', async () => {
    const { mock, batches } = await mockOf([100, 100, 100]);
    const dir = await tempDir();
    const file = await csv(dir, `id,clientId,currentBalanceDelta\n${batches.map((batch) => `${batch.id},${CLIENT},-40`).join('\n')}\n`);
    const total = await cli(['apply', file, ...base(mock), '--max-total-change', '100'], { cwd: dir });
    assert.equal(total.code, 2, total.stdout);
    assert.match(total.stderr, /the plan's balance changes add up to 120 credits, more than --max-total-change allows \(100\)/);
    const rows = await cli(['apply', file, ...base(mock), '--max-rows', '2'], { cwd: dir });
    assert.equal(rows.code, 2, rows.stdout);
    assert.match(rows.stderr, /the plan sends 3 rows, more than --max-rows allows \(2\)/);
    assert.equal(puts(mock).length, 0);
  });

  it('takes the limits from the config file, shows them in the plan and records them in run.json', async () => {
    const { mock, batches } = await mockOf([100]);
    const dir = await tempDir();
    await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ maxBalanceChange: 1000, maxTotalChange: 5000, maxRows: 100, maxExpiryMove: 120 }));
    const file = await csv(dir, `id,clientId,currentBalanceDelta\n${batches[0]?.id},${CLIENT},+10\n`);
    const run = await cli(['apply', file, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(
      run.stderr,
      /Guardrails: a balance changed by at most 1,000 credits per row, 5,000 credits in all, at most 100 rows, an expiry date moved by at most 120 days\./,
    );
    const record = JSON.parse(await readFile(join(dir, 'run', 'run.json'), 'utf8'));
    assert.deepEqual(record.options.limits, { maxBalanceChange: 1000, maxTotalChange: 5000, maxRows: 100, maxExpiryMoveDays: 120 });
  });

  it('refuses --blind with a limit it cannot check', async () => {
    const dir = await tempDir();
    const run = await cli(
      ['apply', '--blind', await csv(dir, `id,currentBalance\n${randomUUID()},5\n`), '--base-url', 'http://127.0.0.1:9', '--max-balance-change', '10'],
      { cwd: dir },
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--blind cannot be combined with --max-balance-change: it measures changes against the live values, which --blind does not read/);
  });
});

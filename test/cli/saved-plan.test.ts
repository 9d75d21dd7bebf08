import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { planId } from '../../src/report/plan-document.js';
import { cli, KEY, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();
const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

/** A mock with four batches of one client (balance 100), a CSV raising three of them, and its plan made in `<dir>/plan`. */
async function planned(
  extra: readonly string[] = [],
): Promise<{ mock: MockApi; dir: string; csv: string; folder: string; batches: CreditBatch[]; run: Awaited<ReturnType<typeof cli>> }> {
  const seed: Partial<CreditBatch>[] = Array.from({ length: 4 }, (_, index) => ({
    id: randomUUID(),
    clientId: CLIENT,
    currentBalance: 100,
    name: `Batch ${index}`,
  }));
  const mock = await startMockApi({ store: new CreditBatchStore(seed) });
  const batches = seed.map((batch) => mock.store.get(batch.id ?? '') as CreditBatch);
  const dir = await tempDir();
  const csv = join(dir, 'raise.csv');
  await writeFile(csv, `id,clientId,currentBalance\n${batches.map((batch, index) => `${batch.id},${CLIENT},${index === 3 ? 100 : 150 + index}`).join('\n')}\n`);
  const folder = join(dir, 'plan');
  const run = await cli(['plan', csv, '--base-url', mock.origin, '--rate', '0', '--out', folder, ...extra], { cwd: dir });
  return { mock, dir, csv, folder, batches, run };
}

describe('plan', () => {
  it('saves the plan against the live values, sends nothing, and exits 1 when it changes something', async () => {
    const { mock, folder, batches, run } = await planned();
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.equal(puts(mock).length, 0);
    const plan = JSON.parse(await readFile(join(folder, 'plan.json'), 'utf8'));
    const { id, ...content } = plan;
    assert.equal(id, planId(content));
    assert.match(run.stdout, new RegExp(`id ${id}`));
    assert.match(run.stdout, /ti-credits apply --plan plan\n/);
    assert.deepEqual(
      [plan.totals.changing, plan.totals.unchanged, plan.totals.balance.before, plan.totals.balance.after, plan.totals.balance.net],
      [3, 1, '300', '453', '153'],
    );
    assert.deepEqual(
      plan.rows.map((row: { line: number; id: string; state: string }) => [row.line, row.id, row.state]),
      batches.map((batch, index) => [index + 2, batch.id, index === 3 ? 'unchanged' : 'change']),
    );
    assert.equal(
      plan.input.sha256,
      createHash('sha256')
        .update(await readFile(join(folder, plan.input.copy)))
        .digest('hex'),
    );
    assert.equal((await readCsvFile(join(folder, 'plan.csv'))).length, 3);
  });

  it('exits 0 when nothing would change', async () => {
    const seed: Partial<CreditBatch>[] = [{ id: randomUUID(), clientId: CLIENT, currentBalance: 7 }];
    const mock = await startMockApi({ store: new CreditBatchStore(seed) });
    const dir = await tempDir();
    const csv = join(dir, 'same.csv');
    await writeFile(csv, `id,clientId,currentBalance\n${seed[0]?.id},${CLIENT},7\n`);
    const run = await cli(['plan', csv, '--base-url', mock.origin, '--rate', '0'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });

  it('of a file with an invalid row: reports every row against the live values, exits 2, and does not offer the plan to send', async () => {
    const seed: Partial<CreditBatch>[] = Array.from({ length: 3 }, () => ({ id: randomUUID(), clientId: CLIENT, currentBalance: 100 }));
    const mock = await startMockApi({ store: new CreditBatchStore(seed) });
    const dir = await tempDir();
    const csv = join(dir, 'one-bad.csv');
    await writeFile(csv, `id,clientId,currentBalance\n${seed[0]?.id},${CLIENT},5000\n${seed[1]?.id},${CLIENT},\n${seed[2]?.id},${CLIENT},100\n`);
    const folder = join(dir, 'plan');
    const run = await cli(['plan', csv, '--base-url', mock.origin, '--rate', '0', '--out', folder], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.equal(puts(mock).length, 0);
    assert.match(run.stdout, /Dry run: 3 rows in one-bad\.csv: 1 valid, 1 unchanged, 1 invalid\./);
    assert.match(run.stdout, /Not sent: 1 row already as asked \(unchanged\); 1 invalid row, and without --skip-invalid no row is sent while one is invalid\./);
    assert.match(run.stdout, /It cannot be sent as it is: fix the invalid rows/);
    assert.doesNotMatch(run.stdout, /apply --plan/);
    const report = (await readCsvFile(join(folder, 'report.csv'))).map((row) => [row.line, row.outcome]);
    assert.deepEqual(report, [
      ['2', 'valid'],
      ['3', 'invalid'],
      ['4', 'unchanged'],
    ]);
  });
});

describe('apply --plan', () => {
  it('sends exactly the saved plan, never the file as it is now, and shows the plan id before sending', async () => {
    const { mock, dir, csv, folder, batches } = await planned();
    // The file is edited after the plan was approved: the plan, not the file, is what is sent.
    await writeFile(csv, `id,clientId,currentBalance\n${batches[0]?.id},${CLIENT},999999\n`);
    const { id } = JSON.parse(await readFile(join(folder, 'plan.json'), 'utf8'));
    const run = await cli(['apply', '--plan', folder, '--yes', '--out', join(dir, 'sent')], { cwd: dir, env: { TI_API_KEY: 'ti_test_local_mock_key' } });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stderr, new RegExp(`Saved plan id: ${id}`));
    assert.deepEqual(
      batches.map((batch) => mock.store.get(batch.id)?.currentBalance),
      [150, 151, 152, 100],
    );
    assert.equal(puts(mock).length, 3);
    const record = JSON.parse(await readFile(join(dir, 'sent', 'run.json'), 'utf8'));
    assert.equal(record.options.planId, id);
  });

  it('leaves as drifted a batch that moved since the plan was made', async () => {
    const { mock, dir, folder, batches } = await planned();
    mock.store.redeem(batches[1]?.id ?? '', 5, new Date());
    const run = await cli(['apply', '--plan', folder, '--yes', '--out', join(dir, 'sent')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.deepEqual(
      batches.map((batch) => mock.store.get(batch.id)?.currentBalance),
      [150, 95, 152, 100],
    );
  });

  it('reports as drifted, not unchanged, a row the plan found already as asked whose batch moved since', async () => {
    const { mock, dir, folder, batches } = await planned();
    // The fourth row asks for the balance the batch held when the plan was made: unchanged then, moved now.
    mock.store.redeem(batches[3]?.id ?? '', 7, new Date());
    const run = await cli(['apply', '--plan', folder, '--yes', '--out', join(dir, 'sent')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.deepEqual(
      puts(mock).map((request) => request.id),
      batches.slice(0, 3).map((batch) => batch.id),
    );
    const report = await readCsvFile(join(dir, 'sent', 'report.csv'));
    const moved = report.find((row) => row.id === batches[3]?.id);
    assert.deepEqual([moved?.outcome, moved?.['baseline.currentBalance'], moved?.['live.currentBalance']], ['drifted', '100', '93']);
  });

  it('refuses a plan altered since it was made, made for another target, or too old: nothing sent, no run folder', async () => {
    const { mock, dir, folder } = await planned();
    const path = join(folder, 'plan.json');
    const original = await readFile(path, 'utf8');
    const reports = async (): Promise<string[]> =>
      existsSync(join(dir, 'reports'))
        ? (await readdir(join(dir, 'reports'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
        : [];

    const tampered = JSON.parse(original);
    tampered.rows[0].changes[0].after = 1_000_000;
    await writeFile(path, JSON.stringify(tampered));
    const altered = await cli(['apply', '--plan', folder, '--yes'], { cwd: dir });
    assert.equal(altered.code, 2);
    assert.match(altered.stderr, /was altered since it was made \(its content no longer matches its id\)/);
    await writeFile(path, original);

    const input = join(folder, JSON.parse(original).input.copy);
    const bytes = await readFile(input);
    await writeFile(input, `${bytes.toString()}\n`);
    const copied = await cli(['apply', '--plan', folder, '--yes'], { cwd: dir });
    assert.equal(copied.code, 2);
    assert.match(copied.stderr, /is not the input it was made from/);
    await writeFile(input, bytes);

    const elsewhere = await cli(['apply', '--plan', folder, '--yes', '--base-url', 'http://127.0.0.1:9'], { cwd: dir });
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /was made for http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:9/);

    const old = await cli(['apply', '--plan', folder, '--yes', '--max-plan-age', '0'], { cwd: dir });
    assert.equal(old.code, 2);
    // In the unit that shows it (issue 26): never "0 h ago, longer ago than --max-plan-age allows (0 h)".
    assert.match(old.stderr, /, (\d+ min )?\d+ s ago, longer ago than --max-plan-age allows \(0 s\); nothing was sent\./);

    assert.equal(puts(mock).length, 0);
    assert.deepEqual(await reports(), []);
  });

  it("checks a target named by the environment or a profile against the plan's, never replacing it: a profile's key never reaches the plan's host", async () => {
    const { mock, dir, csv, folder } = await planned();
    const otherKey = 'ti_test_the_other_instance_key_0001';
    const other = await startMockApi({ apiKeys: [otherKey] });
    await writeFile(join(dir, 'other.key'), `${otherKey}\n`, { mode: 0o600 });
    await writeFile(
      join(dir, 'ti-credits.config.json'),
      JSON.stringify({ profiles: { other: { baseUrl: other.origin, live: false, apiKeyFile: 'other.key' } } }),
    );
    const before = mock.requests.length;
    const refusal = new RegExp(`was made for ${mock.origin}, not ${other.origin}; nothing was sent\\.[^]*TIC-PLAN-OTHER-TARGET`);

    const byProfile = await cli(['apply', '--plan', folder, '--yes', '--profile', 'other'], { cwd: dir, env: {} });
    assert.equal(byProfile.code, 2, byProfile.stderr);
    assert.match(byProfile.stderr, refusal);
    const byEnvironment = await cli(['apply', '--plan', folder, '--yes'], {
      cwd: dir,
      env: { TI_API_KEY: KEY, TI_BASE_URL: other.origin, TI_PROFILE: 'other' },
    });
    assert.equal(byEnvironment.code, 2, byEnvironment.stderr);
    assert.match(byEnvironment.stderr, refusal);

    // A resumed run likewise: one refused before sending (no --yes off a terminal), resumed with the profile of the other instance.
    const unconfirmed = await cli(['apply', csv, '--base-url', mock.origin, '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
    const resumed = await cli(['apply', '--resume', join(dir, 'run'), '--yes', '--profile', 'other'], { cwd: dir, env: {} });
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`sent to ${mock.origin}, not ${other.origin}\\.[^]*TIC-RESUME-OTHER-TARGET`));

    assert.deepEqual(other.requests, []);
    // The plan's host saw the unconfirmed run's reads, and nothing else: no request carried the other instance's key.
    assert.equal(puts(mock).length, 0);
    assert.ok(mock.requests.slice(before).every((request) => request.authorization === `Bearer ${KEY}`));
  });

  it('is the only way to send with --require-approved-plan in the config file', async () => {
    const { mock, dir, csv, folder } = await planned();
    await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ requireApprovedPlan: true }));
    const direct = await cli(['apply', csv, '--base-url', mock.origin, '--yes'], { cwd: dir });
    assert.equal(direct.code, 2);
    assert.match(direct.stderr, /--require-approved-plan allows only a saved plan to be sent/);
    assert.equal(puts(mock).length, 0);
    // An approval on record is needed too, and by another OS user, unless the one applying says why not.
    const unapproved = await cli(['apply', '--plan', folder, '--yes', '--out', join(dir, 'sent')], { cwd: dir });
    assert.equal(unapproved.code, 2);
    assert.match(unapproved.stderr, /needs an approval on record for the plan [0-9a-f]{8}/);
    assert.equal((await cli(['approve', folder, '--as', 'Dana'], { cwd: dir })).code, 0);
    const approved = await cli(['apply', '--plan', folder, '--yes', '--out', join(dir, 'sent'), '--self-approved', 'one person on call'], { cwd: dir });
    assert.equal(approved.code, 0, approved.stderr + approved.stdout);
    assert.equal(puts(mock).length, 3);
  });
});

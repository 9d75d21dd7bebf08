import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi, MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { signApproval } from '../../src/report/ledger/approval.js';
import { RunLedger } from '../../src/report/ledger/run-ledger.js';
import type { PlanDocument } from '../../src/report/plan-document.js';
import { RunLock } from '../../src/report/run-lock.js';
import { cli, KEY, mockApiStarter, tempDir } from '../helpers.js';

const startMockApi = mockApiStarter();

const LIVE_KEY = 'ti_live_local_mock_production_key';
const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

/** Three batches of one client at 100, a file raising them, its saved plan in `<dir>/plan`, and a config file with one profile. */
async function planned(profile: { live: boolean; key: string }, mockOptions: Omit<MockOptions, 'store'> = {}) {
  const client = randomUUID();
  const seed: Partial<CreditBatch>[] = Array.from({ length: 3 }, (_, index) => ({
    id: randomUUID(),
    clientId: client,
    currentBalance: 100,
    name: `Batch ${index}`,
  }));
  const mock = await startMockApi({ apiKeys: [profile.key], ...mockOptions, store: new CreditBatchStore(seed) });
  const dir = await tempDir();
  await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ rate: 0, profiles: { p: { baseUrl: mock.origin, live: profile.live } } }));
  const csv = join(dir, 'raise.csv');
  await writeFile(csv, `id,clientId,currentBalance\n${seed.map((batch) => `${batch.id},${client},150`).join('\n')}\n`);
  const env = { TI_API_KEY: profile.key };
  const made = await cli(['plan', csv, '--out', 'plan'], { cwd: dir, env });
  assert.equal(made.code, 1, made.stderr);
  return { mock, dir, csv, env, folder: join(dir, 'plan') };
}

/** The plan in `<dir>/plan` approved by another OS user, as their `ti-credits approve` records it in the run ledger. */
async function approvedByAnother(dir: string): Promise<void> {
  const plan = JSON.parse(await readFile(join(dir, 'plan', 'plan.json'), 'utf8')) as PlanDocument;
  const approval = signApproval(
    { planId: plan.id, target: plan.target, by: 'Dana Scully', osUser: `not-${userInfo().username}`, at: new Date().toISOString(), planFolder: 'plan' },
    undefined,
  );
  await new RunLedger(join(dir, 'reports')).approve(approval);
}

describe('apply --non-interactive', () => {
  it('refuses a file given directly, and a resumed run that did not send a plan: nothing sent', async () => {
    const { mock, dir, csv, env } = await planned({ live: false, key: KEY });
    const folders = await readdir(join(dir, 'reports'));
    const direct = await cli(['apply', csv, '--non-interactive'], { cwd: dir, env });
    assert.equal(direct.code, 2);
    assert.match(
      direct.stderr,
      /^error: Nothing was sent: --non-interactive sends only an approved plan, and a file given directly is not a plan anyone approved\.\n {2}Make a plan with ti-credits plan <file>/,
    );
    assert.deepEqual(await readdir(join(dir, 'reports')), folders, 'no run folder');
    const byHand = await cli(['apply', csv, '--yes', '--out', 'by-hand'], { cwd: dir, env });
    assert.equal(byHand.code, 0, byHand.stderr);
    const before = puts(mock).length;
    const resumed = await cli(['apply', '--resume', 'by-hand', '--non-interactive'], { cwd: dir, env });
    assert.equal(resumed.code, 2);
    assert.match(resumed.stderr, /the run in by-hand was started from a file, not from a saved plan/);
    assert.equal(puts(mock).length, before);
  });

  it('refuses a saved plan with no approval on record, as --require-approved-plan does: nothing sent', async () => {
    const { mock, dir, env } = await planned({ live: false, key: KEY });
    const run = await cli(['apply', '--plan', 'plan', '--non-interactive'], { cwd: dir, env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /needs an approval on record for the plan [0-9a-f]{8}/);
    assert.equal(puts(mock).length, 0);
  });

  it('sends an approved plan asking nothing, with no terminal and no --yes', async () => {
    const { mock, dir, env } = await planned({ live: false, key: KEY });
    await approvedByAnother(dir);
    const run = await cli(['apply', '--plan', 'plan', '--non-interactive'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(puts(mock).length, 3);
    assert.ok(mock.store.all().every((batch) => batch.currentBalance === 150));
  });

  it('on a live target, needs --confirm-instance naming it', async () => {
    const { mock, dir, env } = await planned({ live: true, key: LIVE_KEY });
    await approvedByAnother(dir);
    const bare = await cli(['apply', '--plan', 'plan', '--non-interactive'], { cwd: dir, env });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /the profile "p" is live, and --yes alone does not send to a live target\.\n {2}Add --confirm-instance 127\.0\.0\.1/);
    assert.equal(puts(mock).length, 0);
    const named = await cli(['apply', '--plan', 'plan', '--non-interactive', '--confirm-instance', '127.0.0.1'], { cwd: dir, env });
    assert.equal(named.code, 0, named.stderr);
    assert.equal(puts(mock).length, 3);
  });

  it('refuses a plan older than --max-plan-age, as an attended run does', async () => {
    const { mock, dir, env } = await planned({ live: false, key: KEY });
    await approvedByAnother(dir);
    const run = await cli(['apply', '--plan', 'plan', '--non-interactive', '--max-plan-age', '0'], { cwd: dir, env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /longer ago than --max-plan-age allows/);
    assert.equal(puts(mock).length, 0);
  });

  it('waits up to --lock-timeout for a plan folder another process holds, then gives up, nothing sent', async () => {
    const { mock, dir, env, folder } = await planned({ live: false, key: KEY });
    await approvedByAnother(dir);
    const lock = RunLock.acquire(folder, new Date());
    try {
      const atOnce = await cli(['apply', '--plan', 'plan', '--non-interactive'], { cwd: dir, env });
      assert.equal(atOnce.code, 2);
      assert.match(atOnce.stderr, /is in use by ti-credits process \d+ on .*: one run folder is written by one process at a time\./);
      const waited = await cli(['apply', '--plan', 'plan', '--non-interactive', '--lock-timeout', '1'], { cwd: dir, env });
      assert.equal(waited.code, 2);
      assert.match(waited.stderr, /is in use by ti-credits process \d+ .*; waited 1 s \(--lock-timeout\)\./);
      assert.equal(puts(mock).length, 0);
    } finally {
      lock.release();
    }
  });

  it('goes on once the folder is freed within --lock-timeout: a plan folder, then a run folder it resumes', async () => {
    // Stopped at its first request, before it sent anything, as a job ended by its time limit would be.
    const stopped = new AbortController();
    let armed = false;
    const { mock, dir, env, folder } = await planned({ live: false, key: KEY }, { onRequest: () => armed && stopped.abort() });
    await approvedByAnother(dir);
    armed = true;
    let lock = RunLock.acquire(folder, new Date());
    setTimeout(() => lock.release(), 1000);
    const first = await cli(['apply', '--plan', 'plan', '--non-interactive', '--lock-timeout', '60', '--out', 'run'], {
      cwd: dir,
      env,
      shutdown: stopped.signal,
    });
    armed = false;
    assert.equal(first.code, 130, first.stderr);
    assert.equal(puts(mock).length, 0);
    lock = RunLock.acquire(join(dir, 'run'), new Date());
    setTimeout(() => lock.release(), 1000);
    const resumed = await cli(['apply', '--resume', 'run', '--non-interactive', '--lock-timeout', '60'], { cwd: dir, env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(puts(mock).length, 3);
    const summary = JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8'));
    assert.equal(summary.rows.updated, 3);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { Fault, FaultOptions } from '../../src/mock/faults.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, spawnCli, tempDir } from '../helpers.js';

/**
 * A delta is applied once, whatever became of the request that carried it:
 * an answer lost, the process killed with it in flight, a learner redeeming
 * meanwhile, a run stopped twice over. These drive the real command line.
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();

/** A mock holding a batch of CLIENT for each balance; `faults` may name the batches by their ids. */
async function mockOf(
  balances: readonly number[],
  base: FaultOptions = {},
  scripted?: (...ids: string[]) => FaultOptions,
): Promise<{ mock: MockApi; ids: string[] }> {
  const ids = balances.map(() => randomUUID());
  const faults = { ...base, ...scripted?.(...ids) };
  const seed: Partial<CreditBatch>[] = ids.map((id, index) => ({
    id,
    clientId: CLIENT,
    currentBalance: balances[index] ?? 0,
    expiresOn: '2027-12-31T23:59:59.000Z',
  }));
  const mock = await startMockApi({ store: new CreditBatchStore(seed), faults });
  return { mock, ids };
}

const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

async function deltaFile(dir: string, ids: readonly string[], delta: number): Promise<string> {
  const csv = join(dir, 'top-up.csv');
  await writeFile(csv, `id,clientId,currentBalanceDelta\n${ids.map((id) => `${id},${CLIENT},${delta}`).join('\n')}\n`);
  return csv;
}

const args = (mock: MockApi, ...more: string[]): string[] => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '200', ...more];

async function reportOf(folder: string): Promise<Record<string, string>[]> {
  return (await readCsvFile(join(folder, 'report.csv'))).sort((a, b) => Number(a.line) - Number(b.line));
}

/** Runs `apply` and SIGKILLs it once the mock holds `balance` for `id`: its request landed, its answer never will. */
async function killOnceLanded(mock: MockApi, id: string, balance: number, cliArgs: readonly string[], dir: string): Promise<void> {
  const killed = await spawnCli(cliArgs, dir, async (pid) => {
    while (mock.store.get(id)?.currentBalance !== balance) await sleep(2);
    process.kill(pid, 'SIGKILL');
  });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
}

describe('a delta whose answer was lost', () => {
  it('killed in flight, then redeemed from: two resumes leave it applied once, uncertain, out of failed.csv', async () => {
    // The batch's PUT is acted on and never answered: the process is killed waiting for it.
    const { mock, ids } = await mockOf([5000], {}, (id) => ({ script: { [id]: [{ kind: 'lost' }] } }));
    const [id] = ids as [string];
    const dir = await tempDir();
    const csv = await deltaFile(dir, ids, 100);
    const folder = join(dir, 'run');
    await killOnceLanded(mock, id, 5100, ['apply', csv, '--yes', '--out', folder, ...args(mock)], dir);
    assert.match(await readFile(join(folder, 'sent.log'), 'utf8'), /^@2 5000 5100 \S+Z$/m, 'the balance journalled before the request left');
    mock.store.redeem(id, 1, new Date());

    for (const session of [1, 2]) {
      const resumed = await spawnCli(['apply', '--resume', folder, '--yes', ...args(mock)], dir);
      assert.equal(resumed.code, 1, `resume ${session}: ${resumed.stderr}${resumed.stdout}`);
      const [row] = await reportOf(folder);
      assert.deepEqual([row?.outcome, row?.['live.currentBalance']], ['uncertain', '5099'], `resume ${session}`);
      assert.match(row?.error ?? '', /^may have been applied/);
      assert.deepEqual(await readCsvFile(join(folder, 'failed.csv')), [], 'never a row to send again');
      assert.doesNotMatch(resumed.stdout, /send them with/);
    }
    assert.equal(puts(mock).length, 1, 'one request, whatever the resumes');
    assert.equal(mock.store.get(id)?.currentBalance, 5099);
  });

  it('killed in flight, with nothing redeemed since: the resume finds it applied, and undo.csv takes back exactly the delta', async () => {
    const { mock, ids } = await mockOf([5000], {}, (id) => ({ script: { [id]: [{ kind: 'lost' }] } }));
    const [id] = ids as [string];
    const dir = await tempDir();
    const csv = await deltaFile(dir, ids, 100);
    const folder = join(dir, 'run');
    await killOnceLanded(mock, id, 5100, ['apply', csv, '--yes', '--out', folder, ...args(mock)], dir);
    const sentBefore = puts(mock).length;
    const resumed = await spawnCli(['apply', '--resume', folder, '--yes', ...args(mock)], dir);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const [row] = await reportOf(folder);
    assert.deepEqual([row?.outcome, row?.['baseline.currentBalance'], row?.sent], ['updated', '5000', '{"currentBalance":5100}']);
    assert.match(row?.error ?? '', /applied by an earlier request whose answer was lost/);
    assert.equal(puts(mock).length, sentBefore, 'nothing sent again');
    assert.equal(mock.store.get(id)?.currentBalance, 5100);
    const undo = await readCsvFile(join(folder, 'undo.csv'));
    assert.deepEqual(
      undo.map((line) => [line.id, line.currentBalanceDelta]),
      [[id, '-100']],
    );
  });

  it('answered 5xx every time: settled by a read made after the last request, as failed only when the delta did not land', async () => {
    const refused: Fault = { kind: 'status', status: 503 };
    const { mock, ids } = await mockOf([5000, 700], {}, (first, second) => ({
      script: { [first]: [refused, refused], [second ?? '']: [{ kind: 'lost' }, refused] },
    }));
    const [notLanded, landed] = ids as [string, string];
    const dir = await tempDir();
    const csv = await deltaFile(dir, ids, 100);
    const run = await spawnCli(['apply', csv, '--yes', '--out', 'run', '--retries', '1', ...args(mock)], dir);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const report = await reportOf(join(dir, 'run'));
    assert.deepEqual(
      report.map((row) => [row.id, row.outcome]),
      [
        [notLanded, 'failed'],
        [landed, 'updated'],
      ],
    );
    assert.deepEqual(
      (await readCsvFile(join(dir, 'run', 'failed.csv'))).map((row) => row.id),
      [notLanded],
      'only the delta that did not land is sent again',
    );
    assert.deepEqual([mock.store.get(notLanded)?.currentBalance, mock.store.get(landed)?.currentBalance], [5000, 800]);
  });
});

describe('a run stopped twice', () => {
  it('ends at once on the second Ctrl-C with its summary, undo.csv and the resume command; the resume applies every delta once', async () => {
    const balances = Array.from({ length: 30 }, (_, index) => 1000 + index);
    const { mock, ids } = await mockOf(balances, { latencyMs: 150 });
    const dir = await tempDir();
    const csv = await deltaFile(dir, ids, 10);
    const folder = join(dir, 'run');
    const stopped = await spawnCli(['apply', csv, '--yes', '--out', folder, '--concurrency', '3', ...args(mock)], dir, async (pid) => {
      while (puts(mock).length < 6) await sleep(2);
      process.kill(pid, 'SIGINT');
      await sleep(20);
      process.kill(pid, 'SIGINT');
    });
    assert.equal(stopped.code, 130, stopped.stderr + stopped.stdout);
    const summary = JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'interrupted');
    assert.equal(existsSync(join(folder, 'summary.json.tmp')), false);
    const updated = (await reportOf(folder)).filter((row) => row.outcome === 'updated').map((row) => row.id);
    assert.ok(updated.length > 0, 'some rows were updated before the stop');
    const undo = await readCsvFile(join(folder, 'undo.csv'));
    assert.deepEqual(undo.map((line) => line.id).sort(), [...updated].sort());
    assert.match(stopped.stdout, /ti-credits apply --resume run --yes/);

    // The requests abandoned land late, or not at all: the resume settles them by the balance each journalled.
    await sleep(300);
    const resumed = await spawnCli(['apply', '--resume', folder, '--yes', ...args(mock)], dir);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.deepEqual(
      ids.map((id) => mock.store.get(id)?.currentBalance),
      balances.map((balance) => balance + 10),
    );
  });
});

describe('values set by a request answered with a server error', () => {
  it('settled by a read made after the last request: updated (and in undo.csv) when the batch holds them, failed when it does not', async () => {
    const { mock, ids } = await mockOf([5000, 700], {}, (first, second) => ({
      // A gateway answers 504 for writes the API made; the other batch's writes never reach the API.
      script: {
        [first]: [
          { kind: 'landed', status: 504 },
          { kind: 'landed', status: 504 },
        ],
        [second ?? '']: [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    }));
    const [landed, notLanded] = ids as [string, string];
    const dir = await tempDir();
    const csv = join(dir, 'set.csv');
    await writeFile(csv, `id,clientId,currentBalance\n${landed},${CLIENT},900\n${notLanded},${CLIENT},900\n`);
    const run = await cli(['apply', csv, '--yes', '--out', 'run', '--retries', '1', ...args(mock)], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const report = await reportOf(join(dir, 'run'));
    assert.deepEqual(
      report.map((row) => [row.id, row.outcome]),
      [
        [landed, 'updated'],
        [notLanded, 'failed'],
      ],
    );
    assert.match(report[0]?.error ?? '', /answered with a server error\): the batch holds the values it sent/);
    assert.deepEqual(
      (await readCsvFile(join(dir, 'run', 'undo.csv'))).map((row) => [row.id, row.currentBalanceDelta]),
      [[landed, '+4100']],
    );
    assert.deepEqual(
      (await readCsvFile(join(dir, 'run', 'failed.csv'))).map((row) => row.id),
      [notLanded],
    );
    assert.deepEqual([mock.store.get(landed)?.currentBalance, mock.store.get(notLanded)?.currentBalance], [900, 700]);
  });
});

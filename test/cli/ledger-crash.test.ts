import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, spawnCli, tempDir } from '../helpers.js';

/**
 * The run ledger survives a SIGKILL at any moment: of the command line
 * while it sends (a record started, never ended), while it writes a line
 * (a line cut short: skipped, and every other line read), and the next
 * writer appends after whatever a killed one left.
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();

async function world(count: number, latencyMs: number): Promise<{ mock: MockApi; dir: string; csv: string; ids: string[] }> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const mock = await startMockApi({
    store: new CreditBatchStore(ids.map((id) => ({ id, clientId: CLIENT, currentBalance: 100 }) satisfies Partial<CreditBatch>)),
    faults: { latencyMs },
  });
  const dir = await tempDir();
  const csv = join(dir, 'top-up.csv');
  await writeFile(csv, `id,clientId,currentBalanceDelta\n${ids.map((id) => `${id},${CLIENT},+5`).join('\n')}\n`);
  return { mock, dir, csv, ids };
}

const puts = (mock: MockApi): number => mock.requests.filter((request) => request.method === 'PUT').length;
const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--concurrency', '1', '--yes'];

async function runs(dir: string): Promise<{ readonly code: number; readonly list: Record<string, any>[]; readonly table: string }> {
  const json = await cli(['runs', '--json'], { cwd: dir });
  const table = await cli(['runs'], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  assert.equal(table.code, 0, table.stderr);
  return { code: json.code, list: JSON.parse(json.stdout) as Record<string, any>[], table: table.stdout };
}

describe('the run ledger after a SIGKILL', () => {
  it('killed while sending: the run reads unfinished, the same delta file is refused with the resume to run instead, and the resume completes the record', async () => {
    const { mock, dir, csv, ids } = await world(8, 40);
    const killed = await spawnCli(['apply', csv, ...base(mock), '--out', 'reports/killed'], dir, async (pid) => {
      while (puts(mock) < 3) await sleep(2);
      process.kill(pid, 'SIGKILL');
    });
    assert.equal(killed.signal, 'SIGKILL');
    const { list } = await runs(dir);
    assert.deepEqual(
      list.map((run) => [run.id, run.status, run.finishedAt, run.counts]),
      [['killed', 'unfinished', null, null]],
    );

    const again = await cli(['apply', csv, ...base(mock)], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /by run killed on .* \(it never recorded its end, and may have sent rows\)/);
    assert.match(again.stderr, /To finish that run, continue it: ti-credits apply --resume reports\/killed\./);

    const resumed = await cli(['apply', '--resume', 'reports/killed', '--yes'], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      ids.map((id) => mock.store.get(id)?.currentBalance),
      ids.map(() => 105),
    );
    const [run] = (await runs(dir)).list;
    assert.deepEqual([run?.status, run?.counts.updated, run?.balance.net], ['completed', 8, 40]);
    const shown = JSON.parse((await cli(['runs', 'show', 'killed', '--json'], { cwd: dir })).stdout);
    assert.equal(shown.sessions, 2);
  });

  it('killed while writing a line: each cut of a line leaves a ledger that runs reads, and the next writer appends after it', async () => {
    const { mock, dir, csv } = await world(2, 0);
    assert.equal((await cli(['apply', csv, ...base(mock), '--out', 'reports/first'], { cwd: dir })).code, 0);
    const path = join(dir, 'reports', 'ledger.jsonl');
    const whole = await readFile(path, 'utf8');
    // The run's end, written again and cut short at each place: read whole, it says what the ledger says already.
    const line = whole.split('\n')[1] ?? '';
    assert.match(line, /"t":"end"/);
    for (const cut of [1, 7, line.length >> 1, line.length - 1, line.length]) {
      await writeFile(path, `${whole}${line.slice(0, cut)}`);
      const { list } = await runs(dir);
      assert.deepEqual(
        list.map((run) => [run.id, run.status]),
        [['first', 'completed']],
        `cut at ${cut}`,
      );
    }
    // The next run appends after the torn line, which then reads as damaged; both runs are there.
    await writeFile(path, `${whole}${line.slice(0, 30)}`);
    const other = join(dir, 'other.csv');
    await writeFile(other, (await readFile(csv, 'utf8')).replaceAll('+5', '+6'));
    assert.equal((await cli(['apply', other, ...base(mock), '--out', 'reports/second'], { cwd: dir })).code, 0);
    const { list, table } = await runs(dir);
    assert.deepEqual(
      list.map((run) => [run.id, run.status]),
      [
        ['second', 'completed'],
        ['first', 'completed'],
      ],
    );
    assert.match(table, /1 damaged line of the ledger \(a write cut short\) was skipped; ti-credits runs --rebuild restores what the run folders say\./);
  });

  it('the real command line killed at any moment of approve (which writes one line) leaves a ledger that runs reads', async () => {
    const { mock, dir, csv } = await world(2, 0);
    assert.equal((await cli(['plan', csv, '--base-url', mock.origin, '--rate', '0', '--out', 'reports/plan'], { cwd: dir })).code, 1);
    let recorded = 0;
    for (const delay of [60, 90, 120, 150, 180, 210, 240, 270, 300, 400]) {
      const killed = await spawnCli(['approve', 'reports/plan', '--as', `after ${delay} ms`], dir, (pid) => {
        // A run that ended before its moment came is gone (ESRCH): it is one of those counted as recorded below.
        setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
          }
        }, delay);
      });
      if (killed.code === 0) recorded++;
      const { list } = await runs(dir);
      assert.deepEqual(
        list.map((run) => run.command),
        ['plan'],
      );
    }
    // Every approval whose line was written whole is on record; a line cut short is skipped.
    const lines = (await readFile(join(dir, 'reports', 'ledger.jsonl'), 'utf8')).split('\n').filter((text) => text.includes('"t":"approve"'));
    const whole = lines.filter((text) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    });
    assert.ok(whole.length >= recorded, `${recorded} approve commands ended, ${whole.length} approvals recorded`);
    assert.equal((await cli(['approve', 'reports/plan', '--as', 'last'], { cwd: dir })).code, 0);
    const { list } = await runs(dir);
    assert.equal(list[0]?.approvedBy, 'last');
  });
});

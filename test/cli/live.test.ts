import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi, MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, spawnCli, tempDir } from '../helpers.js';

const startMockApi = mockApiStarter();

interface World {
  readonly mock: MockApi;
  readonly clients: readonly string[];
  /** The batches, in the order the seed lists them. */
  readonly batches: readonly CreditBatch[];
}

/** A mock holding `perClient` batches for each of `clientCount` clients, answering lists `perPage` at a time. */
async function world(clientCount: number, perClient: number, options: Omit<MockOptions, 'store'> = {}): Promise<World> {
  const clients = Array.from({ length: clientCount }, () => randomUUID());
  const seed: Partial<CreditBatch>[] = clients.flatMap((clientId, c) =>
    Array.from({ length: perClient }, (_, index) => ({
      id: randomUUID(),
      clientId,
      creditAccountId: randomUUID(),
      name: `Client ${c} batch ${index}`,
      currentBalance: 100 + index,
      startingBalance: 500,
      expiresOn: '2027-12-31T23:59:59.000Z',
    })),
  );
  const mock = await startMockApi({ perPage: 3, ...options, store: new CreditBatchStore(seed) });
  return { mock, clients, batches: clients.flatMap((clientId) => mock.store.listByClient(clientId)) };
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '1'];
const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');
/** The reads of credit batch lists (the credit ledger read to reconcile a run is not one). */
const gets = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/creditBatches'));

/** Takes a snapshot of every client of `w` into `<dir>/snap`; returns snapshot.csv's path. */
async function snapshot(w: World, dir: string): Promise<string> {
  const run = await cli(['snapshot', ...w.clients.flatMap((client) => ['--client', client]), ...base(w.mock), '--out', join(dir, 'snap')], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return join(dir, 'snap', 'snapshot.csv');
}

/** A copy of a CSV with `edit` applied to each record (header excluded). */
async function edited(path: string, to: string, edit: (record: Record<string, string>, index: number) => void): Promise<string> {
  const records = parse(await readFile(path), { columns: true }) as Record<string, string>[];
  records.forEach(edit);
  const header = Object.keys(records[0] ?? {});
  const quote = (cell: string): string => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  await writeFile(to, `${header.join(',')}\n${records.map((record) => header.map((name) => quote(record[name] ?? '')).join(',')).join('\n')}\n`);
  return to;
}

async function reportOf(folder: string): Promise<Record<string, string>[]> {
  return (await readCsvFile(join(folder, 'report.csv'))).sort((a, b) => Number(a.line) - Number(b.line));
}

describe('snapshot', () => {
  it('writes every credit batch of several clients, read over many pages, as the mock holds them', async () => {
    const w = await world(3, 8);
    const dir = await tempDir();
    const file = await snapshot(w, dir);
    const rows = await readCsvFile(file);
    assert.deepEqual(
      rows.map((row) => [
        row.id,
        row.name,
        row.expiresOn,
        row.currentBalance,
        row.clientId,
        row.creditAccountId,
        row['before.name'],
        row['before.expiresOn'],
        row['before.currentBalance'],
      ]),
      w.batches.map((batch) => [
        batch.id,
        batch.name,
        batch.expiresOn,
        String(batch.currentBalance),
        batch.clientId,
        batch.creditAccountId,
        batch.name,
        batch.expiresOn,
        String(batch.currentBalance),
      ]),
    );
    assert.equal(
      Object.keys(rows[0] ?? {}).join(','),
      'id,name,expiresOn,currentBalance,clientId,creditAccountId,startingBalance,allocatedCredits,status,createdAt,updatedAt,before.name,before.expiresOn,before.currentBalance',
    );
    // 8 batches at 3 a page: 3 pages per client, no more.
    assert.equal(gets(w.mock).length, 9);
    const summary = JSON.parse(await readFile(join(dir, 'snap', 'summary.json'), 'utf8'));
    assert.deepEqual([summary.status, summary.snapshot.batches, summary.snapshot.clients, summary.requests.sent], ['completed', 24, 3, 9]);
  });

  it('refuses, writing no snapshot.csv, a list whose count disagrees with the total the API gave', async () => {
    const w = await world(2, 4, { faults: { paging: { totalSkew: 1 } } });
    const dir = await tempDir();
    const run = await cli(['snapshot', '--client', w.clients[0] ?? '', ...base(w.mock), '--out', join(dir, 'snap')], { cwd: dir });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /listed 4 credit batches for client .* but said it has 5/);
    assert.equal(existsSync(join(dir, 'snap', 'snapshot.csv')), false);
  });
});

describe('apply, reading before it writes', () => {
  it('sends nothing for a snapshot given back untouched: every row is unchanged', async () => {
    const w = await world(2, 5);
    const dir = await tempDir();
    const file = await snapshot(w, dir);
    const before = w.mock.requests.length;
    const run = await cli(['apply', '--yes', file, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(puts(w.mock).length, 0);
    // Read for the plan, then again once it is confirmed: a row is called unchanged only against values read after the question.
    assert.equal(w.mock.requests.length - before, 8, 'two list reads of two pages per client');
    const report = await reportOf(join(dir, 'run'));
    assert.deepEqual(new Set(report.map((row) => row.outcome)), new Set(['unchanged']));
    assert.equal(report.length, 10);
    // Nothing changed, nothing to put back: its undo.csv (a header alone) is not offered.
    assert.doesNotMatch(run.stdout, /Undo: /);
  });

  it('sends exactly the rows edited, each with only the fields changed, and records old → new in plan.csv', async () => {
    const w = await world(2, 10);
    const dir = await tempDir();
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record, index) => {
      if (index % 2 === 0) record.currentBalance = String(Number(record.currentBalance) + 50);
    });
    const run = await cli(['apply', '--yes', file, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const sent = puts(w.mock);
    assert.equal(sent.length, 10);
    assert.ok(sent.every((request) => Object.keys(request.body as object).join() === 'currentBalance'));
    w.batches.forEach((batch, index) => assert.equal(w.mock.store.get(batch.id)?.currentBalance, batch.currentBalance + (index % 2 === 0 ? 50 : 0)));
    const plan = await readCsvFile(join(dir, 'run', 'plan.csv'));
    assert.equal(plan.length, 10);
    const first = w.batches[0] as CreditBatch;
    assert.deepEqual(plan[0], {
      line: '2',
      id: first.id,
      name: first.name,
      clientId: w.clients[0],
      clientName: '',
      field: 'currentBalance',
      before: String(first.currentBalance),
      after: String(first.currentBalance + 50),
      change: '+50',
    });
    const summary = JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8'));
    assert.deepEqual([summary.rows.updated, summary.rows.unchanged, summary.plan.changes.balance.net, summary.plan.changes.balance.up], [10, 10, '500', 10]);
    const before = w.batches.filter((_, index) => index % 2 === 0).reduce((sum, batch) => sum + batch.currentBalance, 0);
    assert.ok(
      run.stderr.includes(
        `currentBalance: 10 rows, ${before.toLocaleString('en-US')} → ${(before + 500).toLocaleString('en-US')} credits (net +500: 500 added, 0 taken away); 10 up, 0 down.`,
      ),
      run.stderr,
    );
  });

  it('does not send a row whose balance learners spent from since the snapshot: drifted, exit 1, the redemption kept', async () => {
    const w = await world(1, 4);
    const dir = await tempDir();
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record) => {
      record.currentBalance = '999';
    });
    const spent = w.batches[1] as CreditBatch;
    w.mock.store.redeem(spent.id, 7, new Date());
    const run = await cli(['apply', '--yes', file, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.deepEqual(
      puts(w.mock)
        .map((request) => request.id)
        .sort(),
      w.batches
        .filter((batch) => batch !== spent)
        .map((batch) => batch.id)
        .sort(),
    );
    assert.equal(w.mock.store.get(spent.id)?.currentBalance, spent.currentBalance - 7);
    const row = (await reportOf(join(dir, 'run'))).find((record) => record.id === spent.id);
    assert.deepEqual(
      [row?.outcome, row?.['baseline.currentBalance'], row?.['live.currentBalance'], row?.sent],
      ['drifted', String(spent.currentBalance), String(spent.currentBalance - 7), '{"currentBalance":999}'],
    );
    const failed = await readCsvFile(join(dir, 'run', 'failed.csv'));
    assert.deepEqual(
      failed.map((record) => record.id),
      [spent.id],
    );
    assert.match(failed[0]?.error ?? '', /^drifted: /);
    assert.deepEqual([row?.code, failed[0]?.code], ['TIC-DRIFTED', 'TIC-DRIFTED']);
    assert.match(run.stderr, /1 row whose batch changed since the file was prepared \(drifted\)/);
  });

  it('reads a client again when its values are older than --max-staleness, and finds a redemption made after the plan', async () => {
    const w = await world(1, 3);
    const dir = await tempDir();
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record) => {
      record.currentBalance = '500';
    });
    const last = w.batches[2] as CreditBatch;
    let redeemed = false;
    const mock = w.mock;
    // A learner spends from the last row's batch once the first row's PUT arrives: after the plan, before that row's turn.
    mock.requests.length = 0;
    const hook = setInterval(() => {
      if (!redeemed && puts(mock).length > 0) {
        mock.store.redeem(last.id, 1, new Date());
        redeemed = true;
      }
    }, 1);
    const run = await cli(['apply', '--yes', file, ...base(mock), '--concurrency', '1', '--max-staleness', '0', '--out', join(dir, 'run')], { cwd: dir });
    clearInterval(hook);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const report = await reportOf(join(dir, 'run'));
    assert.deepEqual(
      report.map((row) => row.outcome),
      ['updated', 'updated', 'drifted'],
    );
    assert.equal(mock.store.get(last.id)?.currentBalance, last.currentBalance - 1);
    // Read once for the plan, then again before each of the three rows (--max-staleness 0).
    assert.equal(gets(mock).length, 4);
  });

  it('reads a large client again by the credit account its rows name, once the plan has shown that costs fewer pages, and says where the reading stands', async () => {
    const clientId = randomUUID();
    const [small, large] = [randomUUID(), randomUUID()];
    const seed: Partial<CreditBatch>[] = Array.from({ length: 31 }, (_, index) => ({
      id: randomUUID(),
      clientId,
      creditAccountId: index === 0 ? small : large,
      currentBalance: 100,
      expiresOn: '2027-12-31T23:59:59.000Z',
    }));
    const mock = await startMockApi({ perPage: 3, faults: { latencyMs: 150 }, store: new CreditBatchStore(seed) });
    const [row] = seed as [Partial<CreditBatch>];
    const dir = await tempDir();
    const csv = join(dir, 'one.csv');
    await writeFile(csv, `id,clientId,creditAccountId,currentBalanceDelta\n${row.id},${clientId},${small},5\n`);
    const run = await cli(['apply', '--yes', csv, ...base(mock), '--out', join(dir, 'run'), '--progress-interval', '1', '--no-reconcile'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const reads = gets(mock);
    // The plan reads the client whole (31 batches, 3 a page); the check before the PUT reads only the account of the row.
    assert.equal(reads.filter((request) => request.query.creditAccountId === undefined).length, 11);
    assert.deepEqual(
      reads.filter((request) => request.query.creditAccountId !== undefined).map((request) => request.query.creditAccountId),
      [small],
    );
    assert.equal(mock.store.get(row.id ?? '')?.currentBalance, 105);
    assert.match(run.stderr, /Reading the live values: 0\/1 list read, \d+ pages?, \d+ credit batch/);
    assert.doesNotMatch(run.stderr, /Carried to the report, not sent/, 'the credit account is read, not a note');
  });

  it('sends a file that interleaves its clients client by client, so that each client is read again only while its own rows go', async () => {
    const w = await world(3, 4);
    const dir = await tempDir();
    // Row by row: client 0, 1, 2, 0, 1, 2…
    const interleaved = [0, 1, 2, 3].flatMap((index) => w.clients.map((client) => w.mock.store.listByClient(client)[index] as CreditBatch));
    const csv = join(dir, 'interleaved.csv');
    await writeFile(csv, `id,clientId,currentBalanceDelta\n${interleaved.map((batch) => `${batch.id},${batch.clientId},1`).join('\n')}\n`);
    const run = await cli(['apply', '--yes', csv, ...base(w.mock), '--concurrency', '1', '--out', join(dir, 'run'), '--no-reconcile'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const clientOf = new Map(w.batches.map((batch) => [batch.id, batch.clientId]));
    assert.deepEqual(
      puts(w.mock).map((request) => clientOf.get(request.id ?? '')),
      w.clients.flatMap((client) => [client, client, client, client]),
    );
    assert.deepEqual(
      w.batches.map((batch) => w.mock.store.get(batch.id)?.currentBalance),
      w.batches.map((batch) => batch.currentBalance + 1),
    );
  });

  it("refuses, before any PUT, a row whose id is not among its client's batches", async () => {
    const w = await world(2, 3);
    const dir = await tempDir();
    const strangers = randomUUID();
    const csv = join(dir, 'input.csv');
    await writeFile(
      csv,
      `id,clientId,currentBalance\n${w.batches[0]?.id},${w.clients[0]},5\n${strangers},${w.clients[0]},6\n${w.batches[4]?.id},${w.clients[0]},7\n`,
    );
    const run = await cli(['apply', '--yes', csv, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.equal(puts(w.mock).length, 0);
    const report = await reportOf(join(dir, 'run'));
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome]),
      [
        ['2', 'skipped'],
        ['3', 'invalid'],
        ['4', 'invalid'],
      ],
    );
    assert.match(report[1]?.error ?? '', new RegExp(`id ${strangers} is not a credit batch of client ${w.clients[0]}`));
  });

  it('refuses a file whose rows do not say their client, naming both ways to say it, and reads nothing', async () => {
    const w = await world(1, 2);
    const dir = await tempDir();
    const csv = join(dir, 'input.csv');
    await writeFile(csv, `id,currentBalance\n${w.batches[0]?.id},5\n`);
    const run = await cli(['apply', '--yes', csv, ...base(w.mock)], { cwd: dir });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /does not say which client its credit batch belongs to/);
    assert.match(run.stderr, /clientId column.*--client <id>.*--blind/);
    assert.equal(w.mock.requests.length, 0);
  });

  it("finds each row's client among those --client names, for a file without a clientId column", async () => {
    const w = await world(2, 3);
    const dir = await tempDir();
    const csv = join(dir, 'input.csv');
    await writeFile(csv, `id,currentBalance\n${w.batches[0]?.id},5\n${w.batches[4]?.id},6\n`);
    const run = await cli(['apply', '--yes', csv, ...base(w.mock), ...w.clients.flatMap((client) => ['--client', client])], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual([w.mock.store.get(w.batches[0]?.id ?? '')?.currentBalance, w.mock.store.get(w.batches[4]?.id ?? '')?.currentBalance], [5, 6]);
  });

  it('fails a row whose 200 holds other values than those sent, saying what the API holds', async () => {
    const w = await world(1, 2);
    const dir = await tempDir();
    const target = w.batches[0] as CreditBatch;
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record) => {
      record.currentBalance = '321';
    });
    const liar = await startMockApi({
      perPage: 3,
      store: new CreditBatchStore(w.mock.store.all()),
      faults: { script: { [target.id]: [{ kind: 'status', status: 200, body: { data: { UpdateCreditBatch: { ...target, currentBalance: 320 } } } }] } },
    });
    const run = await cli(['apply', '--yes', file, ...base(liar), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const row = (await reportOf(join(dir, 'run'))).find((record) => record.id === target.id);
    assert.equal(row?.outcome, 'failed');
    assert.match(row?.error ?? '', /answered 200 but holds currentBalance 320 where 321 was sent/);
    // Sent blind, the answer is checked all the same: it costs no request.
    const blindLiar = await startMockApi({
      store: new CreditBatchStore(w.mock.store.all()),
      faults: { script: { [target.id]: [{ kind: 'status', status: 200, body: { data: { UpdateCreditBatch: { ...target, currentBalance: 320 } } } }] } },
    });
    const blind = await cli(['apply', '--yes', '--blind', file, ...base(blindLiar), '--out', join(dir, 'blind')], { cwd: dir });
    assert.equal(blind.code, 1, blind.stderr + blind.stdout);
    const blindRow = (await reportOf(join(dir, 'blind'))).find((record) => record.id === target.id);
    assert.deepEqual([blindRow?.outcome, blindRow?.code], ['failed', 'TIC-API-UPDATE-UNCONFIRMED']);
  });

  it('sends blind with --blind: no read, every row sent, as before', async () => {
    const w = await world(1, 3);
    const dir = await tempDir();
    const file = await snapshot(w, dir);
    const reads = gets(w.mock).length;
    const run = await cli(['apply', '--blind', '--yes', file, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(gets(w.mock).length, reads);
    assert.equal(puts(w.mock).length, 3);
    assert.equal(existsSync(join(dir, 'run', 'undo.csv')), false);
    assert.match(run.stderr, /Not checked \(--blind\)/);
  });

  it('shows the plan as changes on a dry run, sends nothing, and writes plan.csv and the report', async () => {
    const w = await world(1, 3);
    const dir = await tempDir();
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record, index) => {
      if (index === 0) record.name = 'Renamed';
    });
    const run = await cli(['apply', file, ...base(w.mock), '--dry-run', '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(puts(w.mock).length, 0);
    assert.match(run.stdout, /Dry run: 3 rows in .*: 1 valid, 2 unchanged\./);
    assert.match(run.stdout, /name: 1 row renamed\./);
    assert.deepEqual(
      (await reportOf(join(dir, 'run'))).map((row) => row.outcome),
      ['valid', 'unchanged', 'unchanged'],
    );
    assert.equal((await readCsvFile(join(dir, 'run', 'plan.csv'))).length, 1);
  });
});

describe('undo', () => {
  it('restores what the run changed, takes balances back by a delta so that later redemptions survive, and refuses a name changed again since', async () => {
    const w = await world(2, 4);
    const dir = await tempDir();
    const original = w.mock.store.all().map((batch) => ({ ...batch }));
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record, index) => {
      record.currentBalance = String(1000 + index);
      if (index % 3 === 0) record.expiresOn = '2028-06-30T23:59:59.000Z';
      if (index === 5) record.name = 'Renamed by the run';
    });
    const run = await cli(['apply', '--yes', file, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const undo = join(dir, 'run', 'undo.csv');
    const undoRows = await readCsvFile(undo);
    assert.equal(undoRows.length, 8);
    assert.equal(Object.keys(undoRows[0] ?? {}).join(','), 'id,clientId,name,expiresOn,currentBalanceDelta,before.name,before.expiresOn');
    assert.match(run.stdout, /Undo: run\/undo\.csv/);

    // After the run, a learner spends 3 credits from one batch, and someone renames another.
    const spent = w.batches[2] as CreditBatch;
    w.mock.store.redeem(spent.id, 3, new Date());
    const renamed = w.batches[5] as CreditBatch;
    w.mock.store.update(renamed.id, { name: 'Renamed again by someone' }, new Date());
    const back = await cli(['apply', '--yes', undo, ...base(w.mock), '--out', join(dir, 'undo')], { cwd: dir });
    assert.equal(back.code, 1, back.stderr + back.stdout);
    for (const batch of original) {
      const now = w.mock.store.get(batch.id);
      if (batch.id === renamed.id) {
        assert.equal(now?.name, 'Renamed again by someone');
        continue;
      }
      const redeemed = batch.id === spent.id ? 3 : 0;
      assert.deepEqual([now?.name, now?.expiresOn, now?.currentBalance], [batch.name, batch.expiresOn, batch.currentBalance - redeemed], batch.id);
    }
    const report = await reportOf(join(dir, 'undo'));
    assert.deepEqual(
      report.filter((row) => row.outcome !== 'updated').map((row) => [row.id, row.outcome]),
      [[renamed.id, 'drifted']],
    );
  });
});

describe("undo and verify, with notes named like the report's own columns", () => {
  it('read what ti-credits wrote, never a note called Sent or Baseline.currentBalance', async () => {
    const w = await world(1, 3);
    const dir = await tempDir();
    const [a, b, c] = w.batches as [CreditBatch, CreditBatch, CreditBatch];
    const client = w.clients[0] ?? '';
    const file = join(dir, 'notes.csv');
    await writeFile(
      file,
      `id,clientId,currentBalance,Sent,Baseline.currentBalance\n${a.id},${client},5000,{},1\n${b.id},${client},6000,"{""currentBalance"":1000}",2\n${c.id},${client},7000,yes,x\n`,
    );
    const run = await cli(['apply', '--yes', file, ...base(w.mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const undo = await readCsvFile(join(dir, 'run', 'undo.csv'));
    // Rows finish, and so are reported and undone, in the order their answers come.
    assert.deepEqual(
      undo.map((row) => [row.id, row.currentBalanceDelta]).sort(),
      [a, b, c].map((batch, index) => [batch.id, String(batch.currentBalance - (5000 + 1000 * index))]).sort(),
    );
    const verified = await cli(['verify', join(dir, 'run'), '--base-url', w.mock.origin], { cwd: dir });
    assert.equal(verified.code, 0, verified.stderr + verified.stdout);
  });
});

describe('resume, reading before it writes', () => {
  it('after kill -9, resolves the rows in flight by reading: none sent twice, every balance right', async () => {
    const w = await world(2, 20, { faults: { latencyMs: 30 } });
    const dir = await tempDir();
    const file = await edited(await snapshot(w, dir), join(dir, 'edited.csv'), (record, index) => {
      record.currentBalance = String(2000 + index);
    });
    const folder = join(dir, 'run');
    const args = ['apply', '--yes', file, ...base(w.mock), '--concurrency', '4'];
    const killed = await spawnCli([...args, '--out', folder], dir, async (pid) => {
      while (puts(w.mock).length < 12) await sleep(5);
      process.kill(pid, 'SIGKILL');
    });
    assert.equal(killed.signal, 'SIGKILL');
    // Let the mock finish applying what reached it before the kill.
    await sleep(200);
    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const sentTwice = w.batches.filter((batch) => puts(w.mock).filter((request) => request.id === batch.id).length > 1);
    assert.deepEqual(sentTwice, []);
    assert.deepEqual(
      w.batches.map((batch) => w.mock.store.get(batch.id)?.currentBalance),
      w.batches.map((_, index) => 2000 + index),
    );
    const report = await reportOf(folder);
    assert.equal(report.length, 40);
    assert.ok(report.every((row) => row.outcome === 'updated'));
    assert.equal((await readCsvFile(join(folder, 'undo.csv'))).length, 40);
  });
});

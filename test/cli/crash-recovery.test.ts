import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { MockApi } from '../../src/mock/server.js';
import { RESENT_NOTE } from '../../src/report/resent-note.js';
import { LOCK_FILE } from '../../src/report/run-lock.js';
import { cli, ids, mockStarter, readCsvFile, requestsFor, spawnCli, tempDir, writeCsv } from '../helpers.js';

/**
 * A run folder can always be finished: whatever instant a session was killed
 * at (a real SIGKILL of the command line, or the files such a kill or a
 * power cut leaves, planted), the next --resume ends the run with every row
 * right and its figures agreeing; and one folder is written by one process.
 */

const mockWith = mockStarter();

interface Run {
  readonly mock: MockApi;
  readonly rows: readonly string[];
  readonly dir: string;
  readonly csv: string;
  readonly folder: string;
  /** `apply` sending the file blind, unpaced, into `folder`: add `--out` or `--resume`. */
  readonly args: readonly string[];
}

/** A mock holding `count` batches, and a CSV setting each row's balance to 1000 + its index. */
async function balanceRun(
  count: number,
  mockOptions: (rows: readonly string[]) => Parameters<typeof mockWith>[1],
  flags: readonly string[] = [],
): Promise<Run> {
  const rows = ids(count);
  const mock = await mockWith(rows, mockOptions(rows));
  const dir = await tempDir();
  const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id, index) => `${id},${1000 + index}`).join('\n')}\n`);
  return { mock, rows, dir, csv, folder: join(dir, 'run'), args: ['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '0', ...flags] };
}

const puts = (mock: MockApi): number => mock.requests.filter((request) => request.method === 'PUT').length;

/** Runs the real command line and SIGKILLs it once the mock has received `requests` PUTs in all. */
async function killAfter(run: Run, args: readonly string[], requests: number): Promise<number> {
  let pid = 0;
  const killed = await spawnCli(args, run.dir, async (started) => {
    pid = started;
    while (puts(run.mock) < requests) await sleep(2);
    process.kill(started, 'SIGKILL');
  });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  return pid;
}

async function summaryOf(folder: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as Record<string, any>;
}

/**
 * The end of every sequence: every batch holds its row's value, report.csv
 * one `updated` line per row in file order, a row sent more than once is
 * flagged, no row recorded updated by a session was sent again, and the
 * figures agree: requests.sent is the sum of the report's attempts, and each
 * row's attempts are the requests the mock received for it, plus one for a
 * request lost at a kill before it reached the mock.
 */
async function assertFinished(run: Run, updatedBefore: ReadonlyMap<string, number> = new Map()): Promise<void> {
  const { mock, rows, folder } = run;
  assert.deepEqual(
    rows.map((id) => mock.store.get(id)?.currentBalance),
    rows.map((_, index) => 1000 + index),
  );
  const report = await readCsvFile(join(folder, 'report.csv'));
  assert.deepEqual(
    report.map((row) => row.line),
    rows.map((_, index) => String(index + 2)),
  );
  assert.deepEqual(
    report.map((row) => row.outcome),
    rows.map(() => 'updated'),
  );
  for (const [index, id] of rows.entries()) {
    const row = report[index] as Record<string, string>;
    const received = requestsFor(mock, id).length;
    const before = updatedBefore.get(id);
    if (before !== undefined) assert.equal(received, before, `row ${id}, recorded updated, was sent again`);
    if (received > 1) assert.ok(row.error?.startsWith(RESENT_NOTE), `row ${id} was sent ${received} times but not flagged`);
    const attempts = Number(row.attempts);
    assert.ok(
      attempts === received || (attempts === received + 1 && row.error?.startsWith(RESENT_NOTE) === true),
      `row ${id}: ${attempts} attempts, ${received} requests received`,
    );
  }
  const summary = await summaryOf(folder);
  assert.deepEqual([summary.status, summary.rows.total, summary.rows.updated], ['completed', rows.length, rows.length]);
  assert.equal(
    summary.requests.sent,
    report.reduce((sum, row) => sum + Number(row.attempts), 0),
  );
  assert.equal(existsSync(join(folder, LOCK_FILE)), false, 'the lock outlived the run');
}

/**
 * The rows a report.csv a kill left records `updated` (a record cut short at
 * the end is dropped), each with the requests the mock had received for it:
 * none may follow.
 */
async function updatedIn(run: Run): Promise<Map<string, number>> {
  const text = await readFile(join(run.folder, 'report.csv'), 'utf8').catch(() => '');
  const records = parse(text.slice(0, text.lastIndexOf('\n') + 1), { columns: true }) as Record<string, string>[];
  return new Map(records.filter((row) => row.outcome === 'updated').map((row) => [row.id ?? '', requestsFor(run.mock, row.id ?? '').length]));
}

describe('a run folder can always be finished', () => {
  it('killed before report.csv had a whole header (SIGKILL, then each prefix planted): the resumed session starts it, so a resume after that one is killed again finishes the run', async () => {
    const cuts: readonly { readonly name: string; readonly cut: (report: string, header: string) => string | undefined }[] = [
      // What a kill while the file is validated leaves: run.json and run.log only.
      { name: 'no report', cut: () => undefined },
      { name: 'empty', cut: () => '' },
      { name: 'half a header', cut: (_, header) => header.slice(0, header.length >> 1) },
      { name: 'the header without its newline', cut: (_, header) => header.slice(0, -1) },
      { name: 'the header', cut: (_, header) => header },
      {
        name: 'the header and half a record',
        cut: (report, header) => report.slice(0, header.length + Math.max(1, (report.indexOf('\n', header.length) - header.length) >> 1)),
      },
    ];
    for (const { name, cut } of cuts) {
      const run = await balanceRun(10, () => ({ faults: { latencyMs: 15 } }), ['--concurrency', '1']);
      await killAfter(run, [...run.args, '--out', run.folder], 4);
      const report = await readFile(join(run.folder, 'report.csv'), 'utf8');
      const header = report.slice(0, report.indexOf('\n') + 1);
      const planted = cut(report, header);
      if (planted === undefined) {
        // A kill while validating comes before any request: what the mock received is forgotten with the files that recorded it.
        for (const file of await readdir(run.folder)) if (file !== 'run.json' && file !== 'run.log' && file !== LOCK_FILE) await rm(join(run.folder, file));
        run.mock.requests.length = 0;
      } else await writeFile(join(run.folder, 'report.csv'), planted);

      await killAfter(run, [...run.args, '--resume', run.folder], puts(run.mock) + 3);
      const afterSecond = await readFile(join(run.folder, 'report.csv'), 'utf8');
      assert.ok(afterSecond.startsWith(header), `${name}: the resumed session left report.csv without its header:\n${afterSecond.slice(0, 80)}`);
      const updatedBefore = await updatedIn(run);

      const resumed = await cli([...run.args, '--resume', run.folder], { cwd: run.dir });
      assert.equal(resumed.code, 0, `${name}: ${resumed.stderr}`);
      await assertFinished(run, updatedBefore);
    }
  });

  it('recovers from a prefix of sent.log, summary.json and failed.csv (planted, as a power cut leaves them)', async () => {
    const files: readonly { readonly file: string; readonly cut: (text: string) => string }[] = [
      { file: 'sent.log', cut: (text) => text.slice(0, text.length - 3) },
      { file: 'sent.log', cut: () => '' },
      { file: 'summary.json', cut: (text) => text.slice(0, text.length >> 1) },
      { file: 'summary.json', cut: () => '' },
      { file: 'failed.csv', cut: (text) => text.slice(0, 7) },
    ];
    for (const { file, cut } of files) {
      const run = await balanceRun(6, () => ({ faults: { latencyMs: 15 } }), ['--concurrency', '1']);
      await killAfter(run, [...run.args, '--out', run.folder], 3);
      const updatedBefore = await updatedIn(run);
      const path = join(run.folder, file);
      await writeFile(path, cut(await readFile(path, 'utf8').catch(() => '')));
      const resumed = await cli([...run.args, '--resume', run.folder], { cwd: run.dir });
      assert.equal(resumed.code, 0, `${file}: ${resumed.stderr}`);
      // sent.log cut short loses which rows were in flight: those are sent again unflagged, the one loss a power cut can cause.
      if (file !== 'sent.log') await assertFinished(run, updatedBefore);
      else
        assert.deepEqual(
          run.rows.map((id) => run.mock.store.get(id)?.currentBalance),
          run.rows.map((_, index) => 1000 + index),
        );
    }
  });

  it('replaces the .tmp files a process killed while rewriting its files left behind (planted)', async () => {
    const run = await balanceRun(6, () => ({ faults: { latencyMs: 15 } }), ['--concurrency', '1', '--excel']);
    await killAfter(run, [...run.args, '--out', run.folder], 3);
    const updatedBefore = await updatedIn(run);
    const leftovers = [
      'report.csv.tmp',
      'failed.csv.tmp',
      'summary.json.tmp',
      'run.json.tmp',
      'sent.log.tmp',
      'report.xlsx.tmp',
      'failed.xlsx.tmp',
      `${LOCK_FILE}.takeover`,
    ];
    for (const file of leftovers) await writeFile(join(run.folder, file), 'left by a process killed while writing it\n');
    const resumed = await cli([...run.args, '--resume', run.folder], { cwd: run.dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    await assertFinished(run, updatedBefore);
    const left = (await readdir(run.folder)).filter((file) => file.endsWith('.tmp') || file.endsWith('.takeover'));
    // summary.json.tmp and run.json.tmp are not written by a resumed run's end: they stay, harmless, as the next writer replaces them.
    assert.deepEqual(left.sort(), ['run.json.tmp']);
    assert.equal((await readCsvFile(join(run.folder, 'failed.csv'))).length, 0);
  });

  it('a row the API refused, resumed twice without interruption: never taken for a row in flight, its attempts the requests made', async () => {
    const run = await balanceRun(
      3,
      (rows) => ({
        faults: {
          script: {
            [rows[1] ?? '']: [
              { kind: 'status', status: 422 },
              { kind: 'status', status: 422 },
            ],
          },
        },
      }),
      ['--retries', '0'],
    );
    const { mock, args } = run;
    const refused = run.rows[1] ?? '';
    assert.equal((await cli([...args, '--out', run.folder], { cwd: run.dir })).code, 1);
    assert.equal((await cli([...args, '--resume', run.folder], { cwd: run.dir })).code, 1);
    const last = await cli([...args, '--resume', run.folder], { cwd: run.dir });
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(
      requestsFor(mock, refused).map((request) => request.answer),
      [422, 422, 200],
    );
    const report = await readCsvFile(join(run.folder, 'report.csv'));
    assert.deepEqual(
      report.map((row) => [row.outcome, row.attempts, row.error]),
      [
        ['updated', '1', ''],
        ['updated', '3', ''],
        ['updated', '1', ''],
      ],
    );
    const summary = await summaryOf(run.folder);
    assert.equal(summary.requests.sent, 5);
    assert.deepEqual(summary.requests.byStatus, { 200: 3, 422: 2 });
  });

  it('kill and resume again and again: requests.sent is the sum of the attempts, a lost request counted once', async () => {
    const run = await balanceRun(30, () => ({ faults: { latencyMs: 20 } }), ['--concurrency', '3']);
    await killAfter(run, [...run.args, '--out', run.folder], 6);
    await killAfter(run, [...run.args, '--resume', run.folder], puts(run.mock) + 6);
    await killAfter(run, [...run.args, '--resume', run.folder], puts(run.mock) + 6);
    const updatedBefore = await updatedIn(run);
    const resumed = await cli([...run.args, '--resume', run.folder], { cwd: run.dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    await assertFinished(run, updatedBefore);
    // Each flagged row lost one request at a kill; the killed sessions' own counts by status (from their last checkpoint) may miss some.
    const summary = await summaryOf(run.folder);
    const report = await readCsvFile(join(run.folder, 'report.csv'));
    assert.ok(
      report.some((row) => row.error?.startsWith(RESENT_NOTE)),
      'no row was in flight at any of the kills',
    );
    assert.ok((summary.requests.byStatus.lost ?? 0) > 0);
  });
});

describe('one process per run folder', () => {
  it('two resumes started together: exactly one sends, the other is refused at once (exit 2) naming it, and writes nothing', async () => {
    // Long enough a resume that the second process starts while the first still holds the folder, however loaded the machine.
    const run = await balanceRun(30, () => ({ faults: { latencyMs: 150 } }), ['--concurrency', '2']);
    const killedPid = await killAfter(run, [...run.args, '--out', run.folder], 4);
    // The killed run's lock is left behind, naming a process that is gone: the next resume takes it over.
    assert.equal(JSON.parse(await readFile(join(run.folder, LOCK_FILE), 'utf8')).pid, killedPid);
    const updatedBefore = await updatedIn(run);
    const sentBefore = new Map(run.rows.map((id) => [id, requestsFor(run.mock, id).length]));

    const pids: number[] = [];
    const both = await Promise.all([0, 1].map(() => spawnCli([...run.args, '--resume', run.folder], run.dir, (pid) => pids.push(pid))));
    const winner = both.findIndex((result) => result.code === 0);
    const loser = both[1 - winner];
    assert.ok(winner >= 0 && loser !== undefined, both.map((result) => `${result.code}: ${result.stderr}`).join('\n'));
    assert.equal(loser.code, 2, loser.stderr);
    // onStart runs as each process is spawned, in order: pids[i] is both[i]'s.
    const [winnerPid, loserPid] = [pids[winner], pids[1 - winner]];
    assert.ok(loser.stderr.includes(`is in use by ti-credits process ${String(winnerPid)} on ${hostname()}, since `), loser.stderr);
    // Every row not recorded updated was sent once more in all, by the winner alone.
    for (const id of run.rows) {
      const more = requestsFor(run.mock, id).length - (sentBefore.get(id) ?? 0);
      assert.equal(more, updatedBefore.has(id) ? 0 : 1, `row ${id} sent ${more} more times`);
    }
    const log = (await readFile(join(run.folder, 'run.log'), 'utf8')).split('\n').filter((line) => line !== '');
    assert.ok(!log.some((line) => (JSON.parse(line) as { pid: number }).pid === loserPid), 'the refused process wrote to run.log');
    await assertFinished(run, updatedBefore);
  });

  it('refuses a folder held by a live process, of this host or another, and sends nothing', async () => {
    const run = await balanceRun(3, () => ({}), []);
    assert.equal((await cli([...run.args, '--out', run.folder], { cwd: run.dir })).code, 0);
    const before = await readdir(run.folder);
    for (const holder of [
      { pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' },
      { pid: 1, host: 'elsewhere.example', since: '2026-01-02T00:00:00.000Z' },
    ]) {
      await writeFile(join(run.folder, LOCK_FILE), JSON.stringify(holder));
      const sent = run.mock.requests.length;
      const refused = await cli([...run.args, '--resume', run.folder], { cwd: run.dir });
      assert.equal(refused.code, 2);
      assert.ok(refused.stderr.includes(`is in use by ti-credits process ${holder.pid} on ${holder.host}, since ${holder.since}`), refused.stderr);
      assert.equal(run.mock.requests.length, sent);
      assert.deepEqual(JSON.parse(await readFile(join(run.folder, LOCK_FILE), 'utf8')), holder);
      const verify = await cli(['verify', run.folder], { cwd: run.dir });
      assert.equal(verify.code, 2);
      assert.match(verify.stderr, /is in use by ti-credits process/);
    }
    await rm(join(run.folder, LOCK_FILE));
    assert.deepEqual((await readdir(run.folder)).sort(), before.sort());
  });
});

describe('a resume of a run refused before sending', () => {
  it('refused for want of --yes off a terminal: --resume --yes continues it and sends every row once', async () => {
    const run = await balanceRun(3, () => ({}), []);
    const unconfirmed = run.args.filter((arg) => arg !== '--yes');
    const refused = await spawnCli([...unconfirmed, '--out', run.folder], run.dir);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(puts(run.mock), 0);
    const resumed = await cli(['apply', '--resume', run.folder, '--yes'], { cwd: run.dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      run.rows.map((id) => requestsFor(run.mock, id).length),
      [1, 1, 1],
    );
    await assertFinished(run);
  });

  it('refused for invalid rows: refused again as it is (exit 2); fixed, it is a changed file, refused with what to do, leaving the folder as it was', async () => {
    const run = await balanceRun(3, () => ({}), []);
    const original = await readFile(run.csv, 'utf8');
    await writeFile(run.csv, original.replace(',1001\n', ',lots\n'));
    const first = await cli([...run.args, '--out', run.folder], { cwd: run.dir });
    assert.equal(first.code, 2, first.stderr);
    const files = async (): Promise<Record<string, string>> =>
      Object.fromEntries(
        await Promise.all(
          (await readdir(run.folder)).filter((file) => file !== 'run.log').map(async (file) => [file, await readFile(join(run.folder, file), 'utf8')]),
        ),
      );
    const again = await cli(['apply', '--resume', run.folder, '--yes'], { cwd: run.dir });
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /Nothing was sent: some rows of the file are invalid/);
    const before = await files();

    await writeFile(run.csv, original);
    const fixed = await cli(['apply', '--resume', run.folder, '--yes'], { cwd: run.dir });
    assert.equal(fixed.code, 2, fixed.stderr);
    assert.match(fixed.stderr, /has changed since the run in .* started/);
    assert.match(fixed.stderr, /That run sent nothing: start a new run \(without --resume\) with the file as it is now\./);
    assert.equal(puts(run.mock), 0);
    assert.deepEqual(await files(), before);
  });
});

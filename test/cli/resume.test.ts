import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { MockApi } from '../../src/mock/server.js';
import { RESENT_NOTE } from '../../src/report/resent-note.js';
import { cli, ids, mockStarter, readCsvFile, requestsFor, spawnCli, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();

/** A CSV setting each row's balance to 1000 + its index, so the mock's final state can be checked row by row. */
async function balancesCsv(dir: string, rows: readonly string[]): Promise<string> {
  return writeCsv(dir, `id,currentBalance\n${rows.map((id, index) => `${id},${1000 + index}`).join('\n')}\n`);
}

/** report.csv of a run folder, read as a crash may have left it: a record cut short at the end is dropped. */
async function recordsIn(folder: string): Promise<Record<string, string>[]> {
  const text = await readFile(join(folder, 'report.csv'), 'utf8');
  return parse(text.slice(0, text.lastIndexOf('\n') + 1), { columns: true }) as Record<string, string>[];
}

/**
 * A mock holding `rows`, a CSV in a new folder setting each row's balance, and
 * the `apply` arguments that send it (unpaced, plus `flags`) into `<dir>/run`.
 */
async function balanceRun(
  rows: readonly string[],
  mockOptions: Parameters<typeof mockWith>[1],
  flags: readonly string[],
): Promise<{ mock: MockApi; dir: string; csv: string; folder: string; args: string[] }> {
  const mock = await mockWith(rows, mockOptions);
  const dir = await tempDir();
  const csv = await balancesCsv(dir, rows);
  return { mock, dir, csv, folder: join(dir, 'run'), args: ['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '0', ...flags] };
}

async function summaryOf(folder: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as Record<string, any>;
}

const applied = (mock: MockApi, id: string): number => requestsFor(mock, id).filter((request) => request.answer === 200).length;

describe('resume', () => {
  it('declined, counts the rows the earlier sessions updated as updated, not as skipped', async () => {
    const rows = ids(6);
    const failing = rows.slice(4);
    const { mock, dir, folder, args } = await balanceRun(
      rows,
      { faults: { script: Object.fromEntries(failing.map((id) => [id, [{ kind: 'status', status: 503 }]])) } },
      ['--retries', '0'],
    );
    const first = await cli([...args, '--out', folder], { cwd: dir });
    assert.equal(first.code, 1, first.stderr);
    // Without --yes and with no terminal to ask on, the resume sends nothing.
    const declined = await cli(['apply', '--resume', folder, '--base-url', mock.origin], { cwd: dir });
    assert.equal(declined.code, 2, declined.stderr + declined.stdout);
    assert.match(
      declined.stdout,
      /^Nothing was sent; the report lists the 2 rows it would have sent as skipped \(4 rows were updated by the run's earlier sessions\)\./,
    );
    const summary = await summaryOf(folder);
    assert.deepEqual([summary.rows.updated, summary.rows.skipped], [4, 2]);
  });

  it('after kill -9: sends no row recorded updated again, resends and flags the rows in flight, and leaves every batch right', async () => {
    const rows = ids(40);
    const { mock, dir, folder, args } = await balanceRun(rows, { faults: { latencyMs: 40 } }, ['--concurrency', '4']);
    const killed = await spawnCli([...args, '--out', folder], dir, async (pid) => {
      while (mock.requests.length < 12) await sleep(5);
      process.kill(pid, 'SIGKILL');
    });
    assert.equal(killed.signal, 'SIGKILL');

    const before = await recordsIn(folder);
    const updatedBefore = new Set(before.filter((row) => row.outcome === 'updated').map((row) => row.id));
    // Handed to the API before the kill: journalled in sent.log before their first request (which may still have been on its way to the mock).
    const journalled = new Set(
      (await readFile(join(folder, 'sent.log'), 'utf8'))
        .split('\n')
        .filter((line) => /^\d+$/.test(line))
        .map((line) => rows[Number(line) - 2]),
    );
    assert.ok(updatedBefore.size > 0 && updatedBefore.size < 40, `${updatedBefore.size} rows recorded before the kill`);

    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);

    for (const id of updatedBefore) assert.equal(requestsFor(mock, id ?? '').length, 1, `row ${id}, recorded updated, was sent again`);
    assert.deepEqual(
      rows.map((id) => mock.store.get(id)?.currentBalance),
      rows.map((_, index) => 1000 + index),
    );
    const report = (await readCsvFile(join(folder, 'report.csv'))).sort((a, b) => Number(a.line) - Number(b.line));
    assert.deepEqual(
      report.map((row) => row.line),
      rows.map((_, index) => String(index + 2)),
    );
    assert.ok(report.every((row) => row.outcome === 'updated'));
    const flagged = new Set(report.filter((row) => row.error?.startsWith(RESENT_NOTE)).map((row) => row.id));
    for (const id of rows) {
      if (requestsFor(mock, id).length > 1) assert.ok(flagged.has(id), `row ${id} was sent twice but not flagged`);
    }
    for (const id of flagged)
      assert.ok(
        journalled.has(id ?? '') && !updatedBefore.has(id ?? ''),
        `row ${id} flagged, though never handed to the API before the kill, or recorded updated`,
      );
    const summary = await summaryOf(folder);
    assert.deepEqual([summary.status, summary.rows.total, summary.rows.updated], ['completed', 40, 40]);
    assert.deepEqual(await readCsvFile(join(folder, 'failed.csv')), []);
    const attempts = report.reduce((sum, row) => sum + Number(row.attempts), 0);
    assert.ok(attempts >= mock.requests.length, `the report counts ${attempts} requests, the mock saw ${mock.requests.length}`);
  });

  it("after kill -9, counts the killed session's requests in summary.json from its last checkpoint", async () => {
    const rows = ids(60);
    const { mock, dir, folder, args } = await balanceRun(rows, { faults: { latencyMs: 100 } }, ['--concurrency', '2']);
    let checkpoint: Record<string, any> | undefined;
    await spawnCli([...args, '--out', folder], dir, async (pid) => {
      for (;;) {
        checkpoint = await summaryOf(folder).catch(() => undefined);
        if (checkpoint !== undefined && checkpoint.requests.sent > 0) break;
        await sleep(20);
      }
      process.kill(pid, 'SIGKILL');
    });
    assert.equal(checkpoint?.status, 'running');
    const answeredBefore = checkpoint?.requests.byStatus['200'] as number;
    assert.ok(answeredBefore > 0 && answeredBefore < 60, `${answeredBefore} answers at the checkpoint`);
    const requestsBeforeResume = mock.requests.length;

    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = await summaryOf(folder);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.requests.byStatus['200'], answeredBefore + mock.requests.length - requestsBeforeResume);
  });

  it('after Ctrl-C (exit 130, every applied row recorded), continues with the rows left, sending none twice', async () => {
    const rows = ids(30);
    const { mock, dir, folder, args } = await balanceRun(rows, { faults: { latencyMs: 40 } }, ['--concurrency', '3']);
    const interrupted = await spawnCli([...args, '--out', folder], dir, async (pid) => {
      while (mock.requests.length < 6) await sleep(5);
      process.kill(pid, 'SIGINT');
    });
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.match(interrupted.stdout, /To continue where it stopped[^\n]*\n {2}ti-credits apply --resume run --yes\n/);
    const recorded = new Set((await recordsIn(folder)).filter((row) => row.outcome === 'updated').map((row) => row.id));
    assert.deepEqual(recorded, new Set(rows.filter((id) => applied(mock, id) === 1)));
    assert.equal((await summaryOf(folder)).status, 'interrupted');

    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(
      rows.every((id) => requestsFor(mock, id).length === 1),
      'a row was sent twice',
    );
    assert.deepEqual(
      rows.map((id) => mock.store.get(id)?.currentBalance),
      rows.map((_, index) => 1000 + index),
    );
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.equal(report.length, 30);
    assert.ok(report.every((row) => row.outcome === 'updated' && row.error === '' && row.attempts === '1'));
    const summary = await summaryOf(folder);
    assert.deepEqual([summary.status, summary.rows.updated, summary.rows.skipped, summary.requests.sent], ['completed', 30, 0, 30]);
  });

  it('sends again the rows that failed, and only those', async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const { mock, dir, folder, args } = await balanceRun([a, b, c], { faults: { script: { [b]: [{ kind: 'status', status: 503 }] } } }, ['--retries', '0']);
    assert.equal((await cli([...args, '--out', folder], { cwd: dir })).code, 1);
    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      [a, b, c].map((id) => requestsFor(mock, id).map((request) => request.answer)),
      [[200], [503, 200], [200]],
    );
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.deepEqual(
      report.map((row) => [row.id, row.outcome, row.attempts, row.error]),
      [
        [a, 'updated', '1', ''],
        [b, 'updated', '2', ''],
        [c, 'updated', '1', ''],
      ],
    );
    assert.deepEqual(await readCsvFile(join(folder, 'failed.csv')), []);
    const summary = await summaryOf(folder);
    assert.equal(summary.requests.sent, 4);
    assert.deepEqual(summary.requests.byStatus, { 200: 3, 503: 1 });
  });

  it('of a run that already updated every row: sends nothing, and ends completed with the same report', async () => {
    const rows = ids(3);
    const { mock, dir, folder, args } = await balanceRun(rows, {}, []);
    assert.equal((await cli([...args, '--out', folder], { cwd: dir })).code, 0);
    const before = await readCsvFile(join(folder, 'report.csv'));
    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(mock.requests.length, 3);
    assert.deepEqual(await readCsvFile(join(folder, 'report.csv')), before);
    const summary = await summaryOf(folder);
    assert.deepEqual([summary.status, summary.rows.updated, summary.requests.sent], ['completed', 3, 3]);
  });

  it('tolerates a last report line cut short by a crash: that row counts as in flight, is sent again and flagged', async () => {
    const rows = ids(3);
    const { mock, dir, folder, args } = await balanceRun(rows, {}, ['--concurrency', '1']);
    assert.equal((await cli([...args, '--out', folder], { cwd: dir })).code, 0);
    const path = join(folder, 'report.csv');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length - 20));
    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      rows.map((id) => requestsFor(mock, id).length),
      [1, 1, 2],
    );
    const report = await readCsvFile(path);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.attempts, row.error?.startsWith(RESENT_NOTE) === true]),
      [
        ['updated', '1', false],
        ['updated', '1', false],
        ['updated', '2', true],
      ],
    );
  });

  it('refuses a changed file, another target, a folder that holds no run, and leaves the folder as it was', async () => {
    const rows = ids(2);
    const { mock, dir, csv, folder, args } = await balanceRun(rows, {}, []);
    assert.equal((await cli([...args, '--out', folder], { cwd: dir })).code, 0);
    const reportBefore = await readFile(join(folder, 'report.csv'), 'utf8');
    const summaryBefore = await readFile(join(folder, 'summary.json'), 'utf8');
    const sentBefore = mock.requests.length;

    await writeFile(csv, (await readFile(csv, 'utf8')).replace('1000', '1001'));
    const changed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /input\.csv has changed since the run in .* started/);
    // The run sent rows: a new run of the edited file would add a delta a second time, and the hint says what to leave out.
    assert.match(
      changed.stderr,
      /Resume with the file exactly as it was\. .*currentBalanceDelta already applied would be added a second time, so leave out of it the rows report\.csv records updated/,
    );

    await balancesCsv(dir, rows);
    const elsewhere = await cli(['apply', '--blind', '--yes', csv, '--base-url', 'http://127.0.0.1:9', '--resume', folder], { cwd: dir });
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /sent to http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:9/);

    const nowhere = await cli([...args, '--resume', dir], { cwd: dir });
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /is not a run folder: it has no run\.json/);

    const otherZone = await cli([...args, '--resume', folder, '--timezone', 'Asia/Tokyo'], { cwd: dir });
    assert.equal(otherZone.code, 2);
    assert.match(otherZone.stderr, /read the file with --timezone "UTC", not "Asia\/Tokyo"/);
    const otherFormat = await cli([...args, '--resume', folder, '--date-format', 'DD/MM/YYYY'], { cwd: dir });
    assert.equal(otherFormat.code, 2);
    assert.match(otherFormat.stderr, /read the file with --date-format \(not given\), not "DD\/MM\/YYYY"/);

    const withOut = await cli([...args, '--resume', folder, '--out', join(dir, 'other')], { cwd: dir });
    assert.equal(withOut.code, 2);
    assert.match(withOut.stderr, /--resume cannot be combined with --out/);

    assert.equal(mock.requests.length, sentBefore);
    assert.equal(await readFile(join(folder, 'report.csv'), 'utf8'), reportBefore);
    assert.equal(await readFile(join(folder, 'summary.json'), 'utf8'), summaryBefore);
  });
});

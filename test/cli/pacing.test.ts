import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { Fault } from '../../src/mock/faults.js';
import { startMockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { PACE_FILE } from '../../src/report/pace-memory.js';
import { cli, ids, readCsvFile, readLog, readReport, readSummary, requestsFor, mockStarter, runFolder, spawnCli, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();

async function csvOf(dir: string, rows: readonly string[]): Promise<string> {
  return writeCsv(dir, `id,currentBalance\n${rows.map((id, index) => `${id},${index}`).join('\n')}\n`);
}

const throttled = (retryAfter: number): Fault => ({
  kind: 'status',
  status: 429,
  headers: { 'retry-after': String(retryAfter) },
  body: { error: 'rate_limit_exceeded', message: `Rate limit exceeded; retry in ${retryAfter} seconds`, retryAfter },
});

describe('pacing to the rate limit', () => {
  it('keeps to a limit it is told: every row updated, not one request answered 429', async () => {
    const rows = ids(40);
    const mock = await mockWith(rows, { rateLimit: { perMinute: 3000, burst: 5 } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', mock.origin, '--rate', '3000', '--burst', '5'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      mock.requests.filter((request) => request.answer !== 200).map((request) => request.answer),
      [],
    );
    assert.equal(mock.requests.length, 40);
    assert.deepEqual(
      rows.map((id) => mock.store.get(id)?.currentBalance),
      rows.map((_, index) => index),
    );
    const summary = await readSummary(dir);
    assert.equal(summary.requests.throttled, 0);
    assert.deepEqual(summary.pacing, { ratePerMinute: 3000, learnedRatePerMinute: 3000, learnedBurst: null, throttled: false, pauses: 0, pausedMs: 0 });
  });

  it('learns a limit far below --rate from X-RateLimit-Limit: adopted once, every row updated, none failed for throttling', async () => {
    const rows = ids(30);
    const mock = await mockWith(rows, { rateLimit: { perMinute: 1200, burst: 5 } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', mock.origin, '--rate', '60000', '--burst', '5'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const report = await readReport(dir);
    assert.deepEqual(new Set(report.map((row) => row.outcome)), new Set(['updated']));
    const answered429 = mock.requests.filter((request) => request.answer === 429).length;
    assert.ok(answered429 <= 1, `${answered429} of ${mock.requests.length} requests answered 429`);
    assert.deepEqual(
      (await readLog(dir, 'pace')).map((entry) => [entry.ratePerMinute, entry.previous]),
      [[1200, 60000]],
    );
    assert.equal((await readSummary(dir)).pacing.ratePerMinute, 1200);
    assert.match(run.stdout, /Paced at 1,200 requests\/min, following the API's X-RateLimit-Limit \(--rate 60,000\)/);
  });

  it('learns the burst from the first answer when --burst is not given: 100 at the mock, every row updated, none answered 429', async () => {
    const rows = ids(150);
    const mock = await mockWith(rows, { rateLimit: { perMinute: 6000, burst: 100 } });
    const dir = await tempDir();
    // One at a time, so that the mock counts requests in the order they leave and the first answer tells exactly 100
    // (requests in flight when it arrives are counted in the throttle's own tests).
    const run = await cli(['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', mock.origin, '--rate', '0', '--concurrency', '1'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      (await readLog(dir, 'burst')).map((entry) => entry.burst),
      [100],
    );
    assert.deepEqual(
      mock.requests.filter((request) => request.answer !== 200).map((request) => request.answer),
      [],
    );
    assert.equal(mock.requests.length, 150);
  });

  it('at --concurrency 16, with every worker waiting on the pace at once, prints nothing on stderr but the plan (no MaxListenersExceededWarning)', async () => {
    const rows = ids(64);
    const mock = await mockWith(rows);
    const dir = await tempDir();
    const run = await spawnCli(
      ['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', mock.origin, '--rate', '6000', '--burst', '2', '--concurrency', '16'],
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(mock.requests.length, 64);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    assert.match(lines[0] ?? '', /^Plan: update 64 credit batches/);
    assert.deepEqual(
      lines.filter((line) => !/^(Plan: | {2}\S)/.test(line)),
      [],
    );
  });

  it('pauses sending for the 2 s a 429 asks, once, then sends the throttled row again', async () => {
    const rows = ids(12);
    const victim = rows[4] as string;
    const mock = await mockWith(rows, { faults: { script: { [victim]: [throttled(2)] } } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', mock.origin, '--rate', '0', '--concurrency', '4'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      requestsFor(mock, victim).map((request) => request.answer),
      [429, 200],
    );
    assert.equal(mock.requests.length, 13);

    const report = await readReport(dir);
    assert.deepEqual([report[4]?.outcome, report[4]?.attempts], ['updated', '2']);
    const summary = await readSummary(dir);
    assert.equal(summary.requests.throttled, 1);
    assert.deepEqual(summary.requests.retriesByCause, { 429: 1 });
    // The pause is the time asked, counted once: what each worker waited is the throttle's business (test/send/throttle.test.ts, on virtual time).
    assert.deepEqual([summary.pacing.pauses, summary.pacing.pausedMs, summary.pacing.throttled], [1, 2000, true]);
    assert.deepEqual(
      (await readLog(dir, 'throttle-pause')).map((entry) => [entry.line, entry.pauseMs]),
      [[6, 2000]],
    );
    assert.match(run.stdout, /\n {2}requests +\d+ sent, \d+ retr(y|ies), 1 answered 429 \(rate limit\)\n {2}paused +2\.0 s in all \(1 pause after a 429\)\n/);
  });

  it('does not spend the retries of a row on 429s', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a], { faults: { script: { [a]: [throttled(0), throttled(0), throttled(0)] } } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await csvOf(dir, [a]), '--base-url', mock.origin, '--rate', '0', '--retries', '0'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      requestsFor(mock, a).map((request) => request.answer),
      [429, 429, 429, 200],
    );
    const [row] = await readReport(dir);
    assert.deepEqual([row?.outcome, row?.attempts], ['updated', '4']);
  });

  it('fails, without waiting it out, a row the API would hold back longer than --max-throttle-wait', async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const mock = await mockWith([a, b, c], { faults: { script: { [b]: [throttled(30)] } } });
    const dir = await tempDir();
    const run = await cli(
      ['apply', '--blind', '--yes', await csvOf(dir, [a, b, c]), '--base-url', mock.origin, '--rate', '0', '--concurrency', '1', '--max-throttle-wait', '1'],
      { cwd: dir },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(
      mock.requests.map((request) => [request.id, request.answer]),
      [
        [a, 200],
        [b, 429],
      ],
    );
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.attempts, row.httpStatus]),
      [
        ['updated', '1', '200'],
        ['failed', '1', '429'],
        ['failed', '0', ''],
      ],
    );
    assert.match(
      report[1]?.error ?? '',
      /^the API kept throttling requests \(429\) \(429: Rate limit exceeded; retry in 30 seconds\) for longer than --max-throttle-wait allows one row \(1 s\)$/,
    );
    assert.match(report[2]?.error ?? '', /^the API kept throttling requests \(429\) for longer than --max-throttle-wait/);
  });
});

/** What a run folder holds: its summary.json, and its run.log's entries of one event. */
async function runFiles(folder: string): Promise<{ summary: Record<string, any>; log: (event: string) => Record<string, any>[] }> {
  const summary = JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as Record<string, any>;
  const entries = (await readFile(join(folder, 'run.log'), 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
  return { summary, log: (event) => entries.filter((entry) => entry.event === event) };
}

describe('the pace a run learns, and the next run starts from', () => {
  it('without --rate, follows the X-RateLimit-Limit the API states, above 120; the next run against it starts there, and a --rate typed stays a ceiling', async () => {
    const rows = ids(30);
    // Each run with a key of its own, so each meets a full bucket, as a run started minutes after the last would: runs
    // started back to back in one process share one key's bucket, which the one before may have left empty.
    const keys = ['1', '2', '3'].map((run) => `ti_test_pace_of_run_${run}_key`);
    const mock = await mockWith(rows, { rateLimit: { perMinute: 3000, burst: 20 }, apiKeys: keys });
    const dir = await tempDir();
    const csv = await csvOf(dir, rows);
    const apply = (out: string, ...flags: string[]) =>
      cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--reports', 'runs', '--out', join('runs', out), ...flags], {
        cwd: dir,
        env: { TI_API_KEY: keys[Number(out) - 1] },
      });
    // A memory torn by a crash is no memory: the run starts at 120, then writes a whole one.
    await mkdir(join(dir, 'runs'));
    await writeFile(join(dir, 'runs', PACE_FILE), '{"targets": {"http://127.0.0.1');

    const first = await apply('1');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /\n {2}30 rows at 120\/min: about 5\.0 s\.\n/);
    const one = await runFiles(join(dir, 'runs', '1'));
    assert.deepEqual(
      one.log('pace').map((entry) => [entry.ratePerMinute, entry.previous]),
      [[3000, 120]],
    );
    assert.deepEqual(
      [
        one.summary.options.ratePerMinute,
        one.summary.options.startRatePerMinute,
        one.summary.pacing.ratePerMinute,
        one.summary.pacing.learnedRatePerMinute,
        one.summary.pacing.throttled,
      ],
      [null, 120, 3000, 3000, false],
    );
    assert.match(first.stdout, /Paced at 3,000 requests\/min, following the API's X-RateLimit-Limit\.\n/);
    const memory = await readFile(join(dir, 'runs', PACE_FILE), 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(memory).targets), [mock.origin]);
    assert.deepEqual([JSON.parse(memory).targets[mock.origin].ratePerMinute, JSON.parse(memory).targets[mock.origin].stated], [3000, true]);
    assert.ok(keys.every((key) => !memory.includes(key)));

    const second = await apply('2');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /\n {2}30 rows at 3,000\/min: under a second\.\n/);
    assert.equal((await runFiles(join(dir, 'runs', '2'))).summary.options.startRatePerMinute, 3000);

    const ceiling = await apply('3', '--rate', '1500');
    assert.equal(ceiling.code, 0, ceiling.stderr);
    const three = await runFiles(join(dir, 'runs', '3'));
    assert.deepEqual([three.summary.options.ratePerMinute, three.summary.options.startRatePerMinute, three.summary.pacing.ratePerMinute], [1500, 1500, 1500]);
    assert.equal(mock.requests.filter((request) => request.answer === 429).length, 0);
  });

  it('against an API that states no limit (a gateway stripped its headers), told far too fast: the pace comes down from its 429s, is recorded, and the next run starts from it', async () => {
    const rows = ids(30);
    const mock = await mockWith(rows, { rateLimit: { perMinute: 1200, burst: 5, headers: false } });
    const dir = await tempDir();
    const csv = await csvOf(dir, rows);
    const apply = (out: string) => cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '100000', '--out', out], { cwd: dir });

    const first = await apply('first');
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(new Set(mock.requests.map((request) => request.answer)), new Set([200, 429]));
    const { summary, log } = await runFiles(join(dir, 'first'));
    assert.equal(summary.rows.updated, 30);
    assert.equal(summary.pacing.throttled, true);
    assert.ok(log('pace-lowered').length >= 1);
    assert.deepEqual(log('pace'), []);
    // The pace the 429s left the run at: far below what it was told (how near the limit, bench/rate.ts measures).
    const learned = summary.pacing.learnedRatePerMinute as number;
    assert.equal(learned, summary.pacing.ratePerMinute);
    assert.ok(learned > 0 && learned < 10_000, `learned ${learned}/min`);
    assert.match(
      first.stdout,
      new RegExp(
        `Paced at ${learned.toLocaleString('en-US')} requests/min at the end, learned from the API's 429s \\(it stated no limit; --rate 100,000\\); the next run against it starts there\\.`,
      ),
    );
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'reports', PACE_FILE), 'utf8')).targets[mock.origin], {
      ratePerMinute: learned,
      burst: 1,
      stated: false,
      learnedAt: summary.finishedAt,
    });

    const second = await apply('second');
    assert.equal(second.code, 0, second.stderr);
    const again = await runFiles(join(dir, 'second'));
    assert.deepEqual([again.summary.options.ratePerMinute, again.summary.options.startRatePerMinute, again.summary.options.burst], [100_000, learned, 1]);
  });
});

describe('circuit breaker', () => {
  it('says reads, not rows sent, when what failed were the reads that check each row before it is sent', async () => {
    const client = randomUUID();
    const rows = ids(6);
    const seed: Partial<CreditBatch>[] = rows.map((id) => ({ id, clientId: client, currentBalance: 100, name: 'n', expiresOn: '2027-01-01T00:00:00.000Z' }));
    // The plan's read is answered; every read after it fails.
    const faults = { script: { [client]: [{ kind: 'delay', ms: 0 } as Fault, ...Array.from({ length: 20 }, (): Fault => ({ kind: 'status', status: 503 }))] } };
    const mock = await startMockApi({ store: new CreditBatchStore(seed), faults });
    after(() => mock.close());
    const dir = await tempDir();
    const run = await cli(
      [
        'apply',
        '--yes',
        await csvOf(dir, rows),
        '--client',
        client,
        '--base-url',
        mock.origin,
        '--rate',
        '0',
        '--retries',
        '0',
        '--concurrency',
        '1',
        '--max-staleness',
        '0',
        '--circuit-breaker',
        '3',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /the last 3 reads of the API all failed \(no row was sent\) after every retry \(the last: 503: /);
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 0);
  });

  it('stops the run when the API answers nothing but 503: exit 3, the rest skipped and never sent', async () => {
    const rows = ids(20);
    const mock = await mockWith(rows, { faults: { errorRate: 1, errorStatuses: [503] } });
    const dir = await tempDir();
    const run = await cli(
      [
        'apply',
        '--blind',
        '--yes',
        await csvOf(dir, rows),
        '--base-url',
        mock.origin,
        '--rate',
        '0',
        '--retries',
        '1',
        '--retry-delay',
        '1',
        '--concurrency',
        '2',
        '--circuit-breaker',
        '3',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /the last 3 rows sent all failed after every retry \(the last: 503: Injected 503\); the API looks unavailable/);

    const report = await readReport(dir);
    assert.equal(report.length, 20);
    const failed = report.filter((row) => row.outcome === 'failed');
    const skipped = report.filter((row) => row.outcome === 'skipped');
    assert.ok(failed.length >= 3 && failed.length <= 4, `${failed.length} rows failed`);
    assert.equal(skipped.length, 20 - failed.length);
    assert.ok(skipped.every((row) => requestsFor(mock, row.id ?? '').length === 0));
    assert.ok(failed.every((row) => requestsFor(mock, row.id ?? '').length <= 2));
    assert.ok(mock.requests.every((request) => request.answer === 503));

    const summary = await readSummary(dir);
    assert.equal(summary.status, 'stopped');
    assert.equal(summary.error.kind, 'aborted');
    assert.equal((await readLog(dir, 'circuit-breaker')).length, 1);
    assert.equal((await readCsvFile(join(await runFolder(dir), 'failed.csv'))).length, 20);
    // The one next step is the resume, which sends the failed rows again too: failed.csv is not offered beside it.
    assert.match(
      run.stdout,
      /ti-credits apply --resume reports\/\S+ --yes\n {2}The resume sends again the \d rows that failed too; do not send failed\.csv as well\.\n/,
    );
    assert.doesNotMatch(run.stdout, /ti-credits apply .*failed\.csv --base-url/);
  });

  it('never stops the run at --circuit-breaker 0', async () => {
    const rows = ids(6);
    const mock = await mockWith(rows, { faults: { errorRate: 1, errorStatuses: [502] } });
    const dir = await tempDir();
    const run = await cli(
      ['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', mock.origin, '--rate', '0', '--retries', '0', '--circuit-breaker', '0'],
      { cwd: dir },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.equal(mock.requests.length, 6);
    assert.deepEqual(new Set((await readReport(dir)).map((row) => row.outcome)), new Set(['failed']));
  });
});

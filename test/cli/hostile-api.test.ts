import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, ids, readCsvFile, readReport, readSummary, runFolder, spawnCli, tempDir, writeCsv } from '../helpers.js';
import { hostileServer } from '../hostile-server.js';

async function csvOf(dir: string, rows: readonly string[]): Promise<string> {
  return writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
}

describe('a 429 that asks for no wait', { concurrency: true }, () => {
  const past = new Date(Date.now() - 3_600_000).toUTCString();
  for (const retryAfter of ['0', '1.5', past]) {
    it(`Retry-After: ${retryAfter} still waits the API's pace, each retry counts against --max-throttle-wait, and the run ends`, async () => {
      const server = await hostileServer((_request, response) => {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
        response.end(JSON.stringify({ error: 'rate_limit_exceeded', message: 'Too many requests' }));
      });
      const rows = ids(4);
      const dir = await tempDir();
      const concurrency = 4;
      const args = [
        'apply',
        '--blind',
        '--yes',
        await csvOf(dir, rows),
        '--base-url',
        server.origin,
        '--rate',
        '100000',
        '--max-throttle-wait',
        '2',
        '--concurrency',
        String(concurrency),
      ];
      const run = await cli(args, { cwd: dir });
      assert.equal(run.code, 1, run.stderr);

      const report = await readReport(dir);
      assert.deepEqual(
        report.map((row) => row.outcome),
        ['failed', 'failed', 'failed', 'failed'],
      );
      for (const row of report) assert.match(row.error ?? '', /kept throttling requests \(429\).*longer than --max-throttle-wait allows one row \(2 s\)/);
      // A pause of at least a second per 429, charged to the row: at most 1 + 2 s / 1 s requests for each.
      assert.ok(server.requests.length <= rows.length * 3, `${server.requests.length} requests for ${rows.length} rows`);
      // That they come one round per pause, never faster, test/send/throttle.test.ts shows on virtual time.
      for (const row of report) assert.ok(Number(row.attempts) <= 3, `line ${row.line}: ${row.attempts} attempts`);
    });
  }
});

const ANSWER_LOST = /^the API may have applied this row: the answer was lost; /;

describe('answers cut short', () => {
  it('marks a row whose connection closed mid-answer, or whose answer came after --timeout, in report.csv and failed.csv; not a refused one', async () => {
    const [cut, late, refused] = ids(3) as [string, string, string];
    const server = await hostileServer((request, response) => {
      if (request.url?.includes(cut)) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        response.write('{"data":{"UpdateCreditBatch":');
        setTimeout(() => response.socket?.destroy(), 20);
      } else if (request.url?.includes(refused)) {
        response.writeHead(422, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'currentBalance is too large' }));
      }
      // The late row is never answered.
    });
    const dir = await tempDir();
    const run = await cli(
      [
        'apply',
        '--blind',
        '--yes',
        await csvOf(dir, [cut, late, refused]),
        '--base-url',
        server.origin,
        '--rate',
        '0',
        '--retries',
        '1',
        '--retry-delay',
        '1',
        '--timeout',
        '300',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 1, run.stderr);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.attempts]),
      [
        ['failed', '2'],
        ['failed', '2'],
        ['failed', '1'],
      ],
    );
    assert.match(report[0]?.error ?? '', ANSWER_LOST);
    assert.match(report[1]?.error ?? '', new RegExp(`${ANSWER_LOST.source}the API did not answer in time`));
    assert.equal(report[2]?.error, '422: currentBalance is too large');
    const failed = await readCsvFile(join(await runFolder(dir), 'failed.csv'));
    // failed.csv is in the order rows finished.
    const marked = new Map(failed.map((row) => [row.id, ANSWER_LOST.test(row.error ?? '')]));
    assert.deepEqual(
      [cut, late, refused].map((id) => marked.get(id)),
      [true, true, false],
    );
  });

  it('does not mark a row whose connection was refused: the request never left; nothing answering there, the run stops', async () => {
    const dir = await tempDir();
    const run = await cli(
      ['apply', '--blind', '--yes', await csvOf(dir, ids(2)), '--base-url', 'http://127.0.0.1:9', '--rate', '0', '--retries', '3', '--concurrency', '1'],
      { cwd: dir },
    );
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /\nerror: nothing answers at http:\/\/127\.0\.0\.1:9 — check --base-url\n/);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.attempts]),
      [
        ['failed', '1'],
        ['skipped', '0'],
      ],
      'no retry: waiting brings no server',
    );
    assert.doesNotMatch(report[0]?.error ?? '', ANSWER_LOST);
    assert.match(report[0]?.error ?? '', /^nothing answers at http:\/\/127\.0\.0\.1:9/);
  });

  it('ends a run whose every row was tried and timed out as finished (exit 1), not stopped: the breaker had nothing left to stop', async () => {
    const server = await hostileServer(() => {});
    const rows = ids(12);
    const dir = await tempDir();
    const run = await cli(
      [
        'apply',
        '--blind',
        '--yes',
        await csvOf(dir, rows),
        '--base-url',
        server.origin,
        '--rate',
        '0',
        '--retries',
        '0',
        '--timeout',
        '200',
        '--concurrency',
        '4',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.equal(server.requests.length, 12);
    const summary = await readSummary(dir);
    assert.deepEqual([summary.status, summary.rows.failed, summary.rows.skipped ?? 0, summary.error], ['completed', 12, 0, null]);
    assert.ok((await readReport(dir)).every((row) => ANSWER_LOST.test(row.error ?? '')));
    assert.match(run.stdout, /^Updated 0 of 12 rows .*; 12 failed\./);
    assert.match(run.stdout, /12 × the API may have applied this row: the answer was lost; the API did not answer in time/);
    assert.doesNotMatch(run.stdout, /To continue where it stopped/);
  });

  it('still stops a run with rows left to send once the breaker trips (exit 3), the rest skipped', async () => {
    const server = await hostileServer(() => {});
    const dir = await tempDir();
    const run = await cli(
      [
        'apply',
        '--blind',
        '--yes',
        await csvOf(dir, ids(30)),
        '--base-url',
        server.origin,
        '--rate',
        '0',
        '--retries',
        '0',
        '--timeout',
        '200',
        '--concurrency',
        '2',
        '--circuit-breaker',
        '4',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 3, run.stderr);
    const summary = await readSummary(dir);
    assert.equal(summary.status, 'stopped');
    assert.ok(summary.rows.skipped > 0);
  });
});

/** Writes `bytes` of JSON-looking filler (all of it, or forever when undefined), at the pace the client reads. */
function pour(response: ServerResponse, bytes: number | undefined): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let left = bytes ?? Number.POSITIVE_INFINITY;
  // The client hangs up at its bound: writing stops there, quietly.
  response.on('error', () => {});
  const more = (): void => {
    while (left > 0 && !response.destroyed) {
      left -= chunk.length;
      if (!response.write(chunk)) return void response.once('drain', more);
    }
    if (!response.destroyed) response.end();
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  more();
}

/** The id at the end of a PUT's path. */
const idIn = (url: string | undefined): string => url?.split('/').pop() ?? '';

describe('answers too large', () => {
  it('cuts off a body that never ends at 1 MB and fails the row with a clear message, without retrying it', async () => {
    const server = await hostileServer((_request, response) => pour(response, undefined));
    const dir = await tempDir();
    const run = await cli(
      ['apply', '--blind', '--yes', await csvOf(dir, ids(2)), '--base-url', server.origin, '--rate', '0', '--retry-delay', '1', '--timeout', '60000'],
      { cwd: dir },
    );
    assert.equal(run.code, 1, run.stderr);
    for (const row of await readReport(dir)) {
      assert.deepEqual([row.outcome, row.httpStatus, row.attempts], ['failed', '200', '1']);
      assert.match(row.error ?? '', /the answer was larger than 1 MB \(a credit batch takes under 1 KB\), so it was cut off unread/);
      assert.match(row.error ?? '', ANSWER_LOST);
    }
    assert.equal(server.requests.length, 2);
  });

  it('keeps memory flat: 50 MB answers at --concurrency 16 cost the process no more than a run of ordinary answers, give or take 100 MB', async () => {
    const rows = ids(32);
    const args = (origin: string, csv: string): string[] => [
      'apply',
      '--blind',
      '--yes',
      csv,
      '--base-url',
      origin,
      '--rate',
      '0',
      '--concurrency',
      '16',
      '--retries',
      '0',
      '--circuit-breaker',
      '0',
      '--json',
    ];
    const ordinary = await hostileServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { UpdateCreditBatch: { id: idIn(request.url), name: 'x', currentBalance: 5 } } }));
    });
    const huge = await hostileServer((_request, response) => pour(response, 50 * 1024 * 1024));
    const peak = async (origin: string): Promise<Record<string, any>> => {
      const dir = await tempDir();
      const run = await spawnCli(args(origin, await csvOf(dir, rows)), dir);
      return { code: run.code, ...(JSON.parse(run.stdout) as Record<string, any>) };
    };
    const baseline = await peak(ordinary.origin);
    assert.equal(baseline.code, 0);
    const flooded = await peak(huge.origin);
    assert.equal(flooded.code, 1);
    assert.equal(flooded.rows.failed, 32);
    const growth = flooded.peakRssBytes - baseline.peakRssBytes;
    assert.ok(
      growth < 100 * 1024 * 1024,
      `peak RSS ${Math.round(flooded.peakRssBytes / 1e6)} MB against ${Math.round(baseline.peakRssBytes / 1e6)} MB for ordinary answers`,
    );
  });
});

describe('a list whose batches lack the fields rows change', () => {
  it('sends nothing against a value the API did not give, and does not crash', async () => {
    const client = '0d0c0b0a-0000-4000-8000-000000000001';
    const [noBalance, nullName, nullBalance] = ids(3) as [string, string, string];
    const server = await hostileServer((request, response) => {
      if (request.method === 'PUT') return void response.writeHead(500).end();
      if (request.url?.includes('/ping') === true)
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ valid: true }));
      const creditBatches = [
        { id: noBalance, clientId: client, name: 'a', expiresOn: '2027-01-01T00:00:00.000Z' },
        { id: nullName, clientId: client, name: null, expiresOn: '2027-01-01T00:00:00.000Z', currentBalance: 5 },
        { id: nullBalance, clientId: client, name: 'c', expiresOn: '2027-01-01T00:00:00.000Z', currentBalance: null },
      ];
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          data: { APICreditBatchesByClientAndCreditAccount: { clientId: client, creditBatches, pageInfo: { perPage: 100, total: 3, hasMore: false } } },
        }),
      );
    });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,name,currentBalance,currentBalanceDelta\n${noBalance},,,+500\n${nullName},Renamed,,\n${nullBalance},,40,\n`);
    for (const extra of [[], ['--skip-invalid']]) {
      const run = await cli(['apply', '--yes', csv, '--client', client, '--base-url', server.origin, '--rate', '0', '--retries', '0', ...extra], { cwd: dir });
      assert.ok(run.code !== 0 && run.code !== 70, `exit ${run.code}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /internal error/);
    }
    assert.equal(server.requests.filter((request) => request.method === 'PUT').length, 0);
  });
});

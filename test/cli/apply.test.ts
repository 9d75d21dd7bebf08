import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MOCK_MAX_BALANCE, type MockApi } from '../../src/mock/server.js';
import { cli, ids, KEY, readCsvFile, readReport, readSummary, requestsFor, mockStarter, runFolder, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();
const fast = (mock: MockApi) => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '1'];

describe('apply', () => {
  it('updates every credit batch so that the mock holds exactly what the CSV says', async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const mock = await mockWith([a, b, c]);
    const dir = await tempDir();
    const csv = await writeCsv(
      dir,
      `id,name,expiresOn,currentBalance,notes\n${a},"Acme, Inc.",2027-03-31T23:59:59Z,1250,first\n${b},,,0,\n${c},Globex,2027-06-30T23:59:59-04:00,,third\n`,
    );
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);

    assert.equal(mock.requests.length, 3);
    assert.ok(mock.requests.every((request) => request.method === 'PUT'));
    assert.deepEqual(Object.fromEntries(mock.requests.map((request) => [request.id, request.body])), {
      [a]: { name: 'Acme, Inc.', expiresOn: '2027-03-31T23:59:59.000Z', currentBalance: 1250 },
      [b]: { currentBalance: 0 },
      [c]: { name: 'Globex', expiresOn: '2027-07-01T03:59:59.000Z' },
    });
    assert.ok(mock.requests.every((request) => request.authorization === `Bearer ${KEY}`));
    assert.deepEqual(
      [a, b, c].map((id) => {
        const batch = mock.store.get(id);
        return [batch?.name, batch?.expiresOn, batch?.currentBalance];
      }),
      [
        ['Acme, Inc.', '2027-03-31T23:59:59.000Z', 1250],
        ['Batch 1', '2027-01-01T00:00:00.000Z', 0],
        ['Globex', '2027-07-01T03:59:59.000Z', 100],
      ],
    );

    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome, row.httpStatus, row.attempts, row.error, row.id, row.notes, row['api.currentBalance'], row['api.name']]),
      [
        ['2', 'updated', '200', '1', '', a, 'first', '1250', 'Acme, Inc.'],
        ['3', 'updated', '200', '1', '', b, '', '0', 'Batch 1'],
        ['4', 'updated', '200', '1', '', c, 'third', '100', 'Globex'],
      ],
    );
    assert.equal(JSON.parse(report[2]?.sent ?? '').expiresOn, '2027-07-01T03:59:59.000Z');
    assert.deepEqual(await readCsvFile(join(await runFolder(dir), 'failed.csv')), []);
    const summary = await readSummary(dir);
    assert.deepEqual(summary.rows, { total: 3, updated: 3, failed: 0, invalid: 0, skipped: 0, valid: 0 });
    assert.deepEqual(summary.requests, { sent: 3, throttled: 0, retries: 0, retriesByCause: {}, byStatus: { 200: 3 } });
    assert.deepEqual(summary.pacing, { ratePerMinute: 0, learnedRatePerMinute: null, learnedBurst: null, throttled: false, pauses: 0, pausedMs: 0 });
    assert.match(run.stdout, /Updated 3 of 3 rows/);
  });

  it('fails 404 and 422 rows at once without retrying; failed.csv, once corrected, re-runs cleanly', async () => {
    const [a, missing, tooMuch] = ids(3) as [string, string, string];
    const mock = await mockWith([a, tooMuch]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,name,currentBalance\n${a},,5\n${missing},"Name, with comma",6\n${tooMuch},,${MOCK_MAX_BALANCE + 1}\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(requestsFor(mock, missing).length, 1);
    assert.equal(requestsFor(mock, tooMuch).length, 1);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.httpStatus, row.attempts, row.error]),
      [
        ['updated', '200', '1', ''],
        ['failed', '404', '1', `404: Credit batch ${missing} not found`],
        ['failed', '422', '1', `422: currentBalance may not exceed ${MOCK_MAX_BALANCE}`],
      ],
    );
    assert.match(run.stdout, /Rows not updated: .*failed\.csv/);

    const failedPath = join(await runFolder(dir), 'failed.csv');
    const failed = await readCsvFile(failedPath);
    // Each row's code is its error's (the table of codes lists them); the rest is as it was.
    assert.ok(
      failed.every((row) => /^TIC-[A-Z0-9-]+$/.test(row.code ?? '')),
      JSON.stringify(failed),
    );
    assert.deepEqual(
      failed.map(({ code, ...row }) => row),
      [
        { id: missing, name: 'Name, with comma', currentBalance: '6', error: `404: Credit batch ${missing} not found` },
        { id: tooMuch, name: '', currentBalance: String(MOCK_MAX_BALANCE + 1), error: `422: currentBalance may not exceed ${MOCK_MAX_BALANCE}` },
      ],
    );

    // The operator creates the missing batch and corrects the balance, then re-runs failed.csv as it is.
    const fixed = await mockWith([missing, tooMuch]);
    await writeFile(failedPath, (await readFile(failedPath, 'utf8')).replace(String(MOCK_MAX_BALANCE + 1), '2000'));
    const again = await tempDir();
    const rerun = await cli(['apply', '--blind', '--yes', failedPath, ...fast(fixed)], { cwd: again });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual(
      fixed.requests.map((request) => request.body).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      [{ currentBalance: 2000 }, { name: 'Name, with comma', currentBalance: 6 }],
    );
    assert.equal(fixed.store.get(tooMuch)?.currentBalance, 2000);
    assert.deepEqual(
      (await readReport(again)).map((row) => [row.outcome, row.error]),
      [
        ['updated', ''],
        ['updated', ''],
      ],
    );
  });

  it('retries injected 5xx answers and dropped connections until the rows are updated', async () => {
    const [a, b, c, d] = ids(4) as [string, string, string, string];
    const mock = await mockWith([a, b, c, d], {
      faults: {
        script: {
          [a]: [
            { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
            { kind: 'status', status: 500 },
          ],
          [b]: [{ kind: 'reset' }, { kind: 'reset' }],
          [c]: [{ kind: 'status', status: 502 }],
        },
      },
    });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},1\n${b},2\n${c},3\n${d},4\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      requestsFor(mock, a).map((request) => request.answer),
      [503, 500, 200],
    );
    const [first, second] = requestsFor(mock, a);
    assert.ok((second?.at ?? 0) - (first?.at ?? 0) >= 995, `the 503 asking for 1 s was retried after ${(second?.at ?? 0) - (first?.at ?? 0)} ms`);
    assert.deepEqual(
      requestsFor(mock, b).map((request) => request.answer),
      ['reset', 'reset', 200],
    );
    assert.deepEqual(
      requestsFor(mock, c).map((request) => request.answer),
      [502, 200],
    );
    assert.deepEqual(
      [a, b, c, d].map((id) => mock.store.get(id)?.currentBalance),
      [1, 2, 3, 4],
    );
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.attempts]),
      [
        ['updated', '3'],
        ['updated', '3'],
        ['updated', '2'],
        ['updated', '1'],
      ],
    );
    const summary = await readSummary(dir);
    assert.equal(summary.requests.sent, 9);
    assert.equal(summary.requests.retries, 5);
    assert.deepEqual(summary.requests.retriesByCause, { 500: 1, 502: 1, 503: 1, ECONNRESET: 2 });
    assert.deepEqual(summary.requests.byStatus, { 200: 4, 500: 1, 502: 1, 503: 1, network: 2 });
  });

  it('fails a row whose retries run out, with the last error, and exits 1', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a], { faults: { script: { [a]: Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 503 })) } } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},1\n`), ...fast(mock), '--retries', '2'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(requestsFor(mock, a).length, 3);
    const [row] = await readReport(dir);
    assert.deepEqual([row?.outcome, row?.httpStatus, row?.attempts, row?.error], ['failed', '503', '3', '503: Injected 503']);
  });

  it('retries a request that gets no answer within --timeout', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a], { faults: { script: { [a]: [{ kind: 'delay', ms: 600 }] } } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},7\n`), ...fast(mock), '--timeout', '150'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(requestsFor(mock, a).length, 2);
    const [row] = await readReport(dir);
    assert.deepEqual([row?.outcome, row?.attempts], ['updated', '2']);
  });

  for (const [status, env] of [
    [401, { TI_API_KEY: 'ti_test_wrong_key_0123456789' }],
    [403, { TI_API_KEY: 'ti_test_read_only_0123456789' }],
  ] as const) {
    it(`stops at once when the key is refused (${status}): exit 3, at most --concurrency requests, the rest skipped`, async () => {
      const all = ids(30);
      const mock = await mockWith(all, { forbiddenKeys: ['ti_test_read_only_0123456789'] });
      const dir = await tempDir();
      const csv = await writeCsv(dir, `id,currentBalance\n${all.map((id) => `${id},5`).join('\n')}\n`);
      const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock), '--concurrency', '3'], { cwd: dir, env });
      assert.equal(run.code, 3);
      assert.ok(mock.requests.length >= 1 && mock.requests.length <= 3, `${mock.requests.length} requests`);
      assert.match(run.stderr, status === 401 ? /the API rejected the key \(401/ : /not allowed to update credit batches \(403/);
      const report = await readReport(dir);
      assert.equal(report.length, 30);
      const failed = report.filter((row) => row.outcome === 'failed');
      const skipped = report.filter((row) => row.outcome === 'skipped');
      assert.equal(failed.length, mock.requests.length);
      assert.ok(failed.every((row) => row.httpStatus === String(status)));
      assert.equal(skipped.length, 30 - failed.length);
      assert.ok(skipped.every((row) => /^not sent because the run stopped/.test(row.error ?? '')));
      assert.equal((await readSummary(dir)).status, 'stopped');
      assert.equal((await readCsvFile(join(await runFolder(dir), 'failed.csv'))).length, 30);
    });
  }

  it('sends nothing when any row is invalid: exit 2, every row in the report, every problem listed', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await mockWith([a, b]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,expiresOn,currentBalance\n${a},,5\nnot-an-id,03/31/2027,1e3\n${b},,6\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 2);
    assert.equal(mock.requests.length, 0);
    assert.match(run.stderr, /Nothing was sent: some rows of the file are invalid/);
    assert.match(
      run.stdout,
      /line 3: id "not-an-id" is not a credit batch id.*; expiresOn "03\/31\/2027" is a spreadsheet display date.*; currentBalance "1e3" is in scientific notation/,
    );
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => row.outcome),
      ['skipped', 'invalid', 'skipped'],
    );
    assert.equal((await readCsvFile(join(await runFolder(dir), 'failed.csv'))).length, 3);
    assert.equal((await readSummary(dir)).status, 'refused');
  });

  it('with --skip-invalid sends the valid rows only, and exits 1', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await mockWith([a, b]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},5\n${b},-5\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock), '--skip-invalid'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.deepEqual(
      mock.requests.map((request) => request.id),
      [a],
    );
    assert.deepEqual(
      (await readReport(dir)).map((row) => row.outcome),
      ['updated', 'invalid'],
    );
    assert.deepEqual(
      (await readCsvFile(join(await runFolder(dir), 'failed.csv'))).map((row) => row.id),
      [b],
    );
  });

  it('refuses every row of an id that appears twice, naming the other line', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await mockWith([a, b]);
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},5\n${b},1\n${a},6\n`), ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 2);
    assert.equal(mock.requests.length, 0);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, (row.error ?? '').replace(/;.*/, '')]),
      [
        ['invalid', `id ${a} also appears on line 4`],
        ['skipped', 'not sent because other rows of the file are invalid'],
        ['invalid', `id ${a} also appears on line 2`],
      ],
    );
  });

  it('stops before sending anything when the file cannot be parsed', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,name\n${a},ok\n${a},"broken\n`), ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 2);
    assert.equal(mock.requests.length, 0);
    assert.match(run.stderr, /the quoted field starting on line 3 is never closed/);
    assert.equal(run.stdout, 'Nothing was sent: the error above must be fixed first.\n');
    assert.deepEqual((await readdir(await runFolder(dir))).sort(), ['ledger-record.json', 'run.json', 'run.log', 'summary.json']);
  });

  it('--dry-run validates and shows the requests, sending nothing', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await mockWith([a, b]);
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,name,currentBalance\n${a},New name,\n${b},,9\n`), ...fast(mock), '--dry-run'], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      mock.requests.map((request) => [request.method, request.path]),
      [['GET', '/incoming/v2/ping']],
    );
    assert.ok(run.stdout.includes(`line 2: PUT /incoming/v2/clients/creditBatches/${a} {"name":"New name"}`), run.stdout);
    assert.ok(run.stdout.includes(`line 3: PUT /incoming/v2/clients/creditBatches/${b} {"currentBalance":9}`));
    assert.match(run.stdout, /The API accepted the key \(GET \/incoming\/v2\/ping\); no change was sent\./);
    assert.deepEqual(
      (await readReport(dir)).map((row) => [row.outcome, row.sent]),
      [
        ['valid', '{"name":"New name"}'],
        ['valid', '{"currentBalance":9}'],
      ],
    );
  });

  it('--dry-run shows a long name cut, never whole', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const name = `Big ${'n'.repeat(900_000)}`;
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,name\n${a},${name}\n`), ...fast(mock), '--dry-run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr.slice(0, 500));
    assert.ok(run.stdout.includes(`line 2: PUT /incoming/v2/clients/creditBatches/${a} {"name":"Big ${'n'.repeat(76)}…"}`), run.stdout.slice(0, 2000));
    assert.ok(run.stdout.length + run.stderr.length < 5_000, `${run.stdout.length + run.stderr.length} characters printed`);
  });

  it('--dry-run refuses a key the API refuses: exit 3, every row still reported', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a], { forbiddenKeys: ['ti_live_read_only_0123456789'] });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},9\n`);
    for (const [key, message] of [
      ['ti_live_wrong_0123456789abcdef', /^error: the API rejected the key \(401: /],
      ['ti_live_read_only_0123456789', /^error: the API key is not allowed to use the API \(403: /],
    ] as const) {
      const run = await cli(['apply', csv, ...fast(mock), '--dry-run'], { cwd: dir, env: { TI_API_KEY: key } });
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, message);
      assert.match(run.stdout, /Dry run: 1 row in .*: 0 valid, 1 not checked\.\n/);
    }
    assert.deepEqual(
      mock.requests.map((request) => [request.method, request.path, request.answer]),
      [
        ['GET', '/incoming/v2/ping', 401],
        ['GET', '/incoming/v2/ping', 403],
      ],
    );
    for (const folder of await readdir(join(dir, 'reports'))) {
      const summary = JSON.parse(await readFile(join(dir, 'reports', folder, 'summary.json'), 'utf8'));
      assert.deepEqual([summary.status, summary.error.kind, summary.rows.skipped], ['refused', 'auth', 1]);
      const [row] = await readCsvFile(join(dir, 'reports', folder, 'report.csv'));
      assert.deepEqual([row?.outcome, row?.error], ['skipped', 'not checked against the live values: the key was not accepted']);
    }
    // Planned blind, the rows were checked as the file was read, and are reported valid.
    const blind = await cli(['apply', csv, ...fast(mock), '--dry-run', '--blind', '--out', 'blind'], {
      cwd: dir,
      env: { TI_API_KEY: 'ti_live_wrong_0123456789abcdef' },
    });
    assert.equal(blind.code, 3, blind.stderr);
    assert.match(blind.stdout, /Dry run: 1 row in .*: 1 valid\.\n/);
  });

  it('--dry-run --offline makes no request at all; --offline alone is refused', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},9\n`);
    const run = await cli(['apply', csv, ...fast(mock), '--dry-run', '--offline'], { cwd: dir, env: { TI_API_KEY: 'ti_live_wrong_0123456789abcdef' } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\nNothing was sent\.\n/);
    const alone = await cli(['apply', csv, ...fast(mock), '--offline', '--yes'], { cwd: dir });
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--offline needs --dry-run: a run that sends needs the API/);
    assert.equal(mock.requests.length, 0);
  });

  it('--dry-run says the key could not be checked when the API is out of reach: exit 3', async () => {
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},9\n`);
    const run = await cli(['apply', csv, '--base-url', 'http://127.0.0.1:9', '--retries', '0', '--dry-run'], { cwd: dir });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /^error: nothing answers at http:\/\/127\.0\.0\.1:9 — check --base-url\n/);
  });

  it('prints summary.json on stdout with --json', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},5\n`), ...fast(mock), '--json'], { cwd: dir });
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), await readSummary(dir));
  });

  it('accepts a base URL that already ends in /incoming/v2', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const run = await cli(
      ['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},5\n`), '--base-url', `${mock.origin}/incoming/v2/`, '--rate', '0'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      mock.requests.map((request) => request.path),
      [`/incoming/v2/clients/creditBatches/${a}`],
    );
  });

  it('takes the instance and key from the environment, and the key from --api-key-file', async () => {
    const [a] = ids(1) as [string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const keyFile = join(dir, 'key');
    await writeFile(keyFile, `${KEY}\n`, { mode: 0o600 });
    const csv = await writeCsv(dir, `id,currentBalance\n${a},5\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--api-key-file', keyFile, '--rate', '0'], { cwd: dir, env: { TI_BASE_URL: mock.origin } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(mock.requests[0]?.authorization, `Bearer ${KEY}`);
  });

  it('does not follow a redirect: the key never reaches the other host', async () => {
    const other: string[] = [];
    const elsewhere = createServer((request, response) => {
      other.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      response.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
    try {
      const all = ids(5);
      const mock = await mockWith(all, {
        faults: { script: Object.fromEntries(all.map((id) => [id, [{ kind: 'status' as const, status: 307, headers: { location: target } }]])) },
      });
      const dir = await tempDir();
      const run = await cli(
        [
          'apply',
          '--blind',
          '--yes',
          await writeCsv(dir, `id,currentBalance\n${all.map((id) => `${id},1`).join('\n')}\n`),
          ...fast(mock),
          '--concurrency',
          '1',
        ],
        { cwd: dir },
      );
      assert.equal(run.code, 3);
      assert.deepEqual(other, []);
      assert.equal(mock.requests.length, 1);
      assert.match(run.stderr, /redirecting to .*\/steal; ti-credits does not follow redirects/);
      assert.deepEqual(
        (await readReport(dir)).map((row) => row.outcome),
        ['failed', 'skipped', 'skipped', 'skipped', 'skipped'],
      );
    } finally {
      elsewhere.close();
    }
  });

  it('fails a row the API answers 200 for a different credit batch', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await mockWith([a], { faults: { script: { [a]: [{ kind: 'status', status: 200, body: { data: { UpdateCreditBatch: { id: b } } } }] } } });
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},5\n`), ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(requestsFor(mock, a).length, 1);
    assert.match((await readReport(dir))[0]?.error ?? '', new RegExp(`answered 200 for credit batch ${b} instead of ${a}`));
  });

  it('writes the API key to no file and no output, even when the API echoes it', async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const mock = await mockWith([a, b, c], {
      faults: {
        script: {
          [a]: [{ kind: 'status', status: 503, body: { message: `key ${KEY} is busy` } }],
          [b]: [{ kind: 'status', status: 422, body: { message: `bad value for key ${KEY}` } }],
        },
      },
    });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},1\n${b},2\n${c},x\n`);
    const outputs: string[] = [];
    for (const args of [['--skip-invalid'], ['--dry-run'], ['--skip-invalid', '--log-level', 'trace', '--json']]) {
      const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock), ...args], { cwd: dir });
      outputs.push(run.stdout, run.stderr);
    }
    const wrong = await cli(['apply', '--blind', '--yes', '--confirm-instance', '127.0.0.1', csv, ...fast(mock), '--skip-invalid', '--log-level', 'trace'], {
      cwd: dir,
      env: { TI_API_KEY: 'ti_live_not_the_right_one' },
    });
    outputs.push(wrong.stdout, wrong.stderr);
    const entries = await readdir(join(dir, 'reports'), { withFileTypes: true });
    const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    assert.equal(folders.length, 4);
    // The run folders, and the run ledger beside them.
    const files = [
      ...entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name),
      ...(await Promise.all(folders.map(async (folder) => (await readdir(join(dir, 'reports', folder))).map((file) => join(folder, file))))).flat(),
    ];
    assert.ok(files.includes('ledger.jsonl'));
    for (const file of files) {
      const text = await readFile(join(dir, 'reports', file), 'utf8');
      assert.ok(!text.includes(KEY), `${file} holds the key`);
      assert.ok(!text.includes('ti_live_not_the_right_one'), `${file} holds the wrong key`);
    }
    assert.ok(outputs.every((text) => !text.includes(KEY) && !text.includes('ti_live_not_the_right_one')));
    assert.ok(outputs.join('').length > 0);
    const report = await readCsvFile(join(dir, 'reports', folders.sort()[0] ?? '', 'report.csv'));
    assert.ok(
      report.some((row) => row.error === '422: bad value for key [redacted]'),
      JSON.stringify(report),
    );
  });
});

describe('apply refuses, before any connection', () => {
  const refused = async (args: string[], env: Record<string, string | undefined>, message: RegExp) => {
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},1\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, ...args], { cwd: dir, env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(existsSync(join(dir, 'reports')), false, 'no run folder for a refused configuration');
  };
  it('plain http:// to anything but this machine', () =>
    refused(['--base-url', 'http://10.255.255.1'], { TI_API_KEY: KEY }, /plain http:\/\/, which would send the API key across the network unencrypted/));
  it('a missing key', () => refused(['--instance', 'acme'], {}, /No API key was given/));
  it('the key as a flag, without echoing it', async () => {
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', '--yes', 'x.csv', '--instance', 'acme', '--api-key=ti_live_secret'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /does not take the API key as a command-line flag/);
    assert.ok(!run.stderr.includes('ti_live_secret'));
  });
  it('no instance at all', () => refused([], { TI_API_KEY: KEY }, /No Thought Industries instance was given/));
  it('both --instance and --base-url', () =>
    refused(['--instance', 'acme', '--base-url', 'https://x.example'], { TI_API_KEY: KEY }, /--instance cannot be combined with --base-url/));
  it('an instance that is a URL', () => refused(['--instance', 'acme.thoughtindustries.com'], { TI_API_KEY: KEY }, /is not an instance name/));
  it('a malformed number', () =>
    refused(['--instance', 'acme', '--concurrency', '1e3'], { TI_API_KEY: KEY }, /--concurrency must be a whole number from 1 to 64, not "1e3"/));
  it('an unknown option', () => refused(['--instance', 'acme', '--retrys', '3'], { TI_API_KEY: KEY }, /Unknown argument: retrys/));
  it('an --out folder that already holds files', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'old.txt'), 'x');
    const csv = await writeCsv(await tempDir(), `id,currentBalance\n${ids(1)[0]},1\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--instance', 'acme', '--out', dir, '--dry-run', '--offline'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /already holds files/);
  });
});

describe('validate', () => {
  it('needs no key or instance, and reports every row', async () => {
    const [a] = ids(1) as [string];
    const dir = await tempDir();
    const run = await cli(['validate', await writeCsv(dir, `id,currentBalance\n${a},5\n${a.slice(1)},1\n`)], { cwd: dir, env: {} });
    assert.equal(run.code, 2);
    assert.deepEqual(
      (await readReport(dir)).map((row) => row.outcome),
      ['valid', 'invalid'],
    );
    assert.match(run.stdout, /Validated: 2 rows in .*: 1 valid, 1 invalid/);
    assert.match(run.stdout, /line 3: id/);
  });
  it('reports a row invalid when its id repeats further down, though it was read before the repeat', async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const dir = await tempDir();
    const run = await cli(['validate', await writeCsv(dir, `id,currentBalance\n${a},5\n${b},1\n${c},x\n${a},6\n`)], { cwd: dir, env: {} });
    assert.equal(run.code, 2);
    assert.deepEqual(
      (await readReport(dir)).map((row) => [row.line, row.outcome]),
      [
        ['2', 'invalid'],
        ['3', 'valid'],
        ['4', 'invalid'],
        ['5', 'invalid'],
      ],
    );
    assert.deepEqual(
      (await readCsvFile(join(await runFolder(dir), 'failed.csv'))).map((row) => row.currentBalance),
      ['5', 'x', '6'],
    );
    const summary = await readSummary(dir);
    assert.deepEqual([summary.rows.total, summary.rows.valid, summary.rows.invalid], [4, 1, 3]);
    assert.match(run.stdout, /Validated: 4 rows in .*: 1 valid, 3 invalid/);
    assert.match(run.stdout, new RegExp(`line 2: id ${a} also appears on line 5`));
  });
  it('exits 0 when every row is valid', async () => {
    const dir = await tempDir();
    const run = await cli(['validate', await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},5\n`)], { cwd: dir, env: {} });
    assert.equal(run.code, 0);
  });
  it('writes no report for a file it cannot read to the end, rather than the rows before the problem', async () => {
    const [a, b] = ids(2) as [string, string];
    const dir = await tempDir();
    const run = await cli(['validate', await writeCsv(dir, `id,currentBalance\n${a},5\n${b},"6\n${a},7\n`)], { cwd: dir, env: {} });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /the quoted field starting on line 3 is never closed/);
    assert.match(run.stdout, /^No row was validated: the error above must be fixed first\.\n$/);
    const folder = await runFolder(dir);
    assert.deepEqual((await readdir(folder)).sort(), ['run.log', 'summary.json']);
    const summary = await readSummary(dir);
    assert.deepEqual([summary.status, summary.rows.total], ['refused', 0]);
  });
  it('refuses a header without the columns it needs, with no row sent anywhere and no run folder', async () => {
    const dir = await tempDir();
    const run = await cli(['validate', await writeCsv(dir, 'ID,Balance\nx,1\n')], { cwd: dir, env: {} });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /there is no column to change: name at least one of name, expiresOn, currentBalance/);
    assert.equal(existsSync(join(dir, 'reports')), false);
  });
});

describe('a refusal before the first row is read', () => {
  it('leaves no run folder: a missing file, a folder, an empty file, a header it cannot use', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a folder.csv'));
    await writeCsv(dir, '', 'empty.csv');
    await writeCsv(dir, 'id,notes\n', 'no-field.csv');
    const cases: [string, RegExp][] = [
      ['missing.csv', /missing\.csv: no such file/],
      ['a folder.csv', /a folder\.csv is a folder, not a file/],
      ['empty.csv', /empty\.csv is empty/],
      ['no-field.csv', /there is no column to change/],
    ];
    for (const [file, message] of cases) {
      for (const args of [
        ['validate', file],
        ['apply', file, '--instance', 'acme', '--yes'],
        ['apply', file, '--instance', 'acme', '--dry-run', '--offline'],
      ]) {
        const run = await cli(args, { cwd: dir, env: { TI_API_KEY: KEY } });
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.equal(existsSync(join(dir, 'reports')), false, `${args.join(' ')} left a run folder`);
      }
    }
  });
  it('refuses at once a pipe, a device or anything else that is not a regular file', async () => {
    const dir = await tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    await symlink('/dev/zero', join(dir, 'zero.csv'));
    for (const [file, what] of [
      ['pipe.csv', 'a pipe'],
      ['zero.csv', 'a device'],
      ['/dev/stdin', /a (pipe|device|socket)|not a regular file/],
    ] as const) {
      for (const args of [
        ['validate', file],
        ['apply', file, '--instance', 'acme', '--yes'],
      ]) {
        const run = await cli(args, { cwd: dir, env: { TI_API_KEY: KEY } });
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, typeof what === 'string' ? new RegExp(`is ${what}, not a file: ti-credits reads its input more than once`) : what);
        assert.equal(existsSync(join(dir, 'reports')), false);
      }
    }
  });
  it('with --out, creates not even that folder', async () => {
    const dir = await tempDir();
    const run = await cli(['validate', 'missing.csv', '--out', 'mine'], { cwd: dir, env: {} });
    assert.equal(run.code, 2);
    assert.equal(existsSync(join(dir, 'mine')), false);
  });
});

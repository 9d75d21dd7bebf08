import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatInternalError } from '../../src/cli/messages.js';
import { cli, ids, mockStarter, readReport, readSummary, requestsFor, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();

describe('the plan and its confirmation', () => {
  it('refuses to send off a terminal without --yes: exit 2, the plan shown, every row reported, nothing sent', async () => {
    const rows = ids(2);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows[0]},5\n${rows[1]},7\n`);
    const run = await cli(['apply', '--blind', csv, '--base-url', mock.origin], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Plan: update 2 credit batches on http:\/\/127\.0\.0\.1:\d+ with a sandbox key \(ti_test_…\)\.\n/);
    assert.match(
      run.stderr,
      /error: Nothing was sent: ti-credits asks for confirmation before sending, and there is no terminal to ask on\.\n {2}Check the plan above, then run the same command with --yes/,
    );
    assert.equal(mock.requests.length, 0);
    assert.match(run.stdout, /^Nothing was sent; the report lists the 2 rows it would have sent as skipped\.\nReport: reports\/\S+\/report\.csv\n$/);
    assert.deepEqual(
      (await readReport(dir)).map((row) => [row.outcome, row.error]),
      [
        ['skipped', 'not sent: the plan was not confirmed'],
        ['skipped', 'not sent: the plan was not confirmed'],
      ],
    );
    assert.equal((await readSummary(dir)).status, 'refused');
  });

  it('says what will change: rows, fields, the sum of balances, the expiry range, rows left out, and how long it takes', async () => {
    const rows = ids(4);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const csv = await writeCsv(
      dir,
      `id,name,expiresOn,currentBalance\n${rows[0]},Acme,2027-03-31,9007199254740991\n${rows[1]},,2027-06-30T12:00:00Z,9\n${rows[2]},,,x\n${rows[3]},,2027-01-15,\n`,
    );
    const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--skip-invalid', '--rate', '120', '--burst', '1'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      run.stderr.split('\n').slice(0, 7).join('\n'),
      [
        `Plan: update 3 credit batches on ${mock.origin} with a sandbox key (ti_test_…).`,
        '  Fields set: expiresOn on 3 rows, currentBalance on 2, name on 1.',
        '  currentBalance: 9,007,199,254,741,000 credits set in all.',
        '  expiresOn: from 2027-01-15T23:59:59.999Z to 2027-06-30T12:00:00.000Z.',
        '  Not sent: 1 invalid row (--skip-invalid).',
        '  Not checked (--blind): rows are sent without reading the live values, so a change made since the file was prepared is overwritten; no undo.csv.',
        '  3 rows at 120/min: about 1.0 s.',
      ].join('\n'),
    );
  });

  it('is what --dry-run shows, with the first request bodies, sending nothing and asking nothing', async () => {
    const rows = ids(1);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', await writeCsv(dir, `id,currentBalance\n${rows[0]},5\n`), '--base-url', mock.origin, '--dry-run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Plan: update 1 credit batch on .*\n {2}Fields set: currentBalance on 1 row\.\n {2}currentBalance: 5 credits set in all\.\n/);
    assert.match(
      run.stdout,
      new RegExp(
        `line 2: PUT /incoming/v2/clients/creditBatches/${rows[0]} \\{"currentBalance":5\\}\\nThe API accepted the key \\(GET /incoming/v2/ping\\); no change was sent\\.`,
      ),
    );
    assert.deepEqual(
      mock.requests.map((request) => request.path),
      ['/incoming/v2/ping'],
    );
  });
});

describe('progress and the result', () => {
  it('prints a plain progress line every --progress-interval off a terminal, then the summary table', async () => {
    const rows = ids(24);
    const mock = await startMock(rows.slice(0, 22), { faults: { latencyMs: 100 } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '0', '--concurrency', '1', '--progress-interval', '1'], {
      cwd: dir,
    });
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('progress: '));
    assert.ok(lines.length >= 2, run.stderr);
    for (const line of lines)
      assert.match(
        line,
        /^progress: \d+\/24 rows \(\d+%\), \d+ rows\/min \((unpaced|pace [\d,]+\/min[^)]*)\), (about [\d.]+ s left|time left unknown); \d+ updated, \d+ failed, \d+ retrying$/,
      );
    const done = lines.map((line) => Number(/^progress: (\d+)/.exec(line)?.[1]));
    assert.deepEqual(
      done,
      [...done].sort((a, b) => a - b),
      'progress only goes forward',
    );
    assert.match(
      run.stdout,
      /\n\n {2}updated {5}22\n {2}failed {6}2\n {2}requests {4}24 sent, 0 retries\n {2}wall time {3}[\d.]+ s\n {2}run folder {2}reports\/\S+\n\n/,
    );
    // Grouped by status and shape: the two 404s differ only in their id.
    assert.match(run.stdout, /Most frequent errors:\n {2}2 × 404: Credit batch <id> not found\nReport: /);
    assert.match(
      run.stdout,
      /Rows not updated: reports\/\S+\/failed\.csv; once fixed, send them with:\n {2}ti-credits apply reports\/\S+\/failed\.csv --base-url http:\/\/127\.0\.0\.1:\d+ --concurrency 1 --rate 0 --blind --yes\n/,
    );
  });

  it('prints neither plan nor progress with --quiet, and only summary.json on stdout with --json', async () => {
    const rows = ids(6);
    const mock = await startMock(rows, { faults: { latencyMs: 300 } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await cli(
      ['apply', '--blind', '--yes', '--quiet', '--json', csv, '--base-url', mock.origin, '--rate', '0', '--concurrency', '1', '--progress-interval', '1'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.equal(JSON.parse(run.stdout).rows.updated, 6);
  });
});

describe('errors a user can cause', () => {
  it('rejects an unknown option, suggesting the one meant', async () => {
    const dir = await tempDir();
    const run = await cli(['apply', '--blind', 'x.csv', '--instance', 'acme', '--rat', '600', '--dry-runn'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^error: Unknown arguments: rat, dry-runn.*\n {2}--rat: did you mean --rate\? --dry-runn: did you mean --dry-run\? Run ti-credits apply --help for the options\. \[TIC-USAGE\]\n$/,
    );
  });
  it('shows a bug without its stack trace unless --log-level debug', () => {
    const error = new Error('boom');
    assert.doesNotMatch(formatInternalError(error, false), /at /);
    assert.match(formatInternalError(error, false), /--log-level debug/);
    assert.match(formatInternalError(error, true), /boom\n {4}at /);
  });
});

describe('config file', () => {
  async function setUp(config: string | ((origin: string) => unknown), name = 'ti-credits.config.json') {
    const rows = ids(1);
    const mock = await startMock(rows);
    const dir = await tempDir();
    await writeFile(join(dir, name), typeof config === 'string' ? config : JSON.stringify(config(mock.origin)));
    const csv = await writeCsv(dir, `id,expiresOn\n${rows[0]},31/03/2027\n`);
    return { mock, dir, csv, id: rows[0] ?? '' };
  }

  it('supplies options in kebab-case or camelCase, below the flags', async () => {
    const { mock, dir, csv, id } = await setUp((origin: string) => ({ baseUrl: origin, 'date-format': 'DD/MM/YYYY', timezone: 'Europe/Paris', rate: 0 }));
    const run = await cli(['apply', '--blind', '--yes', csv], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      requestsFor(mock, id).map((request) => request.body),
      [{ expiresOn: '2027-03-31T21:59:59.999Z' }],
    );
    const flagged = await cli(['apply', '--blind', '--yes', csv, '--timezone', 'UTC'], { cwd: dir });
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.deepEqual(requestsFor(mock, id)[1]?.body, { expiresOn: '2027-03-31T23:59:59.999Z' });
  });

  it('comes below the environment: TI_BASE_URL wins over its base-url', async () => {
    const { mock, dir, csv } = await setUp(() => ({ baseUrl: 'http://127.0.0.1:9', dateFormat: 'DD/MM/YYYY', rate: 0 }), '.ti-creditsrc');
    const run = await cli(['apply', '--blind', '--yes', csv], { cwd: dir, env: { TI_API_KEY: 'ti_test_local_mock_key', TI_BASE_URL: mock.origin } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(mock.requests.length, 1);
  });

  it('is read from --config, with a key file named relative to it', async () => {
    const { mock, dir, csv } = await setUp('{"rate": "not a number"}');
    await mkdir(join(dir, 'team'));
    await writeFile(join(dir, 'team', 'key.txt'), 'ti_test_local_mock_key\n', { mode: 0o600 });
    await writeFile(join(dir, 'team', 'settings.json'), JSON.stringify({ baseUrl: mock.origin, apiKeyFile: 'key.txt', dateFormat: 'DD/MM/YYYY', rate: 0 }));
    const run = await cli(['apply', '--blind', '--yes', csv, '--config', 'team/settings.json'], { cwd: dir, env: {} });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(mock.requests.length, 1);
  });

  it('never holds the key, nor options that belong to one run, nor unknown ones', async () => {
    for (const [config, message] of [
      [{ apiKey: 'ti_live_x' }, /holds an API key \("apiKey"\); ti-credits never reads a key from a config file/],
      [{ yes: true }, /sets "yes", which belongs to one run/],
      [{ dateFromat: 'DD/MM/YYYY' }, /sets "dateFromat", which is not a ti-credits option\.\n {2}Did you mean "date-format"\?/],
    ] as const) {
      const { mock, dir, csv } = await setUp(JSON.stringify(config));
      const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin], { cwd: dir });
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.equal(mock.requests.length, 0);
    }
  });
});

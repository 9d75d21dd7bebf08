import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { cli, mockStarter, readReport, readSummary, requestsFor, runFolder, tempDir } from '../helpers.js';

/**
 * The files in fixtures/exports were written by LibreOffice Calc from the
 * sheets beside them (see generate.sh). Each is either read to exactly the
 * requests below, or refused with nothing sent.
 */

const startMock = mockStarter();
const exportsDir = fileURLToPath(new URL('../../../fixtures/exports/', import.meta.url));
const fixture = (name: string): string => `${exportsDir}${name}`;
const ID = (n: number): string => `6f1c2a80-3b4d-4e5f-8a9b-0c1d2e3f4a0${n}`;
const IDS = [ID(1), ID(2), ID(3), ID(4)];

/** What the sheet adjustments.fods says, in every export of it. */
const ADJUSTMENTS = new Map<string, unknown>([
  [ID(1), { name: 'Société Générale – Paris', expiresOn: '2027-03-31T23:59:59.999Z', currentBalance: 1250 }],
  [ID(2), { name: 'Müller, "Bau" GmbH', currentBalance: 0 }],
  [ID(3), { name: 'Ærø Kommune', expiresOn: '2027-06-30T21:00:00.000Z' }],
  [ID(4), { name: 'Café Zoë; Lyon', expiresOn: '2027-12-31T23:59:59.999Z', currentBalance: 40000 }],
]);

async function apply(file: string, ...options: string[]) {
  const mock = await startMock(IDS);
  const dir = await tempDir();
  const run = await cli(['apply', '--blind', '--yes', fixture(file), '--base-url', mock.origin, '--rate', '0', ...options], { cwd: dir });
  const bodies = new Map(IDS.flatMap((id) => requestsFor(mock, id).map((request) => [id, request.body] as const)));
  return { run, mock, dir, bodies };
}

describe('spreadsheet exports', () => {
  const readable: [string, string[]][] = [
    ['adjustments-utf8.csv', []],
    ['adjustments-utf8-bom.csv', []],
    ['adjustments-crlf.csv', []],
    ['adjustments-cr.csv', []],
    ['adjustments-semicolon-windows-1252.csv', ['--encoding', 'windows-1252']],
    ['adjustments-tab-utf16.csv', []],
  ];
  for (const [file, options] of readable) {
    it(`sends exactly what the sheet says from ${file}${options.length > 0 ? ` with ${options.join(' ')}` : ''}`, async () => {
      const { run, mock, bodies } = await apply(file, ...options);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.deepEqual(bodies, ADJUSTMENTS);
      assert.equal(mock.requests.length, 4);
    });
  }

  it('refuses a Windows-1252 export read as UTF-8, naming the line and the option, and sends nothing', async () => {
    const { run, mock, dir } = await apply('adjustments-semicolon-windows-1252.csv');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /adjustments-semicolon-windows-1252\.csv is not UTF-8 text: bytes \(line 2\) are not valid UTF-8/);
    assert.match(run.stderr, /pass --encoding windows-1252/);
    assert.equal(mock.requests.length, 0);
    // Refused before any row could be read: nothing written.
    assert.equal(existsSync(join(dir, 'reports')), false);
  });

  it('refuses a UTF-16 file read under another --encoding than its byte order mark says', async () => {
    const { run, mock } = await apply('adjustments-tab-utf16.csv', '--encoding', 'windows-1252');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /starts with a utf-16le byte order mark, but --encoding says windows-1252/);
    assert.equal(mock.requests.length, 0);
  });

  it('refuses US display dates and grouped balances by default, with the options that would read them', async () => {
    const { run, mock, dir } = await apply('us-display.csv');
    assert.equal(run.code, 2);
    assert.equal(mock.requests.length, 0);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome]),
      [
        ['2', 'invalid'],
        ['3', 'invalid'],
      ],
    );
    assert.match(report[0]?.error ?? '', /expiresOn "03\/04\/2027" is a spreadsheet display date.*--date-format/);
    assert.match(report[0]?.error ?? '', /currentBalance "1,250" has ",", which could be a thousands separator or a decimal comma.*--thousands-separator ,/);
  });

  it('reads US display dates and grouped balances once the user names both, skipping the blank rows LibreOffice appends', async () => {
    const { run, bodies, dir } = await apply('us-display.csv', '--date-format', 'MM/DD/YYYY', '--thousands-separator', ',');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(
      bodies,
      new Map([
        [ID(1), { name: 'Acme Corp', expiresOn: '2027-03-04T23:59:59.999Z', currentBalance: 1250 }],
        [ID(2), { name: 'Globex', expiresOn: '2027-12-31T23:59:59.999Z', currentBalance: 1250000 }],
      ]),
    );
    assert.equal((await readSummary(dir)).rows.total, 2);
    const report = await readReport(dir);
    assert.equal(report[0]?.sent, '{"name":"Acme Corp","expiresOn":"2027-03-04T23:59:59.999Z","currentBalance":1250}');
  });

  it('reads a German export: semicolons, Windows-1252, day-first dates, "." grouping, end of day in Berlin', async () => {
    const { run, bodies } = await apply(
      'de-display-semicolon.csv',
      '--encoding',
      'windows-1252',
      '--date-format',
      'DD.MM.YYYY',
      '--thousands-separator',
      '.',
      '--timezone',
      'Europe/Berlin',
    );
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(
      bodies,
      new Map([
        [ID(1), { name: 'Müller AG', expiresOn: '2027-03-04T22:59:59.999Z', currentBalance: 1250 }],
        [ID(2), { name: 'Bäckerei Schmidt', expiresOn: '2027-12-31T22:59:59.999Z', currentBalance: 40000 }],
      ]),
    );
  });

  it('reads a date alone as the start of the day with --date-only start-of-day', async () => {
    const { run, bodies } = await apply('adjustments-utf8.csv', '--date-only', 'start-of-day', '--timezone', 'America/New_York');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(bodies.get(ID(1)), { name: 'Société Générale – Paris', expiresOn: '2027-03-31T04:00:00.000Z', currentBalance: 1250 });
    assert.deepEqual(bodies.get(ID(3)), { name: 'Ærø Kommune', expiresOn: '2027-06-30T21:00:00.000Z' });
  });

  it('refuses an Excel serial number date with a hint, sending nothing', async () => {
    const { run, mock, dir } = await apply('serial-dates.csv');
    assert.equal(run.code, 2);
    assert.equal(mock.requests.length, 0);
    assert.match(
      (await readReport(dir))[0]?.error ?? '',
      /expiresOn "46477" looks like a spreadsheet date serial number; format the column as a date in ISO 8601/,
    );
  });

  it('refuses a name with a line break in it, and numbers the next row by the line it is on', async () => {
    const { run, mock, dir } = await apply('line-break-in-name.csv');
    assert.equal(run.code, 2);
    assert.equal(mock.requests.length, 0);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome]),
      [
        ['2', 'invalid'],
        ['4', 'skipped'],
      ],
    );
    assert.match(report[0]?.error ?? '', /contains a control character \(U\+000A, a line break\) at position 10/);
  });

  it('writes failed.csv in UTF-8 for Excel, and prints the command that re-runs it reading each cell as this run did', async () => {
    const mock = await startMock([ID(1)]);
    const dir = await tempDir();
    const options = ['--encoding', 'windows-1252', '--date-format', 'DD.MM.YYYY', '--thousands-separator', '.', '--timezone', 'Europe/Berlin', '--excel'];
    const run = await cli(['apply', '--blind', '--yes', fixture('de-display-semicolon.csv'), '--base-url', mock.origin, '--rate', '0', ...options], {
      cwd: dir,
    });
    assert.equal(run.code, 1);
    const failedPath = join(await runFolder(dir), 'failed.csv');
    const failed = await readFile(failedPath);
    assert.deepEqual(failed.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]));
    // The error's code last (the table of codes lists it).
    assert.match(
      failed.subarray(3).toString('utf8').split('\n')[1] ?? '',
      new RegExp(`^${ID(2)},Bäckerei Schmidt,31\\.12\\.2027,40\\.000,404: Credit batch ${ID(2)} not found,TIC-[A-Z0-9-]+$`),
    );
    const command = /\n {2}ti-credits apply (\S+failed\.csv) (.*)\n/.exec(run.stdout);
    assert.ok(command, run.stdout);
    assert.equal(
      command[2],
      `--base-url ${mock.origin} --rate 0 --blind --timezone Europe/Berlin --date-format DD.MM.YYYY --thousands-separator . --excel --yes`,
    );

    const fixed = await startMock([ID(2)]);
    const again = await cli(['apply', '--yes', join(dir, command[1] ?? ''), ...(command[2] ?? '').replace(mock.origin, fixed.origin).split(' ')], {
      cwd: await tempDir(),
    });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.deepEqual(
      requestsFor(fixed, ID(2)).map((request) => request.body),
      [{ name: 'Bäckerei Schmidt', expiresOn: '2027-12-31T22:59:59.999Z', currentBalance: 40000 }],
    );
  });
});

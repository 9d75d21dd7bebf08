import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { MockApi } from '../../src/mock/server.js';
import { cli, ids, mockStarter, readCsvFile, readReport, runFolder, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();
const fast = (mock: MockApi) => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '1'];

/**
 * Every row problem has a stable code (issue 22 §3), in report.csv's and
 * failed.csv's `code` column right after `error`: what a finance user looks
 * up in the table of codes and a script acts on.
 */
describe('the codes of row problems in report.csv and failed.csv', () => {
  it('gives each invalid row the codes of its problems, in the order its error says them, and each valid row not sent the reason it was skipped', async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const mock = await mockWith([a, b, c]);
    const dir = await tempDir();
    const csv = await writeCsv(
      dir,
      ['id,name,expiresOn,currentBalance', `${a},,,5`, 'not-a-uuid,,,-3', `${b},,03/04/2027,`, `${c},Smith, John,,7`, ''].join('\n'),
    );
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(
      mock.requests.filter((request) => request.method === 'PUT'),
      [],
      'nothing sent',
    );

    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome, row.code]),
      [
        ['2', 'skipped', 'TIC-SKIPPED-INVALID-ROWS'],
        ['3', 'invalid', 'TIC-ID-NOT-UUID TIC-BALANCE-NEGATIVE'],
        ['4', 'invalid', 'TIC-DATE-AMBIGUOUS'],
        ['5', 'invalid', 'TIC-ROW-WIDTH'],
      ],
    );
    // The codes in the order of the messages.
    assert.match(report[1]?.error ?? '', /^id "not-a-uuid" is not a credit batch id; .*; currentBalance "-3" is negative; /);
    assert.deepEqual(Object.keys(report[0] ?? {}).slice(4, 6), ['error', 'code']);

    const folder = await runFolder(dir);
    const failedText = await readFile(join(folder, 'failed.csv'), 'utf8');
    assert.equal(failedText.split('\n')[0], 'id,name,expiresOn,currentBalance,error,code');
    // The row of the wrong width goes back as it came, its error and code after its cells.
    assert.deepEqual(
      (parse(failedText, { relax_column_count: true }) as string[][]).slice(1).map((record) => [record[0], record.at(-1)]),
      [
        [a, 'TIC-SKIPPED-INVALID-ROWS'],
        ['not-a-uuid', 'TIC-ID-NOT-UUID TIC-BALANCE-NEGATIVE'],
        [b, 'TIC-DATE-AMBIGUOUS'],
        [c, 'TIC-ROW-WIDTH'],
      ],
    );
    assert.match(failedText, new RegExp(`^${c},Smith, John,,7,"the row has 5 cells but the header has 4 .*",TIC-ROW-WIDTH$`, 'm'));

    // failed.csv given again: its error and code columns are what the last run said, not the user's, and are said anew.
    const again = await tempDir();
    const rerun = await cli(['validate', join(folder, 'failed.csv')], { cwd: again });
    assert.equal(rerun.code, 2, rerun.stderr);
    const second = await readReport(again);
    assert.equal(Object.keys(second[0] ?? {}).filter((name) => name === 'code').length, 1, "one code column, the run's own");
    assert.deepEqual(
      second.map((row) => [row.line, row.outcome, row.code]),
      [
        ['2', 'valid', ''],
        ['3', 'invalid', 'TIC-ID-NOT-UUID TIC-BALANCE-NEGATIVE'],
        ['4', 'invalid', 'TIC-DATE-AMBIGUOUS'],
        ['5', 'invalid', 'TIC-ROW-WIDTH'],
      ],
    );
  });

  it("gives a row the API refused its error's code, and an updated row none", async () => {
    const [a, missing] = ids(2) as [string, string];
    const mock = await mockWith([a]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},5\n${missing},6\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, ...fast(mock)], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => [row.outcome, row.httpStatus]),
      [
        ['updated', '200'],
        ['failed', '404'],
      ],
    );
    assert.equal(report[0]?.code, '');
    assert.match(report[1]?.code ?? '', /^TIC-[A-Z0-9]+(-[A-Z0-9]+)*$/);
    const [failed] = await readCsvFile(join(await runFolder(dir), 'failed.csv'));
    assert.equal(failed?.code, report[1]?.code);
  });
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, ids, mockStarter, readReport, requestsFor, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();

describe('columns whose names resemble a field', () => {
  it('refuse a misspelt balance column: exit 2, nothing sent, where a clean exit 0 would have changed no balance', async () => {
    const rows = ids(2);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,name,expiresOn,currentBalence\n${rows[0]},A,,5\n${rows[1]},B,,7\n`);
    for (const command of [
      ['validate', csv],
      ['apply', '--yes', csv, '--base-url', mock.origin],
    ]) {
      const run = await cli(command, { cwd: dir });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /column 4 "currentBalence" looks like currentBalance misspelt: rename it currentBalance/);
    }
    assert.equal(mock.requests.length, 0);
  });

  it('carry a column named with --extra-column, listed in the plan as carried but not sent', async () => {
    const rows = ids(1);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `ID,Name,Current Balance,Notes\n${rows[0]},Renamed,5,checked\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--extra-column', 'Current Balance'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /\n {2}Carried to the report, not sent: "Current Balance", "Notes"\.\n/);
    assert.deepEqual(
      requestsFor(mock, rows[0] ?? '').map((request) => request.body),
      [{ name: 'Renamed' }],
    );
    assert.deepEqual(
      (await readReport(dir)).map((row) => [row['Current Balance'], row.Notes]),
      [['5', 'checked']],
    );
  });

  it('take --extra-column from a config file as a list', async () => {
    const rows = ids(1);
    const dir = await tempDir();
    await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ extraColumn: ['Expires On', 'current_balance'] }));
    const csv = await writeCsv(dir, `id,name,Expires On,current_balance\n${rows[0]},A,x,y\n`);
    const run = await cli(['validate', csv], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
  });
});

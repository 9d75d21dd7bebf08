import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, ids, mockStarter, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();

/** The mistakes newcomers were seen making, each met with words that say what to do (issue 24). */
describe('messages for the mistakes seen', () => {
  it('a dry run with --skip-invalid and invalid rows exits 1, as the real run does', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await startMock([a, b]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},5\n${b},-3\n`);
    const args = [csv, '--base-url', mock.origin, '--rate', '0', '--blind', '--skip-invalid'];
    const dry = await cli(['apply', ...args, '--dry-run'], { cwd: dir });
    const real = await cli(['apply', ...args, '--yes'], { cwd: dir });
    assert.deepEqual([dry.code, real.code], [1, 1], dry.stdout + real.stdout);
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 1, 'the real run sent the valid row alone');
    const without = await cli(['apply', csv, '--base-url', mock.origin, '--blind', '--dry-run'], { cwd: dir });
    assert.equal(without.code, 2, 'without --skip-invalid, nothing would be sent');
  });

  it("names the field a finance sheet's column is, and the field a misspelt one is", async () => {
    const dir = await tempDir();
    const finance = await cli(['validate', await writeCsv(dir, `id,Batch Name,Expiry Date,Balance\n${ids(1)[0]},x,2027-03-31,5\n`)], { cwd: dir });
    assert.equal(finance.code, 2);
    assert.match(
      finance.stderr,
      /column 3 "Expiry Date" looks like expiresOn: rename it expiresOn if it holds the values to send, or pass --extra-column "Expiry Date" to carry it as a note; column 4 "Balance" looks like currentBalance: rename it currentBalance/,
    );
    const misspelt = await cli(['validate', await writeCsv(dir, `id,expiresOn,curentBalance\n${ids(1)[0]},2027-03-31,5\n`, 'typo.csv')], { cwd: dir });
    assert.match(misspelt.stderr, /column 3 "curentBalance" looks like currentBalance misspelt: rename it currentBalance\.\n/);
    assert.doesNotMatch(misspelt.stderr, /--extra-column "curentBalance"/);
  });

  it('says nothing answers at --base-url, and stops as for an unknown host, sending nothing', async () => {
    const dir = await tempDir();
    const run = await cli(
      ['apply', await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},5\n`), '--base-url', 'http://127.0.0.1:9', '--client', ids(1)[0] as string, '--yes'],
      { cwd: dir },
    );
    assert.equal(run.code, 3, run.stdout);
    assert.match(run.stderr, /^error: nothing answers at http:\/\/127\.0\.0\.1:9 — check --base-url\n {2}The connection was refused/m);
  });
});

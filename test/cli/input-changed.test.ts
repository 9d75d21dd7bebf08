import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, openSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, ids, mockApiStarter, mockStarter, readCsvFile, readReport, readSummary, runFolder, tempDir, writeCsv } from '../helpers.js';

/**
 * The input file changed while its rows are sent (issue 12, point 7): the
 * rows sent must be the rows validated. The change lands when the mock has
 * received its third update, never at a time.
 */
const startMock = mockStarter();
const startMockApi = mockApiStarter();

/** Enough rows that the sending pass is still reading the file when the change lands (it reads a few 64 KB chunks ahead). */
const ROWS = 8000;

function balances(rowIds: readonly string[]): string {
  return `id,currentBalance\n${rowIds.map((id, index) => `${id},${100000 + index}`).join('\n')}\n`;
}

const WHOLE_SECOND = new Date('2026-11-01T00:00:00.000Z');

const FAST = ['--blind', '--yes', '--rate', '1000000', '--burst', '100'];

describe('an input file that changes while it is sent', () => {
  it('stops at once when rows are appended, never sending one, and reports the rest skipped', async () => {
    const rowIds = ids(ROWS);
    const added = ids(1)[0] ?? '';
    const cwd = await tempDir();
    const input = await writeCsv(cwd, balances(rowIds));
    let puts = 0;
    const mock = await startMock([...rowIds, added], {
      onRequest: (request) => {
        // Line 2's id again with another balance, and a row of an id the file never named.
        if (request.method === 'PUT' && ++puts === 3) appendFileSync(input, `${rowIds[0]},777777\n${added},5\n`);
      },
    });
    const run = await cli(['apply', input, '--base-url', mock.origin, ...FAST], { cwd });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /changed while its rows were being sent \(rows added, or edited\): sending stopped at once/);
    const sent = mock.requests.filter((request) => request.method === 'PUT');
    assert.ok(sent.length < ROWS, `${sent.length} rows sent`);
    assert.ok(sent.every((request) => request.id !== added && (request.body as { currentBalance: number }).currentBalance !== 777777));
    assert.equal(mock.store.get(rowIds[0] ?? '')?.currentBalance, 100000);
    const summary = await readSummary(cwd);
    assert.equal(summary.status, 'stopped');
    assert.equal(summary.rows.total, ROWS);
    const report = await readReport(cwd);
    assert.equal(report.length, ROWS);
    assert.equal(report.filter((row) => row.outcome === 'updated').length, sent.length);
    assert.ok(
      report.filter((row) => row.outcome === 'skipped').every((row) => /the run stopped: .* changed while its rows were being sent/.test(row.error ?? '')),
    );
  });

  it('stops at once when a row is edited in place (same size, the modification time set back), never sending the edited row', async () => {
    const rowIds = ids(ROWS);
    const cwd = await tempDir();
    const text = balances(rowIds);
    const input = await writeCsv(cwd, text);
    // The balance of a row near the end, rewritten digit for digit: the file keeps its size.
    const edited = ROWS - 10;
    // A time the file system keeps exactly, so that setting it back leaves the modification time as validated.
    utimesSync(input, WHOLE_SECOND, WHOLE_SECOND);
    const at = text.indexOf(`${rowIds[edited]},`) + (rowIds[edited] ?? '').length + 1;
    let puts = 0;
    const mock = await startMock(rowIds, {
      onRequest: (request) => {
        if (request.method !== 'PUT' || ++puts !== 3) return;
        const fd = openSync(input, 'r+');
        writeSync(fd, '999999', at);
        closeSync(fd);
        // As `cp --preserve=timestamps` or `rsync -t` would leave it: the modification time set back.
        utimesSync(input, WHOLE_SECOND, WHOLE_SECOND);
      },
    });
    const run = await cli(['apply', input, '--base-url', mock.origin, ...FAST], { cwd });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /changed while its rows were being sent/);
    const sent = mock.requests.filter((request) => request.method === 'PUT');
    assert.ok(sent.length < ROWS, `${sent.length} rows sent`);
    assert.ok(sent.every((request) => (request.body as { currentBalance: number }).currentBalance !== 999999));
    assert.equal(mock.store.get(rowIds[edited] ?? '')?.currentBalance, 100);
  });
  it('writes undo.csv from what was sent and the values it replaced, never from the file edited since', async () => {
    const rowIds = ids(ROWS);
    const client = randomUUID();
    const cwd = await tempDir();
    const text = balances(rowIds);
    const input = await writeCsv(cwd, text);
    // Line 2's balance (100000, sent among the first rows), rewritten digit for digit once it is on its way.
    const at = text.indexOf(`${rowIds[0]},`) + (rowIds[0] ?? '').length + 1;
    let puts = 0;
    const store = new CreditBatchStore(
      rowIds.map((id, index) => ({ id, clientId: client, name: `Batch ${index}`, currentBalance: 100, expiresOn: '2027-01-01T00:00:00.000Z' })),
    );
    const mock = await startMockApi({
      store,
      onRequest: (request) => {
        if (request.method !== 'PUT' || ++puts !== 3) return;
        const fd = openSync(input, 'r+');
        writeSync(fd, '999999', at);
        closeSync(fd);
      },
    });
    const run = await cli(['apply', input, '--client', client, '--base-url', mock.origin, '--yes', '--rate', '1000000', '--burst', '100'], { cwd });
    assert.equal(run.code, 3, run.stderr);
    const updated = (await readReport(cwd)).filter((row) => row.outcome === 'updated').map((row) => row.id ?? '');
    assert.ok(updated.includes(rowIds[0] ?? ''), 'line 2 was sent before the edit');
    const undo = await readCsvFile(join(await runFolder(cwd), 'undo.csv'));
    assert.deepEqual(undo.map((row) => row.id).sort(), [...updated].sort());
    // 100 before, 100000 written: the edited 999999 would make it -999899.
    assert.equal(undo.find((row) => row.id === rowIds[0])?.currentBalanceDelta, '-99900');
    assert.ok(undo.every((row) => row.currentBalanceDelta === `-${99900 + rowIds.indexOf(row.id ?? '')}`));
  });
});

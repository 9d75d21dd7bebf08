import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppendBatch } from '../../src/report/append-batch.js';
import { ReportWriter } from '../../src/report/report-writer.js';
import { openInput, readDataRows } from '../../src/read/data-rows.js';
import { readHeader } from '../../src/validate/header.js';
import { readCsvFile, tempDir } from '../helpers.js';

const columns = readHeader('in.csv', { line: 1, cells: ['id', 'name', 'currentBalance', 'error'] });
const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

describe('report writer', () => {
  it('writes status, the input columns (minus an old error column), the body sent and the API values', async () => {
    const dir = await tempDir();
    const writer = new ReportWriter(dir, columns, { batch: new AppendBatch(() => {}) });
    writer.write({
      line: 2,
      outcome: 'updated',
      cells: [ID, 'Acme, "Inc"', '5', 'old error'],
      attempts: 2,
      httpStatus: 200,
      sent: { name: 'Acme, "Inc"', currentBalance: 5 },
      result: {
        id: ID,
        name: 'Acme, "Inc"',
        expiresOn: '2027-01-01T00:00:00.000Z',
        startingBalance: 10,
        currentBalance: 5,
        clientId: 'c',
        status: 'active',
        createdAt: 'x',
        updatedAt: 'y',
        creditAccountId: 'z',
        allocatedCredits: 3,
      },
    });
    writer.close();
    const text = await readFile(join(dir, 'report.csv'), 'utf8');
    assert.equal(
      text.split('\n')[0],
      'line,outcome,httpStatus,attempts,error,code,id,name,currentBalance,sent,api.name,api.expiresOn,api.startingBalance,api.currentBalance,api.clientId,api.status,api.createdAt,api.updatedAt,api.creditAccountId,api.allocatedCredits',
    );
    const [row] = await readCsvFile(join(dir, 'report.csv'));
    assert.equal(row?.name, 'Acme, "Inc"');
    assert.equal(row?.sent, '{"name":"Acme, \\"Inc\\"","currentBalance":5}');
    assert.equal(row?.['api.allocatedCredits'], '3');
    assert.equal(row?.error, '');
    assert.equal(row?.code, '', 'an updated row has no code');
    assert.deepEqual(await readCsvFile(join(dir, 'failed.csv')), []);
  });

  it('puts every row not updated into failed.csv, ready to re-run, with its error and then its code last', async () => {
    const dir = await tempDir();
    const writer = new ReportWriter(dir, columns);
    writer.write({
      line: 2,
      outcome: 'failed',
      cells: [ID, 'Name\nwith newline', '5', ''],
      attempts: 1,
      httpStatus: 404,
      error: '404: not found',
      code: 'TIC-API-404',
    });
    writer.write({
      line: 3,
      outcome: 'invalid',
      cells: [ID, ' spaced ', '1,000', ''],
      attempts: 0,
      error: 'currentBalance "1,000" uses "," as a thousands separator',
      code: 'TIC-BALANCE-SEPARATOR-AMBIGUOUS TIC-ID-DUPLICATE',
    });
    writer.write({ line: 4, outcome: 'skipped', cells: [ID, '', '7', ''], attempts: 0, error: 'not sent', code: 'TIC-SKIPPED-INVALID-ROWS' });
    writer.write({ line: 5, outcome: 'valid', cells: [ID, '', '8', ''], attempts: 0 });
    writer.close();
    assert.equal((await readFile(join(dir, 'failed.csv'), 'utf8')).split('\n')[0], 'id,name,currentBalance,error,code');
    assert.deepEqual(await readCsvFile(join(dir, 'failed.csv')), [
      { id: ID, name: 'Name\nwith newline', currentBalance: '5', error: '404: not found', code: 'TIC-API-404' },
      {
        id: ID,
        name: ' spaced ',
        currentBalance: '1,000',
        error: 'currentBalance "1,000" uses "," as a thousands separator',
        code: 'TIC-BALANCE-SEPARATOR-AMBIGUOUS TIC-ID-DUPLICATE',
      },
      { id: ID, name: '', currentBalance: '7', error: 'not sent', code: 'TIC-SKIPPED-INVALID-ROWS' },
    ]);
    assert.deepEqual(
      (await readCsvFile(join(dir, 'report.csv'))).map((row) => [row.line, row.code]),
      [
        ['2', 'TIC-API-404'],
        ['3', 'TIC-BALANCE-SEPARATOR-AMBIGUOUS TIC-ID-DUPLICATE'],
        ['4', 'TIC-SKIPPED-INVALID-ROWS'],
        ['5', ''],
      ],
    );
  });

  it('writes a row with the wrong number of cells back as it came, so a re-run refuses it again', async () => {
    const dir = await tempDir();
    const writer = new ReportWriter(dir, readHeader('in.csv', { line: 1, cells: ['id', 'name', 'currentBalance'] }), { batch: new AppendBatch(() => {}) });
    writer.write({
      line: 2,
      outcome: 'invalid',
      cells: [ID, 'Smith', ' John', '5'],
      attempts: 0,
      error: 'the row has 4 cells but the header has 3',
      code: 'TIC-ROW-WIDTH',
    });
    writer.close();
    const lines = (await readFile(join(dir, 'failed.csv'), 'utf8')).trim().split('\n');
    assert.equal(lines[1], `${ID},Smith, John,5,the row has 4 cells but the header has 3,TIC-ROW-WIDTH`);
  });

  it('when durable, has the header at once and every finished row written by the end of the turn of the event loop it finished in, one write for all', async () => {
    const dir = await tempDir();
    const synced: number[] = [];
    const writer = new ReportWriter(dir, columns, { batch: new AppendBatch((fd) => synced.push(fd)) });
    assert.equal((await readFile(join(dir, 'report.csv'), 'utf8')).split('\n').length, 2);
    writer.write({ line: 2, outcome: 'failed', cells: [ID, '', '5', ''], attempts: 1, error: 'e' });
    writer.write({ line: 3, outcome: 'updated', cells: [ID, '', '6', ''], attempts: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await readCsvFile(join(dir, 'report.csv'))).length, 2);
    assert.equal((await readCsvFile(join(dir, 'failed.csv'))).length, 1);
    assert.equal(synced.length, 2, 'each file written once, and handed to the sync cadence');
    writer.close();
  });

  it("guards every cell against spreadsheets' formulas, the user's too, as a CSV file reads them back exactly", async () => {
    const dir = await tempDir();
    const withNote = readHeader('in.csv', { line: 1, cells: ['id', 'name', 'currentBalance', 'note'] });
    const writer = new ReportWriter(dir, withNote);
    const result = {
      id: ID,
      name: '=HYPERLINK("http://x")',
      expiresOn: '2027-01-01T00:00:00.000Z',
      startingBalance: 10,
      currentBalance: -5,
      clientId: '@c',
      status: '+s',
      createdAt: '\tx',
      updatedAt: '\ry',
      creditAccountId: 'z',
      allocatedCredits: 3,
    };
    writer.write({ line: 2, outcome: 'updated', cells: [ID, '=HYPERLINK("http://x")', '5', ''], attempts: 1, httpStatus: 200, result });
    writer.write({ line: 3, outcome: 'failed', cells: [ID, '@SUM(A1)', '-5', "'=already guarded"], attempts: 1, httpStatus: 422, error: '-1 is not allowed' });
    writer.close();
    const [updated, failed] = await readCsvFile(join(dir, 'report.csv'));
    assert.equal(updated?.name, '\'=HYPERLINK("http://x")');
    assert.deepEqual(
      [
        updated?.['api.name'],
        updated?.['api.currentBalance'],
        updated?.['api.clientId'],
        updated?.['api.status'],
        updated?.['api.createdAt'],
        updated?.['api.updatedAt'],
        updated?.['api.creditAccountId'],
      ],
      ['\'=HYPERLINK("http://x")', '-5', "'@c", "'+s", "'\tx", "'\ry", 'z'],
    );
    assert.equal(failed?.error, "'-1 is not allowed");
    // A plain signed number is a number to a spreadsheet, not a formula: left as it is.
    assert.deepEqual(await readCsvFile(join(dir, 'failed.csv')), [
      { id: ID, name: "'@SUM(A1)", currentBalance: '-5', note: "''=already guarded", error: "'-1 is not allowed", code: '' },
    ]);
    // Read as an input, failed.csv gives back the very cells the row had.
    const rows = await readDataRows(await openInput(join(dir, 'failed.csv'), {}));
    const records = [];
    for await (const batch of rows.batches) records.push(...batch.map((record) => record.cells));
    assert.deepEqual(records, [[ID, '@SUM(A1)', '-5', "'=already guarded", '-1 is not allowed', '']]);
  });

  it('starts both files with a UTF-8 byte order mark only for Excel', async () => {
    for (const excel of [false, true]) {
      const dir = await tempDir();
      const writer = new ReportWriter(dir, columns, { excel });
      writer.write({ line: 2, outcome: 'failed', cells: [ID, 'Zoë', '5', ''], attempts: 1, error: 'e' });
      writer.close();
      for (const file of ['report.csv', 'failed.csv']) {
        const bytes = await readFile(join(dir, file));
        assert.equal(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), excel, `${file}, excel: ${excel}`);
      }
    }
  });

  it('refuses to overwrite an existing report', async () => {
    const dir = await tempDir();
    new ReportWriter(dir, columns, { batch: new AppendBatch(() => {}) }).close();
    assert.throws(() => new ReportWriter(dir, columns, { batch: new AppendBatch(() => {}) }), /EEXIST/);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { readWorkbookBatches, type WorkbookCell, type WorkbookRecord } from '../../src/read/workbook.js';
import { cli, ids, mockApiStarter, mockStarter, readCsvFile, requestsFor, tempDir } from '../helpers.js';
import { streamWithExcelJs, writeWithExcelJs } from '../read/workbook-files.js';

/**
 * A workbook is another row source for the same engine: validated, planned,
 * sent, reported and resumed as a CSV file is, its cells read by what they
 * hold. These run the command line against the in-process mock.
 */

const startMock = mockStarter();
const startMockApi = mockApiStarter();

const exportsDir = fileURLToPath(new URL('../../../fixtures/exports/', import.meta.url));
const fixture = (name: string): string => `${exportsDir}${name}`;
const ID = (n: number): string => `6f1c2a80-3b4d-4e5f-8a9b-0c1d2e3f4a0${n}`;
const IDS = [ID(1), ID(2), ID(3), ID(4)];
const HEADER = ['id', 'name', 'expiresOn', 'currentBalance'];

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '1'];
const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

/** What the mock holds of the fields a file can change, by id. */
function stateOf(mock: MockApi, ids: readonly string[]): Record<string, Pick<CreditBatch, 'name' | 'expiresOn' | 'currentBalance'> | undefined> {
  return Object.fromEntries(
    ids.map((id) => {
      const batch = mock.store.get(id);
      return [id, batch === undefined ? undefined : { name: batch.name, expiresOn: batch.expiresOn, currentBalance: batch.currentBalance }];
    }),
  );
}

async function reportIn(folder: string, file = 'report.csv'): Promise<Record<string, string>[]> {
  return (await readCsvFile(join(folder, file))).sort((a, b) => Number(a.line) - Number(b.line));
}

/** Every record of the one sheet of an .xlsx ti-credits wrote. */
async function sheetOf(path: string, sheet: string): Promise<WorkbookRecord[]> {
  const records: WorkbookRecord[] = [];
  for await (const batch of readWorkbookBatches(path, { sheet })) records.push(...batch);
  return records;
}

const kinds = (record: WorkbookRecord | undefined): string[] => (record?.typed ?? []).map((cell: WorkbookCell) => cell.kind);

describe('workbooks saved by LibreOffice', () => {
  it('in ISO, US and German display formats and the 1904 date system, leave the mock exactly as the ISO CSV does, with no reading option', async () => {
    const states = new Map<string, unknown>();
    for (const file of ['adjustments-utf8.csv', 'adjustments.xlsx', 'adjustments-us.xlsx', 'adjustments-de.xlsx', 'adjustments-1904.xlsx']) {
      const mock = await startMock(IDS);
      const dir = await tempDir();
      const run = await cli(['apply', '--blind', '--yes', fixture(file), ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
      assert.equal(run.code, 0, `${file}: ${run.stderr}${run.stdout}`);
      assert.equal(puts(mock).length, 4, file);
      states.set(file, stateOf(mock, IDS));
      assert.deepEqual(
        (await reportIn(join(dir, 'run'))).map((row) => [row.line, row.outcome]),
        [
          ['2', 'updated'],
          ['3', 'updated'],
          ['4', 'updated'],
          ['5', 'updated'],
        ],
        file,
      );
    }
    const iso = states.get('adjustments-utf8.csv');
    assert.deepEqual(iso, {
      [ID(1)]: { name: 'Société Générale – Paris', expiresOn: '2027-03-31T23:59:59.999Z', currentBalance: 1250 },
      [ID(2)]: { name: 'Müller, "Bau" GmbH', expiresOn: '2027-01-01T00:00:00.000Z', currentBalance: 0 },
      [ID(3)]: { name: 'Ærø Kommune', expiresOn: '2027-06-30T21:00:00.000Z', currentBalance: 100 },
      [ID(4)]: { name: 'Café Zoë; Lyon', expiresOn: '2027-12-31T23:59:59.999Z', currentBalance: 40000 },
    });
    for (const [file, state] of states) assert.deepEqual(state, iso, file);
  });

  it('where their CSV exports need --date-format and --thousands-separator, and are refused without them', async () => {
    const mock = await startMock(IDS);
    const dir = await tempDir();
    const refused = await cli(['apply', '--blind', '--yes', fixture('adjustments-us.csv'), ...base(mock)], { cwd: dir });
    assert.equal(refused.code, 2);
    const read = await cli(
      ['apply', '--blind', '--yes', fixture('adjustments-us.csv'), ...base(mock), '--date-format', 'MM/DD/YYYY', '--thousands-separator', ','],
      { cwd: await tempDir() },
    );
    assert.equal(read.code, 0, read.stderr);
    const workbook = await startMock(IDS);
    assert.equal((await cli(['apply', '--blind', '--yes', fixture('adjustments-us.xlsx'), ...base(workbook)], { cwd: await tempDir() })).code, 0);
    assert.deepEqual(stateOf(mock, IDS), stateOf(workbook, IDS));
  });

  it('read before writing as a CSV is: the live values first, then only what changes', async () => {
    const clientId = randomUUID();
    const mock = await startMockApi({
      store: new CreditBatchStore(IDS.map((id) => ({ id, clientId, currentBalance: 100, expiresOn: '2027-01-01T00:00:00.000Z' }))),
    });
    const dir = await tempDir();
    const first = await cli(['apply', '--yes', fixture('adjustments.xlsx'), ...base(mock), '--client', clientId, '--out', join(dir, 'first')], { cwd: dir });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal(puts(mock).length, 4);
    assert.ok(existsSync(join(dir, 'first', 'undo.csv')));
    const again = await cli(['apply', '--yes', fixture('adjustments.xlsx'), ...base(mock), '--client', clientId, '--out', join(dir, 'again')], { cwd: dir });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(puts(mock).length, 4, 'nothing sent the second time');
    assert.deepEqual(new Set((await reportIn(join(dir, 'again'))).map((row) => row.outcome)), new Set(['unchanged']));
  });
});

describe('workbooks written by a program (exceljs)', () => {
  it('add a currentBalanceDelta cell, a number of either sign, to the balance read just before the request', async () => {
    const clientId = randomUUID();
    const [up, down] = [randomUUID(), randomUUID()];
    const mock = await startMockApi({ store: new CreditBatchStore([up, down].map((id) => ({ id, clientId, currentBalance: 100 }))) });
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'deltas.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(['id', 'clientId', 'currentBalanceDelta']);
      sheet.addRow([up, clientId, 50]);
      sheet.addRow([down, clientId, { formula: '-10*2', result: -20 }]);
      sheet.getColumn(3).numFmt = '+#,##0;-#,##0';
    });
    const run = await cli(['apply', '--yes', path, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(
      [up, down].map((id) => mock.store.get(id)?.currentBalance),
      [150, 80],
    );
    assert.deepEqual(
      (await reportIn(join(dir, 'run'))).map((row) => [row.line, row.outcome, row.formulaCells]),
      [
        ['2', 'updated', ''],
        ['3', 'updated', 'C3'],
      ],
    );
  });

  it("name each problem by its cell and each row by the sheet's number; validate reads nothing", async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'typed.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('Changes');
      sheet.getRow(3).values = HEADER;
      sheet.getRow(4).values = [ID(1), 'Acme', new Date(Date.UTC(2027, 2, 31)), 1250];
      sheet.getCell('C4').numFmt = 'yyyy-mm-dd';
      sheet.getRow(6).values = [ID(2), 2024, 46477, 12.5];
      sheet.getRow(7).values = [ID(1), 'Acme again', null, 5];
    });
    const run = await cli(['validate', path, '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 2, run.stdout);
    const report = await reportIn(join(dir, 'run'));
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome]),
      [
        ['4', 'invalid'],
        ['6', 'invalid'],
        ['7', 'invalid'],
      ],
    );
    assert.equal(report[0]?.error, `id ${ID(1)} also appears on row 7; a credit batch may appear only once in a file, so merge those rows`);
    assert.match(
      report[1]?.error ?? '',
      /^cell B6 holds the number 2024; a name must be text in the sheet: .*; cell C6 holds the number 46477, not a date; .*; cell D6 holds 12\.5, which is not a whole number of credits/,
    );
    assert.deepEqual([report[0]?.expiresOn, report[0]?.currentBalance, report[0]?.formulaCells], ['2027-03-31', '1250', '']);
  });

  it('read dates in the 1904 date system, and shared and inline strings alike', async () => {
    const dir = await tempDir();
    const rows = [HEADER, [ID(1), 'Société Générale', new Date(Date.UTC(2027, 2, 31)), 1250], [ID(2), 'a < b & "c"', new Date(Date.UTC(2027, 11, 31)), 40]];
    const shared = await writeWithExcelJs(dir, 'shared.xlsx', (workbook) => {
      workbook.properties.date1904 = true;
      const sheet = workbook.addWorksheet('changes');
      for (const row of rows) sheet.addRow(row);
      sheet.getColumn(3).numFmt = 'yyyy-mm-dd';
    });
    const inline = await streamWithExcelJs(dir, 'inline.xlsx', { useSharedStrings: false }, rows);
    const bodies: unknown[][] = [];
    for (const path of [shared, inline]) {
      const mock = await startMock([ID(1), ID(2)]);
      const run = await cli(['apply', '--blind', '--yes', path, ...base(mock)], { cwd: await tempDir() });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      bodies.push([ID(1), ID(2)].map((id) => requestsFor(mock, id)[0]?.body));
    }
    assert.deepEqual(bodies[0], [
      { name: 'Société Générale', expiresOn: '2027-03-31T23:59:59.999Z', currentBalance: 1250 },
      { name: 'a < b & "c"', expiresOn: '2027-12-31T23:59:59.999Z', currentBalance: 40 },
    ]);
    assert.deepEqual(bodies[1], bodies[0]);
  });

  it("send a formula's cached result and say in formulaCells which cells were formulas; refuse one never calculated, in failed.csv too", async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'formulas.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(HEADER);
      sheet.addRow([ID(1), 'Acme', { formula: 'DATE(2027,3,31)', result: 46477 }, { formula: '1000+250', result: 1250 }]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd';
      sheet.addRow([ID(2), { formula: 'UPPER("globex")' }, null, { formula: '2*20' }]);
    });
    const mock = await startMock([ID(1), ID(2)]);
    const run = await cli(['apply', '--blind', '--yes', '--skip-invalid', path, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.deepEqual(
      requestsFor(mock, ID(1)).map((request) => request.body),
      [{ name: 'Acme', expiresOn: '2027-03-31T23:59:59.999Z', currentBalance: 1250 }],
    );
    assert.equal(requestsFor(mock, ID(2)).length, 0);
    const report = await reportIn(join(dir, 'run'));
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome, row.formulaCells, row.error]),
      [
        ['2', 'updated', 'C2 D2', ''],
        [
          '3',
          'invalid',
          'B3 D3',
          'cell B3 is a formula with no calculated value; open and save the workbook in Excel or LibreOffice so that it is calculated; cell D3 is a formula with no calculated value; open and save the workbook in Excel or LibreOffice so that it is calculated',
        ],
      ],
    );
    const failedPath = join(dir, 'run', 'failed.csv');
    const failed = await readCsvFile(failedPath);
    // Guarded against spreadsheets as every cell of the file is (issue 26): read back as the formulas they are.
    assert.deepEqual(
      failed.map((row) => [row.id, row.name, row.expiresOn, row.currentBalance]),
      [[ID(2), '\'=UPPER("globex")', '', "'=2*20"]],
    );

    // Given back as it is, the row is refused again: its cells are formulas, not values, and never "leave the field as it is".
    const again = await cli(['apply', '--blind', '--yes', failedPath, ...base(mock), '--out', join(dir, 'again')], { cwd: dir });
    assert.equal(again.code, 2);
    assert.equal(requestsFor(mock, ID(2)).length, 0);
    const refused = await reportIn(join(dir, 'again'));
    assert.match(
      refused[0]?.error ?? '',
      /^name "=UPPER\(\\"globex\\"\)" is a spreadsheet formula, not the text it calculates; .*currentBalance "=2\*20" is not a whole number/,
    );
  });

  it('refuse a merged cell and a hidden row, naming them, and send nothing', async () => {
    for (const [hide, message] of [
      [(sheet: import('exceljs').Worksheet) => sheet.mergeCells('B2:C2'), /does not show everything it holds: cells B2:C2 are merged\./],
      [(sheet: import('exceljs').Worksheet) => (sheet.getRow(3).hidden = true), /does not show everything it holds: row 3 is hidden\./],
    ] as const) {
      const dir = await tempDir();
      const path = await writeWithExcelJs(dir, 'hiding.xlsx', (workbook) => {
        const sheet = workbook.addWorksheet('changes');
        sheet.addRow(HEADER);
        sheet.addRow([ID(1), 'Acme', null, 1]);
        sheet.addRow([ID(2), 'Globex', null, 2]);
        hide(sheet);
      });
      const mock = await startMock([ID(1), ID(2)]);
      const run = await cli(['apply', '--blind', '--yes', path, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.equal(mock.requests.length, 0);
      assert.equal(existsSync(join(dir, 'run', 'report.csv')), false, 'a file refused as it is read leaves no report');
    }
  });

  it('refuse two sheets that start with the header, listing them, and read the one --sheet names', async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'quarter.xlsx', (workbook) => {
      workbook.addWorksheet('Notes').addRow(['Read me first']);
      workbook.addWorksheet('March').addRows([HEADER, [ID(1), 'March name', null, 10]]);
      workbook.addWorksheet('April').addRows([HEADER, [ID(1), 'April name', null, 20]]);
    });
    const mock = await startMock([ID(1)]);
    const refused = await cli(['apply', '--blind', '--yes', path, ...base(mock)], { cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /has 2 sheets that start with a header row \("March", "April"\), so which one holds the changes is not certain\.\n {2}Pass --sheet with the name of the one to read, e\.g\. --sheet "March"\./,
    );
    const april = await cli(['apply', '--blind', '--yes', path, '--sheet', 'April', ...base(mock)], { cwd: dir });
    assert.equal(april.code, 0, april.stderr);
    assert.deepEqual(
      requestsFor(mock, ID(1)).map((request) => request.body),
      [{ name: 'April name', currentBalance: 20 }],
    );
  });

  it('write a date with a time to failed.csv with its offset, and its re-run sends the same moment', async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'noon.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(HEADER);
      sheet.addRow([ID(1), 'Acme', new Date(Date.UTC(2027, 2, 31, 12, 0)), 5]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd hh:mm';
    });
    const missing = await startMock([]);
    const run = await cli(
      ['apply', '--blind', '--yes', path, '--sheet', 'changes', ...base(missing), '--timezone', 'America/New_York', '--out', join(dir, 'run')],
      { cwd: dir },
    );
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const sentFirst = requestsFor(missing, ID(1))[0]?.body;
    assert.deepEqual(sentFirst, { name: 'Acme', expiresOn: '2027-03-31T16:00:00.000Z', currentBalance: 5 });
    const failed = await readFile(join(dir, 'run', 'failed.csv'), 'utf8');
    // The error's code last (the table of codes lists it).
    assert.match(
      failed.split('\n')[1] ?? '',
      new RegExp(`^${ID(1)},Acme,2027-03-31T12:00:00\\.000-04:00,5,404: Credit batch ${ID(1)} not found,TIC-[A-Z0-9-]+$`),
    );
    const command = /\n {2}ti-credits apply (\S+failed\.csv) (.*)\n/.exec(run.stdout);
    assert.match(command?.[2] ?? '', /--timezone America\/New_York/);
    assert.doesNotMatch(command?.[2] ?? '', /--sheet/, 'failed.csv has no sheets');

    const present = await startMock([ID(1)]);
    const again = await cli(['apply', '--blind', '--yes', join(dir, 'run', 'failed.csv'), ...base(present), '--timezone', 'America/New_York'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(requestsFor(present, ID(1))[0]?.body, sentFirst);
  });
});

describe('resuming a workbook run', () => {
  it('sends again only the rows not updated, checks the file and the sheet, and writes one report line per sheet row', async () => {
    const rows = ids(3);
    const [a, b, c] = rows as [string, string, string];
    const mock = await startMock(rows, { faults: { script: { [b]: [{ kind: 'status', status: 503 }] } } });
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'balances.xlsx', (workbook) => {
      workbook.addWorksheet('Old').addRows([
        ['id', 'currentBalance'],
        [a, 1],
      ]);
      const sheet = workbook.addWorksheet('New');
      sheet.addRow(['id', 'currentBalance']);
      rows.forEach((id, index) => sheet.addRow([id, { formula: `1000+${index}`, result: 1000 + index }]));
    });
    const folder = join(dir, 'run');
    const args = ['apply', '--blind', '--yes', path, '--sheet', 'New', ...base(mock), '--retries', '0'];
    assert.equal((await cli([...args, '--out', folder], { cwd: dir })).code, 1);

    const otherSheet = await cli(['apply', '--blind', '--yes', path, '--sheet', 'Old', ...base(mock), '--retries', '0', '--resume', folder], { cwd: dir });
    assert.equal(otherSheet.code, 2);
    assert.match(otherSheet.stderr, /read the file with --sheet "New", not "Old"/);

    const resumed = await cli([...args, '--resume', folder], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      rows.map((id) => requestsFor(mock, id).map((request) => request.answer)),
      [[200], [503, 200], [200]],
    );
    assert.deepEqual(
      rows.map((id) => mock.store.get(id)?.currentBalance),
      [1000, 1001, 1002],
    );
    assert.deepEqual(
      (await reportIn(folder)).map((row) => [row.line, row.id, row.outcome, row.attempts, row.formulaCells]),
      [
        ['2', a, 'updated', '1', 'B2'],
        ['3', b, 'updated', '2', 'B3'],
        ['4', c, 'updated', '1', 'B4'],
      ],
    );
    assert.deepEqual(await readCsvFile(join(folder, 'failed.csv')), []);
  });
});

describe('--excel', () => {
  it('writes report.xlsx and failed.xlsx, typed; failed.xlsx given back as it is sends what failed.csv would (from a workbook)', async () => {
    const dir = await tempDir();
    const [present, absent] = [randomUUID(), randomUUID()];
    const path = await writeWithExcelJs(dir, 'changes.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow([...HEADER, 'note']);
      sheet.addRow([present, 'Acme', new Date(Date.UTC(2027, 2, 31)), 1250, 'ok']);
      sheet.addRow([absent, 'Globex', new Date(Date.UTC(2027, 5, 30, 17, 30)), 40, 2024]);
      sheet.addRow([randomUUID(), 'Initech', null, 12.5, null]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd';
      sheet.getCell('C3').numFmt = 'dd/mm/yyyy hh:mm';
    });
    const mock = await startMock([present]);
    const options = ['--timezone', 'Europe/Paris', '--skip-invalid', '--excel'];
    const run = await cli(['apply', '--blind', '--yes', path, ...base(mock), ...options, '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /Report: \S+report\.csv \(and \S+report\.xlsx, for Excel\)/);
    assert.match(run.stdout, /Rows not updated: \S+failed\.csv \(or \S+failed\.xlsx, to fix in Excel\)/);
    const sentToAbsent = requestsFor(mock, absent)[0]?.body;
    assert.deepEqual(sentToAbsent, { name: 'Globex', expiresOn: '2027-06-30T15:30:00.000Z', currentBalance: 40 });

    const report = await sheetOf(join(dir, 'run', 'report.xlsx'), 'report');
    assert.deepEqual(report[0]?.cells.slice(0, 12), [
      'line',
      'outcome',
      'httpStatus',
      'attempts',
      'error',
      'code',
      'id',
      'name',
      'expiresOn',
      'currentBalance',
      'note',
      'formulaCells',
    ]);
    const updated = report.find((record) => record.cells[6] === present);
    assert.deepEqual(kinds(updated).slice(0, 11), ['number', 'text', 'number', 'number', 'empty', 'empty', 'text', 'text', 'date', 'number', 'text']);
    assert.deepEqual(report.find((record) => record.cells[7] === 'Initech')?.cells.slice(4, 6), [
      'cell D4 holds 12.5, which is not a whole number of credits (its format may show it rounded); type the whole number',
      'TIC-BALANCE-NOT-WHOLE',
    ]);
    const apiExpires = updated?.cells[report[0]?.cells.indexOf('api.expiresOn') ?? -1];
    assert.equal(apiExpires, '2027-03-31T21:59:59.999', "the API's moment, in UTC");

    const failedXlsx = join(dir, 'run', 'failed.xlsx');
    const [failedHeader, ...failedRows] = await sheetOf(failedXlsx, 'failed');
    assert.deepEqual(failedHeader?.cells, [...HEADER, 'note', 'error', 'code']);
    const globex = failedRows.find((record) => record.cells[0] === absent);
    const initech = failedRows.find((record) => record.cells[1] === 'Initech');
    assert.deepEqual(globex?.cells.slice(0, 5), [absent, 'Globex', '2027-06-30T17:30:00', '40', '2024']);
    assert.deepEqual(kinds(globex).slice(0, 5), ['text', 'text', 'date', 'number', 'text']);
    assert.deepEqual(initech?.cells.slice(1, 4), ['Initech', '', '12.5']);
    assert.deepEqual(kinds(initech).slice(0, 4), ['text', 'text', 'empty', 'text'], 'a balance the rules refuse stays text');
    assert.equal(initech?.cells.at(-1), 'TIC-BALANCE-NOT-WHOLE');

    const fixed = await startMock([absent]);
    const again = await cli(['apply', '--blind', '--yes', failedXlsx, ...base(fixed), ...options, '--out', join(dir, 'again')], { cwd: dir });
    assert.equal(again.code, 1, again.stderr + again.stdout);
    assert.deepEqual(
      requestsFor(fixed, absent).map((request) => request.body),
      [sentToAbsent],
    );
    const refused = (await reportIn(join(dir, 'again'))).map((row) => [row.id, row.outcome, row.error]);
    assert.deepEqual(
      refused.find((row) => row[0] === absent),
      [absent, 'updated', ''],
    );
    assert.match(refused.find((row) => row[0] !== absent)?.[2] ?? '', /currentBalance "12\.5" is not a whole number/);
  });

  it("types a CSV file's dates and balances as its reading options read them, so failed.xlsx needs none of them", async () => {
    const dir = await tempDir();
    const mock = await startMock([ID(1), ID(2)]);
    const options = ['--date-format', 'MM/DD/YYYY', '--thousands-separator', ','];
    const run = await cli(['apply', '--blind', '--yes', fixture('adjustments-us.csv'), ...base(mock), ...options, '--excel', '--out', join(dir, 'run')], {
      cwd: dir,
    });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const failedCsv = await readFile(join(dir, 'run', 'failed.csv'));
    assert.deepEqual(failedCsv.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]), 'the CSV files keep their byte order mark');
    const failed = await sheetOf(join(dir, 'run', 'failed.xlsx'), 'failed');
    // The moment given with its offset is shown on the clocks of --timezone, UTC here.
    assert.deepEqual(
      failed
        .slice(1)
        .map((record) => record.cells.slice(0, 4))
        .sort(),
      [
        [ID(3), 'Ærø Kommune', '2027-06-30T21:00:00', ''],
        [ID(4), 'Café Zoë; Lyon', '2027-12-31', '40000'],
      ],
    );
    const fixed = await startMock([ID(3), ID(4)]);
    const again = await cli(['apply', '--blind', '--yes', join(dir, 'run', 'failed.xlsx'), ...base(fixed)], { cwd: dir });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.deepEqual(
      [ID(3), ID(4)].map((id) => requestsFor(fixed, id)[0]?.body),
      [ID(3), ID(4)].map((id) => requestsFor(mock, id)[0]?.body),
    );
  });
});

describe('options that do not fit the file', () => {
  it('refuse --encoding or --delimiter for a workbook and --sheet for a CSV file, reading nothing', async () => {
    const dir = await tempDir();
    const workbook = await cli(['validate', fixture('adjustments.xlsx'), '--encoding', 'windows-1252'], { cwd: dir });
    assert.equal(workbook.code, 2);
    assert.match(workbook.stderr, /adjustments\.xlsx is an Excel workbook, so --encoding does not apply/);
    const csv = await cli(['validate', fixture('adjustments-utf8.csv'), '--sheet', 'adjustments'], { cwd: dir });
    assert.equal(csv.code, 2);
    assert.match(csv.stderr, /--sheet "adjustments" names a sheet of a workbook, but .*adjustments-utf8\.csv is not an Excel workbook/);
  });
});

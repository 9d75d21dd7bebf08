import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DateCell, FilledCell } from '../../src/read/workbook-cell.js';
import { readWorkbookBatches, type WorkbookRecord } from '../../src/read/workbook.js';
import { parseExpiresOn } from '../../src/validate/expires-on.js';
import type { Parsed } from '../../src/validate/fields.js';
import { defaultRules, type FieldRules } from '../../src/validate/rules.js';
import { expiresOnCsvText, parseCurrentBalanceCell, parseExpiresOnCell, parseIdCell, parseNameCell } from '../../src/validate/workbook-cells.js';
import { tempDir } from '../helpers.js';
import { writeWithExcelJs } from '../read/workbook-files.js';

const rules = defaultRules(new Date('2026-11-24T12:00:00Z'));
const withRules = (changes: Partial<FieldRules>): FieldRules => ({ ...rules, ...changes });
const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

const text = (value: string, address = 'A2'): FilledCell => ({ kind: 'text', address, formula: false, text: value });
const number = (value: number, address = 'A2', formula = false): FilledCell => ({ kind: 'number', address, formula, value });
const bool = (value: boolean, address = 'A2'): FilledCell => ({ kind: 'boolean', address, formula: false, value });
const error = (value: string, address = 'A2'): FilledCell => ({ kind: 'error', address, formula: true, text: value });
const uncalculated = (address = 'D5'): FilledCell => ({ kind: 'formula-without-result', address, text: 'TODAY()' });
function date(day: string, time?: string, address = 'C2'): DateCell {
  const [year = 0, month = 0, dayOfMonth = 0] = day.split('-').map(Number);
  const [hour = 0, minute = 0, second = 0, millisecond = 0] = (time ?? '')
    .split(/[:.]/)
    .filter((part) => part !== '')
    .map(Number);
  return { kind: 'date', address, formula: false, year, month, day: dayOfMonth, hour, minute, second, millisecond, hasTime: time !== undefined };
}

function problemOf(result: Parsed<unknown>): string {
  assert.equal(result.ok, false, 'expected the cell to be refused');
  return result.ok ? '' : result.problem.message;
}

describe('id and name cells', () => {
  it('read text as a CSV cell is read, naming the cell when it is refused', () => {
    assert.deepEqual(parseIdCell(text(` ${ID} `)), { ok: true, value: ID });
    assert.equal(
      problemOf(parseIdCell(text('12345', 'A7'))),
      'cell A7: id "12345" is not a credit batch id; expected a UUID such as 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    );
    assert.deepEqual(parseNameCell(text('  Société Générale ')), { ok: true, value: 'Société Générale' });
    assert.match(problemOf(parseNameCell(text('Acme\rLtd', 'B3'))), /^cell B3: name "Acme\\rLtd" contains a control character \(U\+000D, a line break\)/);
    assert.equal(problemOf(parseNameCell(text('   ', 'B4'))), 'cell B4: name contains only spaces; leave the cell empty to keep the current value');
  });

  it('refuse a number, a date or a boolean, which an id or a name never is', () => {
    assert.equal(problemOf(parseIdCell(number(123456, 'A7'))), 'cell A7 holds the number 123456; a credit batch id is a UUID typed as text');
    assert.equal(problemOf(parseIdCell(date('2027-03-31', undefined, 'A8'))), 'cell A8 holds the date 2027-03-31; a credit batch id is a UUID typed as text');
    assert.equal(
      problemOf(parseNameCell(number(2024, 'B7'))),
      "cell B7 holds the number 2024; a name must be text in the sheet: type it with an apostrophe before it ('2024), or format the cell as Text and type it again",
    );
    assert.match(
      problemOf(parseNameCell(bool(true, 'B8'))),
      /^cell B8 holds TRUE; a name must be text in the sheet: type it with an apostrophe before it \('TRUE\)/,
    );
  });
});

describe('cells that hold no value to send', () => {
  it('refuse an error and a formula never calculated, in any column, naming the cell', () => {
    const calculate = 'cell D5 is a formula with no calculated value; open and save the workbook in Excel or LibreOffice so that it is calculated';
    assert.equal(problemOf(parseIdCell(uncalculated())), calculate);
    assert.equal(problemOf(parseNameCell(uncalculated())), calculate);
    assert.equal(problemOf(parseExpiresOnCell(uncalculated(), rules)), calculate);
    assert.equal(problemOf(parseCurrentBalanceCell(uncalculated(), rules)), calculate);
    const na = 'cell C9 shows the error #N/A from its formula; correct it so that the cell shows a value';
    assert.equal(problemOf(parseExpiresOnCell(error('#N/A', 'C9'), rules)), na);
    assert.equal(problemOf(parseCurrentBalanceCell(error('#N/A', 'C9'), rules)), na);
    assert.equal(problemOf(parseIdCell(error('#N/A', 'C9'))), na);
  });
});

describe('expiresOn cells', () => {
  it('read a date without time exactly as that date written 2027-03-31 in a CSV, under every rule', () => {
    const variants: Partial<FieldRules>[] = [
      {},
      { dateOnly: 'start-of-day' },
      { timezone: 'America/New_York' },
      { timezone: 'Asia/Tokyo', dateOnly: 'start-of-day' },
      { timezone: 'Europe/Berlin' },
    ];
    for (const changes of variants) {
      assert.deepEqual(parseExpiresOnCell(date('2027-03-31'), withRules(changes)), parseExpiresOn('2027-03-31', withRules(changes)), JSON.stringify(changes));
    }
    assert.deepEqual(parseExpiresOnCell(date('2027-03-31'), rules), { ok: true, value: '2027-03-31T23:59:59.999Z' });
    assert.deepEqual(parseExpiresOnCell(date('2027-03-31'), withRules({ timezone: 'America/New_York' })), { ok: true, value: '2027-04-01T03:59:59.999Z' });
  });

  it('read a date with a time as that time on the clocks of --timezone, to the millisecond', () => {
    assert.deepEqual(parseExpiresOnCell(date('2027-03-31', '12:00:00'), rules), { ok: true, value: '2027-03-31T12:00:00.000Z' });
    assert.deepEqual(parseExpiresOnCell(date('2027-03-31', '12:00:00'), withRules({ timezone: 'America/New_York', dateOnly: 'start-of-day' })), {
      ok: true,
      value: '2027-03-31T16:00:00.000Z',
    });
    assert.deepEqual(parseExpiresOnCell(date('2027-01-15', '23:30:15.250'), withRules({ timezone: 'America/New_York' })), {
      ok: true,
      value: '2027-01-16T04:30:15.250Z',
    });
  });

  it('refuse a time the clocks skip or show twice as daylight saving time starts or ends', () => {
    const newYork = withRules({ timezone: 'America/New_York' });
    assert.match(
      problemOf(parseExpiresOnCell(date('2027-03-14', '02:30:00'), newYork)),
      /^cell C2: expiresOn "2027-03-14T02:30:00" is a time the clocks of America\/New_York skip when they go forward; type it as text with its offset/,
    );
    assert.match(
      problemOf(parseExpiresOnCell(date('2027-11-07', '01:30:00'), newYork)),
      /^cell C2: expiresOn "2027-11-07T01:30:00" is a time the clocks of America\/New_York show twice when they go back/,
    );
    assert.equal(parseExpiresOnCell(date('2027-11-07', '02:30:00'), newYork).ok, true);
  });

  it('refuse a past date as in a CSV, unless --allow-past-expiry', () => {
    assert.match(
      problemOf(parseExpiresOnCell(date('2025-03-31', undefined, 'C4'), rules)),
      /^cell C4: expiresOn "2025-03-31" is in the past \(2025-03-31T23:59:59\.999Z\)/,
    );
    assert.match(problemOf(parseExpiresOnCell(date('2026-11-24', '11:00:00', 'C4'), rules)), /^cell C4: expiresOn "2026-11-24T11:00:00\.000Z" is in the past/);
    assert.deepEqual(parseExpiresOnCell(date('2025-03-31'), withRules({ allowPastExpiry: true })), { ok: true, value: '2025-03-31T23:59:59.999Z' });
  });

  it('refuse the 29 February 1900 Excel counts, a day that never was', () => {
    assert.match(
      problemOf(parseExpiresOnCell(date('1900-02-29'), withRules({ allowPastExpiry: true }))),
      /^cell C2: expiresOn "1900-02-29" is not a real date: month 2 of 1900 has 28 days/,
    );
    assert.match(
      problemOf(parseExpiresOnCell(date('1900-02-29', '10:00:00'), withRules({ allowPastExpiry: true }))),
      /^cell C2: expiresOn "1900-02-29T10:00:00" is not a real date/,
    );
  });

  it('read text as a CSV cell is read, and refuse a number, which is a serial without a date format', () => {
    assert.deepEqual(parseExpiresOnCell(text('2027-06-30T17:00:00-04:00'), rules), { ok: true, value: '2027-06-30T21:00:00.000Z' });
    assert.match(problemOf(parseExpiresOnCell(text('03/04/2027', 'C5'), rules)), /^cell C5: expiresOn "03\/04\/2027" is a spreadsheet display date/);
    assert.deepEqual(
      parseExpiresOnCell(text('03/04/2027'), withRules({ dateFormat: { text: 'MM/DD/YYYY', order: ['month', 'day', 'year'], separator: '/' } })),
      { ok: true, value: '2027-03-04T23:59:59.999Z' },
    );
    assert.equal(
      problemOf(parseExpiresOnCell(number(46477, 'C6'), rules)),
      'cell C6 holds the number 46477, not a date; format the cell as a date (e.g. yyyy-mm-dd) so that it shows the day meant',
    );
    assert.equal(problemOf(parseExpiresOnCell(bool(false, 'C7'), rules)), 'cell C7 holds FALSE, not a date; type the day the credits expire, e.g. 2027-03-31');
  });

  it('write a date with a time to failed.csv as the moment with its offset, which reads back the same', () => {
    const newYork = withRules({ timezone: 'America/New_York' });
    const noon = date('2027-03-31', '12:00:00');
    assert.equal(expiresOnCsvText(noon, newYork), '2027-03-31T12:00:00.000-04:00');
    assert.deepEqual(parseExpiresOn(expiresOnCsvText(noon, newYork), withRules({ timezone: 'Asia/Tokyo' })), parseExpiresOnCell(noon, newYork));
    assert.equal(expiresOnCsvText(noon, rules), '2027-03-31T12:00:00.000Z');
    assert.equal(expiresOnCsvText(date('2027-03-31'), newYork), '2027-03-31');
    assert.equal(expiresOnCsvText(date('2027-03-14', '02:30:00'), newYork), '2027-03-14T02:30:00');
    assert.equal(expiresOnCsvText(number(46477), newYork), '46477');
  });
});

describe('currentBalance cells', () => {
  it('read the number stored, whatever the format shows, when it is a whole number of 0 or more', () => {
    assert.deepEqual(parseCurrentBalanceCell(number(1250), rules), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalanceCell(number(1250.0, 'D2', true), rules), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalanceCell(number(Number.MAX_SAFE_INTEGER), rules), { ok: true, value: Number.MAX_SAFE_INTEGER });
    const zero = parseCurrentBalanceCell(number(-0), rules);
    assert.ok(zero.ok && Object.is(zero.value, 0), 'a cell holding -0 is a balance of 0');
  });

  it('refuse a fraction, a negative number and one too large to send exactly', () => {
    assert.equal(
      problemOf(parseCurrentBalanceCell(number(1250.5, 'D3'), rules)),
      'cell D3 holds 1250.5, which is not a whole number of credits (its format may show it rounded); type the whole number',
    );
    assert.equal(problemOf(parseCurrentBalanceCell(number(-5, 'D4'), rules)), 'cell D4 holds -5; a balance must be 0 or more');
    assert.equal(
      problemOf(parseCurrentBalanceCell(number(2 ** 53, 'D5'), rules)),
      'cell D5 holds 9007199254740992, which is larger than the largest balance that can be sent exactly (9007199254740991)',
    );
  });

  it('read text as a CSV cell is read, and refuse a date or a boolean', () => {
    assert.deepEqual(parseCurrentBalanceCell(text('1,250'), withRules({ thousandsSeparator: ',' })), { ok: true, value: 1250 });
    assert.match(
      problemOf(parseCurrentBalanceCell(text('1,250', 'D6'), rules)),
      /^cell D6: currentBalance "1,250" has ",", which could be a thousands separator/,
    );
    assert.equal(
      problemOf(parseCurrentBalanceCell(date('2027-03-31', undefined, 'D7'), rules)),
      'cell D7 holds the date 2027-03-31, not a number of credits; type the balance as a whole number, e.g. 1250',
    );
    assert.equal(
      problemOf(parseCurrentBalanceCell(bool(true, 'D8'), rules)),
      'cell D8 holds TRUE, not a number of credits; type the balance as a whole number, e.g. 1250',
    );
  });
});

describe('cells of a workbook written by exceljs', () => {
  it('send what the cells hold and refuse, by address, the ones typed wrong', async () => {
    const path = await writeWithExcelJs(await tempDir(), 'typed.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(['id', 'name', 'expiresOn', 'currentBalance']);
      sheet.addRow([ID, 'Acme', new Date(Date.UTC(2027, 2, 31, 17, 0)), 1250]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd hh:mm';
      sheet.getCell('D2').numFmt = '#,##0.00 "credits"';
      sheet.addRow([123456, 2024, 46477, 12.5]);
    });
    const records: WorkbookRecord[] = [];
    for await (const batch of readWorkbookBatches(path, { sheet: 'changes' })) records.push(...batch);
    const cells = (line: number): FilledCell[] =>
      (records.find((record) => record.line === line)?.typed ?? []).filter((cell): cell is FilledCell => cell.kind !== 'empty');
    const [id, name, expiresOn, balance] = cells(2) as [FilledCell, FilledCell, FilledCell, FilledCell];
    const newYork = withRules({ timezone: 'America/New_York' });
    assert.deepEqual(
      [parseIdCell(id), parseNameCell(name), parseExpiresOnCell(expiresOn, newYork), parseCurrentBalanceCell(balance, newYork)],
      [
        { ok: true, value: ID },
        { ok: true, value: 'Acme' },
        { ok: true, value: '2027-03-31T21:00:00.000Z' },
        { ok: true, value: 1250 },
      ],
    );
    assert.equal(expiresOnCsvText(expiresOn, newYork), '2027-03-31T17:00:00.000-04:00');
    const [wrongId, wrongName, serial, fraction] = cells(3) as [FilledCell, FilledCell, FilledCell, FilledCell];
    assert.deepEqual(
      [
        problemOf(parseIdCell(wrongId)),
        problemOf(parseNameCell(wrongName)),
        problemOf(parseExpiresOnCell(serial, rules)),
        problemOf(parseCurrentBalanceCell(fraction, rules)),
      ],
      [
        'cell A3 holds the number 123456; a credit batch id is a UUID typed as text',
        "cell B3 holds the number 2024; a name must be text in the sheet: type it with an apostrophe before it ('2024), or format the cell as Text and type it again",
        'cell C3 holds the number 46477, not a date; format the cell as a date (e.g. yyyy-mm-dd) so that it shows the day meant',
        'cell D3 holds 12.5, which is not a whole number of credits (its format may show it rounded); type the whole number',
      ],
    );
  });
});

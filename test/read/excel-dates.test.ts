import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialToCalendar } from '../../src/read/excel-dates.js';
import { BUILT_IN_FORMATS, numberShown } from '../../src/read/number-format.js';

const day = (year: number, month: number, dayOfMonth: number, hour = 0, minute = 0, second = 0, millisecond = 0) => ({
  year,
  month,
  day: dayOfMonth,
  hour,
  minute,
  second,
  millisecond,
});

describe('date serials', () => {
  const system1900: [number, ReturnType<typeof day>][] = [
    [1, day(1900, 1, 1)],
    [59, day(1900, 2, 28)],
    [61, day(1900, 3, 1)],
    [46477, day(2027, 3, 31)],
    [46477.5, day(2027, 3, 31, 12)],
    [46477 + (12 * 3600 + 30 * 60 + 15.25) / 86400, day(2027, 3, 31, 12, 30, 15, 250)],
    [2958465, day(9999, 12, 31)],
  ];
  for (const [serial, parts] of system1900) {
    it(`reads ${serial} in the 1900 system as ${JSON.stringify(parts)}`, () => assert.deepEqual(serialToCalendar(serial, false), parts));
  }
  it('keeps the 29 February 1900 Excel counts (serial 60), for the date check to refuse', () => {
    assert.deepEqual(serialToCalendar(60, false), day(1900, 2, 29));
  });
  it('reads the 1904 system from 1 January 1904: 2027-03-31 is 45015 there', () => {
    assert.deepEqual(serialToCalendar(0, true), day(1904, 1, 1));
    assert.deepEqual(serialToCalendar(45015, true), day(2027, 3, 31));
    assert.deepEqual(serialToCalendar(45015.75, true), day(2027, 3, 31, 18));
  });
  it('rounds to the millisecond, so a time a hair before midnight is the next day', () => {
    assert.deepEqual(serialToCalendar(46477.99999999999, false), day(2027, 4, 1));
  });
  it('gives no date for a serial Excel shows as ####', () => {
    assert.equal(serialToCalendar(-1, false), undefined);
    assert.equal(serialToCalendar(2958466, false), undefined);
  });
});

describe('number formats', () => {
  const formats: [string, ReturnType<typeof numberShown>][] = [
    ['yyyy-mm-dd', 'date'],
    ['YYYY-MM-DD', 'date'],
    ['[$-407]dd/mm/yyyy', 'date'],
    ['[$-409]mm/dd/yyyy', 'date'],
    ['d-mmm-yy', 'date'],
    ['mmm-yy', 'date'],
    ['dddd, mmmm d', 'date'],
    ['yyyy-mm-dd hh:mm:ss.000', 'date-time'],
    ['m/d/yy h:mm', 'date-time'],
    ['[$-409]m/d/yy h:mm AM/PM;@', 'date-time'],
    ['h:mm AM/PM', 'number'],
    ['[h]:mm:ss', 'number'],
    ['mm:ss', 'number'],
    ['General', 'number'],
    ['0', 'number'],
    ['#,##0', 'number'],
    ['[$-407]#,##0', 'number'],
    ['0.00E+00', 'number'],
    ['#,##0 "days"', 'number'],
    ['0\\d', 'number'],
    ['[Red]#,##0;[Blue]-#,##0', 'number'],
    ['_(* #,##0_);_(* (#,##0);_(* "-"??_);_(@_)', 'number'],
    ['@', 'number'],
  ];
  for (const [code, shown] of formats) {
    it(`reads ${JSON.stringify(code)} as ${shown}`, () => assert.equal(numberShown(code), shown));
  }
  it('knows the built-in date and time formats by id', () => {
    assert.deepEqual(
      [...BUILT_IN_FORMATS].map(([id, code]) => [id, numberShown(code)]),
      [
        [14, 'date'],
        [15, 'date'],
        [16, 'date'],
        [17, 'date'],
        [18, 'number'],
        [19, 'number'],
        [20, 'number'],
        [21, 'number'],
        [22, 'date-time'],
        [45, 'number'],
        [46, 'number'],
        [47, 'number'],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCurrentBalance, parseExpiresOn, parseId, parseName } from '../../src/validate/fields.js';

function problemOf(result: { ok: boolean; problem?: string }): string {
  assert.equal(result.ok, false, 'expected the cell to be refused');
  return result.problem ?? '';
}

describe('id', () => {
  it('accepts a UUID in either case, trimmed, and sends it as written', () => {
    assert.deepEqual(parseId(' 3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B '), { ok: true, value: '3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B' });
  });
  it('refuses anything that is not a UUID', () => {
    assert.match(problemOf(parseId('12345')), /id "12345" is not a credit batch id; expected a UUID/);
    assert.match(problemOf(parseId('3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6')), /not a credit batch id/);
  });
  it('explains braces around a UUID', () => {
    assert.match(problemOf(parseId('{3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b}')), /wrapped in braces/);
  });
});

describe('name', () => {
  it('is trimmed and otherwise kept exactly', () => {
    assert.deepEqual(parseName('  Ümlaut "Co", Ltd.  '), { ok: true, value: 'Ümlaut "Co", Ltd.' });
  });
});

describe('expiresOn', () => {
  const accepted: [string, string][] = [
    ['2027-03-31T23:59:59Z', '2027-03-31T23:59:59.000Z'],
    ['2027-03-31T23:59Z', '2027-03-31T23:59:00.000Z'],
    ['2027-03-31T23:59:59.5Z', '2027-03-31T23:59:59.500Z'],
    ['2027-03-31T23:59:59.123000Z', '2027-03-31T23:59:59.123Z'],
    ['2027-06-30T23:59:59-04:00', '2027-07-01T03:59:59.000Z'],
    ['2027-09-30T17:00:00+0200', '2027-09-30T15:00:00.000Z'],
    ['2027-09-30T17:00:00+05', '2027-09-30T12:00:00.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ];
  for (const [cell, sent] of accepted) {
    it(`sends ${cell} as ${sent}`, () => assert.deepEqual(parseExpiresOn(cell), { ok: true, value: sent }));
  }
  it('refuses a day that does not exist, naming the month length', () => {
    assert.match(problemOf(parseExpiresOn('2027-02-30T00:00:00Z')), /not a real date: 2027-02 has 28 days/);
    assert.match(problemOf(parseExpiresOn('2027-02-29T00:00:00Z')), /2027-02 has 28 days/);
    assert.match(problemOf(parseExpiresOn('2027-13-01T00:00:00Z')), /month 13, which does not exist/);
  });
  it('refuses an impossible time of day or offset', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31T24:00:00Z')), /not a real time of day/);
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:60:00Z')), /not a real time of day/);
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:00:00+25:00')), /impossible time zone offset/);
  });
  it('refuses a spreadsheet display date with a hint about the expected format', () => {
    const problem = problemOf(parseExpiresOn('03/31/2027'));
    assert.match(problem, /spreadsheet display date/);
    assert.match(problem, /2027-03-31T23:59:59Z/);
    assert.match(problemOf(parseExpiresOn('31.03.2027')), /spreadsheet display date/);
  });
  it('refuses a timestamp without a time zone, saying to add Z or an offset', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:59:59')), /no time zone; add Z/);
  });
  it('refuses a date without a time, suggesting the end of that day', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31')), /date without a time.*2027-03-31T23:59:59Z/);
  });
  it('refuses a space between date and time', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31 23:59:59Z')), /separates date and time with a space/);
  });
  it('refuses a spreadsheet serial number', () => {
    assert.match(problemOf(parseExpiresOn('46477')), /serial number/);
  });
  it('refuses more precision than a millisecond rather than rounding it away', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:59:59.9999Z')), /more precise than a millisecond/);
  });
  it('refuses anything else', () => {
    assert.match(problemOf(parseExpiresOn('next Friday')), /not an ISO 8601 timestamp/);
  });
});

describe('currentBalance', () => {
  it('accepts plain digits', () => {
    assert.deepEqual(parseCurrentBalance('1250'), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance(' 0 '), { ok: true, value: 0 });
    assert.deepEqual(parseCurrentBalance(String(Number.MAX_SAFE_INTEGER)), { ok: true, value: Number.MAX_SAFE_INTEGER });
  });
  it('refuses a negative balance', () => assert.match(problemOf(parseCurrentBalance('-5')), /is negative/));
  it('refuses a decimal', () => assert.match(problemOf(parseCurrentBalance('10.5')), /not a whole number/));
  it('refuses scientific notation', () => assert.match(problemOf(parseCurrentBalance('1e3')), /scientific notation/));
  it('refuses a thousands separator, showing the digits to write', () => {
    assert.match(problemOf(parseCurrentBalance('1,000')), /"," as a thousands separator; write the digits only, e.g. 1000/);
    assert.match(problemOf(parseCurrentBalance('1 250 000')), /thousands separator.*1250000/);
  });
  it('refuses "1.000", which is one thousand or one depending on the locale', () => {
    assert.match(problemOf(parseCurrentBalance('1.000')), /could be read as a decimal or with "\." as a thousands separator/);
  });
  it('refuses a value too large to send exactly', () => {
    assert.match(problemOf(parseCurrentBalance('9007199254740993')), /larger than the largest balance/);
  });
  it('refuses a plus sign and stray text', () => {
    assert.match(problemOf(parseCurrentBalance('+5')), /plus sign/);
    assert.match(problemOf(parseCurrentBalance('$100')), /not a whole number written with digits/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpiresOn } from '../../src/validate/expires-on.js';
import { defaultRules, parseDateFormat, type FieldRules } from '../../src/validate/rules.js';

const rules = defaultRules(new Date('2026-11-24T12:00:00Z'));
const withRules = (changes: Partial<FieldRules>): FieldRules => ({ ...rules, ...changes });

function problemOf(result: { ok: boolean; problem?: { readonly message: string } }): string {
  assert.equal(result.ok, false, 'expected the cell to be refused');
  return result.problem?.message ?? '';
}

describe('expiresOn, an exact moment', () => {
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
    it(`sends ${cell} as ${sent}`, () => assert.deepEqual(parseExpiresOn(cell, rules), { ok: true, value: sent }));
  }
  it('reads the form it sends (YYYY-MM-DDTHH:mm:ss.sssZ) as the general path does, real moment or not', () => {
    const cells = [
      '2027-03-31T23:59:59.000Z',
      '2028-02-29T12:00:00.999Z',
      '2027-02-29T00:00:00.000Z',
      '2027-13-01T00:00:00.000Z',
      '2027-04-31T00:00:00.000Z',
      '2027-04-00T00:00:00.000Z',
    ];
    for (const time of ['24:00:00', '23:60:00', '23:59:60', '00:00:00']) cells.push(`2027-05-01T${time}.000Z`);
    cells.push('2020-01-01T00:00:00.000Z');
    for (const cell of cells) {
      // A leading space keeps a cell off the quick path; it is trimmed, and only the message shows it.
      const general = parseExpiresOn(` ${cell}`, rules);
      const quick = parseExpiresOn(cell, rules);
      assert.deepEqual(
        quick,
        general.ok
          ? general
          : { ok: false, problem: { ...general.problem, message: general.problem.message.replace(JSON.stringify(` ${cell}`), JSON.stringify(cell)) } },
        cell,
      );
    }
  });
  it('is taken as it is, whatever --timezone and --date-only say', () => {
    assert.deepEqual(parseExpiresOn('2027-03-31T10:00:00Z', withRules({ timezone: 'Asia/Tokyo', dateOnly: 'start-of-day' })), {
      ok: true,
      value: '2027-03-31T10:00:00.000Z',
    });
  });
  it('refuses a day that does not exist, naming the month length', () => {
    assert.match(problemOf(parseExpiresOn('2027-02-30T00:00:00Z', rules)), /not a real date: month 2 of 2027 has 28 days/);
    assert.match(problemOf(parseExpiresOn('2027-02-29T00:00:00Z', rules)), /month 2 of 2027 has 28 days/);
    assert.match(problemOf(parseExpiresOn('2027-13-01T00:00:00Z', rules)), /month 13, which does not exist/);
  });
  it('refuses an impossible time of day or offset', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31T24:00:00Z', rules)), /not a real time of day/);
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:60:00Z', rules)), /not a real time of day/);
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:00:00+25:00', rules)), /impossible time zone offset/);
  });
  it('refuses a timestamp without a time zone, saying to add Z or an offset', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:59:59', rules)), /no time zone; add Z/);
  });
  it('refuses a space between date and time', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31 23:59:59Z', rules)), /separates date and time with a space/);
  });
  it('refuses more precision than a millisecond rather than rounding it away', () => {
    assert.match(problemOf(parseExpiresOn('2027-03-31T23:59:59.9999Z', rules)), /more precise than a millisecond/);
  });
});

describe('expiresOn, a date alone', () => {
  it('is the end of that day in UTC by default', () => {
    assert.deepEqual(parseExpiresOn('2027-03-31', rules), { ok: true, value: '2027-03-31T23:59:59.999Z' });
  });
  it('is the start of that day with --date-only start-of-day', () => {
    assert.deepEqual(parseExpiresOn('2027-03-31', withRules({ dateOnly: 'start-of-day' })), { ok: true, value: '2027-03-31T00:00:00.000Z' });
  });
  it('is read in --timezone, daylight saving time included', () => {
    // New York is UTC-5 in winter and UTC-4 from the second Sunday of March (14 March 2027).
    const newYork = withRules({ timezone: 'America/New_York' });
    assert.deepEqual(parseExpiresOn('2027-01-31', newYork), { ok: true, value: '2027-02-01T04:59:59.999Z' });
    assert.deepEqual(parseExpiresOn('2027-03-14', newYork), { ok: true, value: '2027-03-15T03:59:59.999Z' });
    assert.deepEqual(parseExpiresOn('2027-03-14', withRules({ timezone: 'America/New_York', dateOnly: 'start-of-day' })), {
      ok: true,
      value: '2027-03-14T05:00:00.000Z',
    });
    assert.deepEqual(parseExpiresOn('2027-03-31', withRules({ timezone: 'Asia/Kolkata' })), { ok: true, value: '2027-03-31T18:29:59.999Z' });
  });
  it('refuses a date that does not exist', () => {
    assert.match(problemOf(parseExpiresOn('2027-02-29', rules)), /not a real date/);
  });
});

describe('expiresOn, a spreadsheet display date', () => {
  it('is refused by default, never guessed, with the option to pass', () => {
    for (const cell of ['03/31/2027', '31/03/2027', '31.03.2027', '03/04/2027']) {
      const problem = problemOf(parseExpiresOn(cell, rules));
      assert.match(problem, /spreadsheet display date, which reads differently from country to country/);
      assert.match(problem, /--date-format/);
    }
  });
  it('suggests only the formats in which the cell is a real date', () => {
    const suggested = (cell: string): string[] =>
      [...problemOf(parseExpiresOn(cell, rules)).matchAll(/--date-format (\S+?)(?=[ ,)]|$)/g)].map((match) => match[1] ?? '');
    assert.deepEqual(suggested('12/31/2027'), ['MM/DD/YYYY']);
    assert.deepEqual(suggested('31/12/2027'), ['DD/MM/YYYY']);
    assert.deepEqual(suggested('03/04/2027'), ['MM/DD/YYYY', 'DD/MM/YYYY']);
    assert.deepEqual(suggested('31.03.2027'), ['DD.MM.YYYY']);
    assert.deepEqual(suggested('2027/03/31'), ['YYYY/MM/DD']);
    assert.deepEqual(suggested('31/13/2027'), []);
    assert.match(problemOf(parseExpiresOn('12/31/27', rules)), /not a real date in any format ti-credits reads \(the year must have four digits\)/);
  });
  it('is read in the --date-format the user names', () => {
    const cases: [string, string, string][] = [
      ['MM/DD/YYYY', '03/04/2027', '2027-03-04T23:59:59.999Z'],
      ['DD/MM/YYYY', '03/04/2027', '2027-04-03T23:59:59.999Z'],
      ['DD.MM.YYYY', '31.03.2027', '2027-03-31T23:59:59.999Z'],
      ['YYYY/MM/DD', '2027/03/31', '2027-03-31T23:59:59.999Z'],
      ['MM/DD/YYYY', '3/31/2027', '2027-03-31T23:59:59.999Z'],
    ];
    for (const [format, cell, sent] of cases) {
      assert.deepEqual(parseExpiresOn(cell, withRules({ dateFormat: parseDateFormat(format) })), { ok: true, value: sent }, `${cell} as ${format}`);
    }
  });
  it('still accepts ISO 8601 under --date-format', () => {
    assert.deepEqual(parseExpiresOn('2027-03-31', withRules({ dateFormat: parseDateFormat('DD/MM/YYYY') })), { ok: true, value: '2027-03-31T23:59:59.999Z' });
  });
  it('refuses a date not in the named format, a day that does not exist in it, and a two-digit year', () => {
    const dayFirst = withRules({ dateFormat: parseDateFormat('DD/MM/YYYY') });
    assert.match(problemOf(parseExpiresOn('31.03.2027', dayFirst)), /nor a date in the --date-format DD\/MM\/YYYY/);
    assert.match(problemOf(parseExpiresOn('03/31/2027', dayFirst)), /month 31, which does not exist/);
    assert.match(problemOf(parseExpiresOn('31/03/27', dayFirst)), /nor a date in the --date-format/);
  });
  it('refuses an Excel serial number with a hint', () => {
    assert.match(problemOf(parseExpiresOn('46477', rules)), /spreadsheet date serial number; format the column as a date in ISO 8601/);
  });
  it('refuses anything else', () => {
    assert.match(problemOf(parseExpiresOn('next Friday', rules)), /is not a date; expected ISO 8601/);
  });
});

describe('expiresOn in the past', () => {
  it('is refused, since expiring credits cannot be undone', () => {
    assert.match(problemOf(parseExpiresOn('2026-11-24T11:59:59Z', rules)), /is in the past \(2026-11-24T11:59:59.000Z\).*--allow-past-expiry/);
    assert.match(problemOf(parseExpiresOn('2026-11-23', rules)), /in the past/);
  });
  it('counts today, read as its end, as not past', () => {
    assert.deepEqual(parseExpiresOn('2026-11-24', rules), { ok: true, value: '2026-11-24T23:59:59.999Z' });
  });
  it('is accepted with --allow-past-expiry', () => {
    assert.deepEqual(parseExpiresOn('2020-01-01T00:00:00Z', withRules({ allowPastExpiry: true })), { ok: true, value: '2020-01-01T00:00:00.000Z' });
  });
});

describe('--date-format', () => {
  it('takes DD, MM and YYYY once each with one separator', () => {
    assert.deepEqual(parseDateFormat('dd/mm/yyyy'), { text: 'DD/MM/YYYY', order: ['day', 'month', 'year'], separator: '/' });
    for (const bad of ['DD/MM/YY', 'DD/DD/YYYY', 'DD/MM-YYYY', 'MM DD YYYY', 'D/M/YYYY']) assert.equal(parseDateFormat(bad), undefined, bad);
  });
});

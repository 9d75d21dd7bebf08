import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateIds } from '../../src/validate/duplicate-ids.js';
import { readHeader } from '../../src/validate/header.js';
import { validateRow } from '../../src/validate/row.js';
import { defaultRules, parseDateFormat } from '../../src/validate/rules.js';

const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const columns = readHeader('in.csv', { line: 1, cells: ['id', 'name', 'expiresOn', 'currentBalance', 'notes'] });
const rules = defaultRules(new Date('2026-11-24T00:00:00Z'));
const row = (...cells: string[]) => validateRow(columns, { line: 7, cells }, rules);

function problems(verdict: ReturnType<typeof validateRow>): readonly string[] {
  assert.equal(verdict.valid, false, 'expected the row to be invalid');
  return verdict.valid ? [] : verdict.row.problems.map((problem) => problem.message);
}

function codes(verdict: ReturnType<typeof validateRow>): readonly string[] {
  assert.equal(verdict.valid, false, 'expected the row to be invalid');
  return verdict.valid ? [] : verdict.row.problems.map((problem) => problem.code);
}

describe('row', () => {
  it('sends only the fields the row fills in', () => {
    const verdict = row(ID, '', '', '500', 'a note');
    assert.equal(verdict.valid, true);
    assert.deepEqual(verdict.valid && verdict.row, { line: 7, id: ID, body: { currentBalance: 500 }, cells: [ID, '', '', '500', 'a note'], before: {} });
  });
  it('sends every field, normalised', () => {
    const verdict = row(ID, ' Acme ', '2027-03-31T23:59:59+01:00', '0', '');
    assert.deepEqual(verdict.valid && verdict.row.body, { name: 'Acme', expiresOn: '2027-03-31T22:59:59.000Z', currentBalance: 0 });
  });
  it('refuses a row with nothing to change', () => {
    assert.deepEqual(problems(row(ID, '', '', '', 'note')), ['nothing to change: name, expiresOn, currentBalance are all empty']);
  });
  it('refuses a missing id', () => {
    assert.match(problems(row('', 'Acme', '', '', ''))[0] ?? '', /id is empty/);
  });
  it('refuses a cell holding only spaces instead of guessing it means "leave alone"', () => {
    assert.match(problems(row(ID, '   ', '', '5', ''))[0] ?? '', /name contains only spaces; leave the cell empty/);
  });
  it('reports every problem of the row', () => {
    const found = problems(row('nope', '', '03/31/2027', '1,000', ''));
    assert.equal(found.length, 3);
    assert.match(found[0] ?? '', /id "nope"/);
    assert.match(found[1] ?? '', /expiresOn/);
    assert.match(found[2] ?? '', /currentBalance/);
  });
  it('says each problem under its code, in the order it says them', () => {
    assert.deepEqual(codes(row('nope', '', '03/31/2027', '1,000', '')), ['TIC-ID-NOT-UUID', 'TIC-DATE-NEEDS-FORMAT', 'TIC-BALANCE-SEPARATOR-AMBIGUOUS']);
    assert.deepEqual(codes(row('', '', '03/04/2027', '', '')), ['TIC-ID-EMPTY', 'TIC-DATE-AMBIGUOUS']);
    assert.deepEqual(codes(row(ID, '', '', '', 'note')), ['TIC-NOTHING-TO-CHANGE']);
    assert.deepEqual(codes(row(ID, 'Acme')), ['TIC-ROW-WIDTH']);
  });
  it("says a before.* cell's problem under the code of the same problem in its field", () => {
    const withBefore = readHeader('in.csv', { line: 1, cells: ['id', 'currentBalance', 'before.currentBalance'] });
    const verdict = validateRow(withBefore, { line: 4, cells: [ID, '5', '1.5'] }, rules);
    assert.deepEqual(verdict.valid ? [] : verdict.row.problems, [
      {
        code: 'TIC-BALANCE-NOT-WHOLE',
        message: 'before.currentBalance: currentBalance "1.5" is not a whole number; a balance is a whole number of credits',
        hint: undefined,
      },
    ]);
  });
  it('refuses a row with too many cells, naming the extra ones', () => {
    assert.match(
      problems(row(ID, 'Acme', ' Inc', '', '5', 'note'))[0] ?? '',
      /has 6 cells but the header has 5 \(extra: "note"\); a value containing the delimiter must be enclosed in double quotes/,
    );
  });
  it('takes empty cells beyond the header as the padding spreadsheets export', () => {
    const verdict = row(ID, 'Acme', '', '5', '', '', '');
    assert.deepEqual(verdict.valid && verdict.row.body, { name: 'Acme', currentBalance: 5 });
  });
  it('reads the values by the rules given', () => {
    const verdict = validateRow(
      columns,
      { line: 2, cells: [ID, '', '31/03/2027', '1.250', ''] },
      { ...rules, dateFormat: parseDateFormat('DD/MM/YYYY'), thousandsSeparator: '.', timezone: 'Europe/Paris' },
    );
    assert.deepEqual(verdict.valid && verdict.row.body, { expiresOn: '2027-03-31T21:59:59.999Z', currentBalance: 1250 });
  });
  it('refuses a row with too few cells', () => {
    assert.match(problems(row(ID, 'Acme'))[0] ?? '', /has 2 cells but the header has 5; add the missing cells/);
  });
  it('refuses every row of a duplicated id, naming the other lines', () => {
    const duplicates = new DuplicateIds();
    duplicates.add(ID, 3);
    duplicates.add(ID, 7);
    duplicates.add(ID.toUpperCase(), 9);
    const found = problems(validateRow(columns, { line: 7, cells: [ID, '', '', '5', ''] }, rules, duplicates));
    assert.deepEqual(found, [`id ${ID} also appears on lines 3, 9; a credit batch may appear only once in a file, so merge those rows`]);
    const first = problems(validateRow(columns, { line: 3, cells: [ID, '', '', '6', ''] }, rules, duplicates));
    assert.match(first[0] ?? '', /also appears on lines 7, 9/);
  });
});

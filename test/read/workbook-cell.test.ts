import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalText, cellAddress, decimalText, type WorkbookCell } from '../../src/read/workbook-cell.js';

describe('cell addresses', () => {
  it('names columns as Excel does', () => {
    assert.deepEqual(
      [cellAddress(0, 1), cellAddress(2, 7), cellAddress(25, 3), cellAddress(26, 3), cellAddress(701, 9), cellAddress(702, 9), cellAddress(16383, 1048576)],
      ['A1', 'C7', 'Z3', 'AA3', 'ZZ9', 'AAA9', 'XFD1048576'],
    );
  });
});

describe('canonical text', () => {
  it('writes numbers as their shortest exact decimal, never in scientific notation', () => {
    assert.deepEqual([1250, 1250.0, 0.1, -3.5, -0, 1e21, 1.5e-7, 2 ** 53 + 2].map(decimalText), [
      '1250',
      '1250',
      '0.1',
      '-3.5',
      '0',
      '1000000000000000000000',
      '0.00000015',
      '9007199254740994',
    ]);
  });
  it('writes dates as ISO 8601 without a zone, booleans as Excel shows them, errors as they are, a formula with no value as the formula', () => {
    const date = {
      kind: 'date',
      address: 'C2',
      formula: false,
      year: 2027,
      month: 3,
      day: 31,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
      hasTime: false,
    } as const;
    const cells: WorkbookCell[] = [
      date,
      { ...date, hasTime: true, hour: 17 },
      { ...date, hasTime: true, hour: 9, minute: 5, second: 7, millisecond: 40 },
      { kind: 'boolean', address: 'D2', formula: true, value: false },
      { kind: 'error', address: 'D2', formula: true, text: '#N/A' },
      { kind: 'text', address: 'B2', formula: false, text: ' as typed ' },
      { kind: 'formula-without-result', address: 'D5', text: 'TODAY()+30' },
      { kind: 'formula-without-result', address: 'D6', text: '' },
      { kind: 'empty', address: 'E2', formula: false },
    ];
    assert.deepEqual(cells.map(canonicalText), [
      '2027-03-31',
      '2027-03-31T17:00:00',
      '2027-03-31T09:05:07.040',
      'FALSE',
      '#N/A',
      ' as typed ',
      '=TODAY()+30',
      '=',
      '',
    ]);
  });
});

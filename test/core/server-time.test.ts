import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerTime } from '../../src/core/server-time.js';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

describe('reading a time the API gave', () => {
  it('reads the documented form to the millisecond, and finer fractions to the nanosecond', () => {
    assert.equal(parseServerTime('2024-01-01T00:00:00.000Z'), ns('2024-01-01T00:00:00.000Z'));
    assert.equal(parseServerTime('2026-05-01T12:00:00.001Z'), ns('2026-05-01T12:00:00.000Z') + 1_000_000n);
    assert.equal(parseServerTime('2026-05-01T12:00:00Z'), ns('2026-05-01T12:00:00.000Z'));
    assert.equal(parseServerTime('2026-05-01T12:00:00.0000015Z'), ns('2026-05-01T12:00:00.000Z') + 1_500n);
    assert.ok(
      (parseServerTime('2026-05-01T12:00:00.0010001Z') ?? 0n) > (parseServerTime('2026-05-01T12:00:00.001Z') ?? 0n),
      'a tenth of a microsecond later is later',
    );
  });

  it('takes an offset into account: the same moment written in two zones is one time', () => {
    assert.equal(parseServerTime('2026-05-01T14:30:00.000+02:30'), parseServerTime('2026-05-01T12:00:00.000Z'));
    assert.equal(parseServerTime('2026-04-30T23:00:00.000-13:00'), parseServerTime('2026-05-01T12:00:00.000Z'));
  });

  it('reads nothing else: no guess at a zone, a date alone, another separator, a day or hour that does not exist', () => {
    for (const text of [
      '2026-05-01T12:00:00.000',
      '2026-05-01',
      '2026-05-01 12:00:00.000Z',
      '2026-05-01t12:00:00.000z',
      '2026-02-30T00:00:00.000Z',
      '2025-02-29T00:00:00.000Z',
      '2026-05-01T24:00:00.000Z',
      '2026-05-01T12:60:00.000Z',
      '2026-05-01T12:00:60.000Z',
      '2026-05-01T12:00:00.0000000001Z',
      '2026-05-01T12:00:00.000+2:00',
      '1714564800000',
      ' 2026-05-01T12:00:00.000Z',
      '',
    ]) {
      assert.equal(parseServerTime(text), undefined, text);
    }
    assert.notEqual(parseServerTime('2024-02-29T00:00:00.000Z'), undefined, 'a leap day is a day');
  });

  it('reads a year below 100 as that year, not the 1900s', () => {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 0, 1);
    assert.equal(parseServerTime('0050-01-01T00:00:00.000Z'), BigInt(year50.getTime()) * 1_000_000n);
    assert.ok((parseServerTime('0050-01-01T00:00:00.000Z') ?? 0n) < (parseServerTime('1950-01-01T00:00:00.000Z') ?? 0n));
  });
});

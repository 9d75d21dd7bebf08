import { luxon } from '../core/luxon.js';
import type { Columns } from '../core/columns.js';
import type { SheetDate, SheetValue } from '../core/sheet-values.js';
import { readExpiry } from './expires-on.js';
import { parseCurrentBalance } from './fields.js';
import type { FieldRules } from './rules.js';

/**
 * The input's cells as report.xlsx and failed.xlsx hold them (--excel):
 * typed where the rules read a cell as a date or a balance, so that the
 * team can fix rows in Excel; text everywhere else, exactly as failed.csv
 * has it. Each typed cell reads back, under the same options, to the value
 * its text reads to, so failed.xlsx given to `apply` sends what failed.csv
 * would:
 * - an expiresOn day is a date cell of that day, which --date-only and
 *   --timezone read as they read `2027-03-31`;
 * - an expiresOn moment is a date and time cell showing it on the clocks of
 *   --timezone, which are read back in that zone; a moment those clocks show
 *   twice (as daylight saving time ends) stays text, as it was;
 * - a balance is a number cell.
 * Anything the rules refuse stays text, and so is refused again.
 */
export function inputSheetValues(columns: Columns, rules: FieldRules): (cells: readonly string[]) => SheetValue[] {
  const dates = new Set([columns.fields.expiresOn, columns.before.expiresOn].filter((index) => index !== undefined));
  const balances = new Set([columns.fields.currentBalance, columns.before.currentBalance].filter((index) => index !== undefined));
  return (cells) =>
    cells.map((cell, index) => {
      if (cell === '') return undefined;
      if (dates.has(index)) return expiryValue(cell, rules) ?? cell;
      if (balances.has(index)) {
        const balance = parseCurrentBalance(cell, rules.thousandsSeparator);
        return balance.ok ? balance.value : cell;
      }
      return cell;
    });
}

/** Excel shows no date before 1900, and counts a 29 February 1900 that never was: a cell of 1900 or before (long past, and refused as such) stays text. */
const FIRST_YEAR = 1900;

function expiryValue(cell: string, rules: FieldRules): SheetDate | undefined {
  const expiry = readExpiry(cell, rules);
  if (expiry === undefined || (expiry.kind === 'day' ? expiry.year : Number(expiry.utc.slice(0, 4))) <= FIRST_YEAR) return undefined;
  const midnight = { hour: 0, minute: 0, second: 0, millisecond: 0 };
  if (expiry.kind === 'day') return { kind: 'date', year: expiry.year, month: expiry.month, day: expiry.day, ...midnight, hasTime: false, utc: false };
  return wallClockOf(expiry.utc, rules.timezone);
}

/**
 * The clock a moment shows in `zone`, when reading that clock back in `zone`
 * gives the same moment (see onClocksOf in workbook-cells.ts): not so for
 * an hour the clocks show twice.
 */
function wallClockOf(utc: string, zone: string): SheetDate | undefined {
  const { DateTime } = luxon();
  const local = DateTime.fromISO(utc, { zone: 'utc' }).setZone(zone);
  const { year, month, day, hour, minute, second, millisecond } = local;
  const back = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone });
  if (!local.isValid || back.getPossibleOffsets().length > 1 || back.toMillis() !== local.toMillis()) return undefined;
  return { kind: 'date', year, month, day, hour, minute, second, millisecond, hasTime: true, utc: false };
}

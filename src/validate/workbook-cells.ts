import { DateTime } from 'luxon';
import { canonicalText, decimalText, type DateCell, type FilledCell, type WorkbookCell } from '../read/workbook-cell.js';
import { parseExpiresOn } from './expires-on.js';
import { parseCurrentBalance, parseId, parseName, type Parsed } from './fields.js';
import type { FieldRules } from './rules.js';

/**
 * The field parsers for workbook cells. A cell holding text is read by the
 * very parsers of CSV text, so that a value typed as text means the same in
 * both; a cell holding a number, date or boolean is read by its type, which
 * no display format or locale can change: a date is the day it shows, a
 * balance the number stored. Each takes a cell that is not empty (an empty
 * cell leaves the field as it is) and names the cell by its address, as
 * Excel does. Whether the value came from a formula is the cell's `formula`.
 */

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

type TextCell = Extract<WorkbookCell, { kind: 'text' }>;

export function parseIdCell(cell: FilledCell): Parsed<string> {
  if (cell.kind === 'text') return fromText(cell, 'id', parseId);
  return unusable(cell) ?? fail(`cell ${cell.address} holds ${describeValue(cell)}; a credit batch id is a UUID typed as text`);
}

export function parseNameCell(cell: FilledCell): Parsed<string> {
  if (cell.kind === 'text') return fromText(cell, 'name', parseName);
  return (
    unusable(cell) ??
    fail(`cell ${cell.address} holds ${describeValue(cell)}; a name must be text in the sheet: type it with an apostrophe before it ('${canonicalText(cell)}), or format the cell as Text and type it again`)
  );
}

/**
 * A date without a time of day is read as that date written `2027-03-31` in
 * a CSV, under --date-only and --timezone; a date with a time of day is that
 * time on the clocks of --timezone. Both are refused when in the past, as in a CSV.
 */
export function parseExpiresOnCell(cell: FilledCell, rules: FieldRules): Parsed<string> {
  switch (cell.kind) {
    case 'text':
      return fromText(cell, 'expiresOn', (text) => parseExpiresOn(text, rules));
    case 'date': {
      if (!cell.hasTime) return withAddress(cell, parseExpiresOn(canonicalText(cell), rules));
      const moment = onClocksOf(cell, rules.timezone);
      return moment.ok ? withAddress(cell, parseExpiresOn(moment.value, rules)) : moment;
    }
    case 'number':
      return fail(`cell ${cell.address} holds the number ${decimalText(cell.value)}, not a date; format the cell as a date (e.g. yyyy-mm-dd) so that it shows the day meant`);
    default:
      return unusable(cell) ?? fail(`cell ${cell.address} holds ${describeValue(cell)}, not a date; type the day the credits expire, e.g. 2027-03-31`);
  }
}

/** A whole number of credits: the number stored in the cell, whatever its format shows. */
export function parseCurrentBalanceCell(cell: FilledCell, rules: FieldRules): Parsed<number> {
  switch (cell.kind) {
    case 'text':
      return fromText(cell, 'currentBalance', (text) => parseCurrentBalance(text, rules.thousandsSeparator));
    case 'number': {
      const shown = `cell ${cell.address} holds ${decimalText(cell.value)}`;
      if (cell.value < 0) return fail(`${shown}; a balance must be 0 or more`);
      if (!Number.isInteger(cell.value)) return fail(`${shown}, which is not a whole number of credits (its format may show it rounded); type the whole number`);
      if (cell.value > Number.MAX_SAFE_INTEGER) return fail(`${shown}, which is larger than the largest balance that can be sent exactly (${Number.MAX_SAFE_INTEGER})`);
      // -0 is a number a cell can hold; the balance is 0.
      return ok(cell.value + 0);
    }
    default:
      return unusable(cell) ?? fail(`cell ${cell.address} holds ${describeValue(cell)}, not a number of credits; type the balance as a whole number, e.g. 1250`);
  }
}

/**
 * The text to write for an expiresOn cell in failed.csv, so that running it
 * again sends the same moment: a date with a time of day becomes that
 * moment with the offset of --timezone (`2027-03-31T12:00:00.000-04:00`),
 * since a time without a zone is refused in a CSV; any other cell is its
 * text (`canonicalText`).
 */
export function expiresOnCsvText(cell: WorkbookCell, rules: FieldRules): string {
  if (cell.kind === 'date' && cell.hasTime) {
    const moment = onClocksOf(cell, rules.timezone);
    if (moment.ok) return moment.value;
  }
  return canonicalText(cell);
}

/**
 * The moment a date and time shows on the clocks of `zone`, with its
 * offset. A time the clocks skip when they go forward, or show twice when
 * they go back, is no single moment: it is refused, never moved.
 */
function onClocksOf(cell: DateCell, zone: string): Parsed<string> {
  const { year, month, day, hour, minute, second, millisecond } = cell;
  const moment = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone });
  const shown = `cell ${cell.address}: expiresOn ${JSON.stringify(canonicalText(cell))}`;
  if (!moment.isValid) return fail(`${shown} is not a real date; type the day the credits expire`);
  const exactly = 'type it as text with its offset instead, e.g. 2027-03-31T12:00:00-04:00';
  if (moment.hour !== hour || moment.minute !== minute) return fail(`${shown} is a time the clocks of ${zone} skip when they go forward; ${exactly}`);
  if (moment.getPossibleOffsets().length > 1) return fail(`${shown} is a time the clocks of ${zone} show twice when they go back; ${exactly}`);
  return ok(moment.toISO() ?? '');
}

/** A cell the same CSV parser reads; a cell of spaces alone is refused, as in a CSV, not read as empty. */
function fromText<T>(cell: TextCell, column: string, parse: (text: string) => Parsed<T>): Parsed<T> {
  if (cell.text.trim() === '') return fail(`cell ${cell.address}: ${column} contains only spaces; leave the cell empty to keep the current value`);
  return withAddress(cell, parse(cell.text));
}

function withAddress<T>(cell: FilledCell, parsed: Parsed<T>): Parsed<T> {
  return parsed.ok ? parsed : fail(`cell ${cell.address}: ${parsed.problem}`);
}

/** Refuses a cell that holds no value to send, whatever the column. */
function unusable(cell: FilledCell): Parsed<never> | undefined {
  if (cell.kind === 'formula-without-result') {
    return fail(`cell ${cell.address} is a formula with no calculated value; open and save the workbook in Excel or LibreOffice so that it is calculated`);
  }
  if (cell.kind === 'error') return fail(`cell ${cell.address} shows the error ${cell.text}${cell.formula ? ' from its formula' : ''}; correct it so that the cell shows a value`);
  return undefined;
}

function describeValue(cell: FilledCell): string {
  switch (cell.kind) {
    case 'number':
      return `the number ${decimalText(cell.value)}`;
    case 'date':
      return `the date ${canonicalText(cell)}`;
    default:
      return canonicalText(cell);
  }
}

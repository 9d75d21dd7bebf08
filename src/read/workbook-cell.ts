import type { CalendarParts } from '../core/sheet-values.js';

/**
 * What a workbook cell really holds, as opposed to the text it shows. Every
 * cell knows its address, to be named in messages as Excel names it, and
 * whether its value is the cached result of a formula.
 */
export type WorkbookCell =
  | { readonly kind: 'empty'; readonly address: string; readonly formula: boolean }
  /** A shared or inline string, rich text flattened to its characters, or a formula's text result. */
  | { readonly kind: 'text'; readonly address: string; readonly formula: boolean; readonly text: string }
  /** A number without a date format: the value stored, whatever the display format shows. */
  | { readonly kind: 'number'; readonly address: string; readonly formula: boolean; readonly value: number }
  | DateCell
  | { readonly kind: 'boolean'; readonly address: string; readonly formula: boolean; readonly value: boolean }
  /** An error value such as `#N/A` or `#DIV/0!`. */
  | { readonly kind: 'error'; readonly address: string; readonly formula: boolean; readonly text: string }
  /**
   * A formula saved without a calculated value, by a program that never
   * calculated it; `text` is the formula without its `=`, '' for a cell of a
   * shared formula (only the first cell of one carries its text).
   */
  | { readonly kind: 'formula-without-result'; readonly address: string; readonly text: string };

/**
 * A number shown as a date: the calendar parts it shows, in no time zone.
 * Without a time of day in the format, the time parts are 0 whatever the
 * value's fraction: a cell showing 2027-03-31 is that day, as a CSV export
 * of it would be.
 */
export interface DateCell extends CalendarParts {
  readonly kind: 'date';
  readonly address: string;
  readonly formula: boolean;
  readonly hasTime: boolean;
}

export type FilledCell = Exclude<WorkbookCell, { readonly kind: 'empty' }>;

/** The address of a cell as Excel writes it: `cellAddress(2, 7)` is `C7`. */
export function cellAddress(columnIndex0: number, row: number): string {
  let letters = '';
  for (let column = columnIndex0 + 1; column > 0; column = Math.floor((column - 1) / 26)) {
    letters = String.fromCharCode(0x41 + ((column - 1) % 26)) + letters;
  }
  return `${letters}${row}`;
}

/**
 * The text of a cell for report.csv and failed.csv, written so that reading
 * it as a CSV cell gives the same value: a number as its shortest exact
 * decimal (`1250`, never `1250.0` or `1.25e3`), a date as ISO 8601 without a
 * zone (`2027-03-31`, `2027-03-31T17:00:00`: the zone is the reader's to
 * add), a boolean as Excel shows it. A formula with no value is written as
 * the formula (`=TODAY()`): an empty cell would read as "leave the field
 * as it is", while no column reads a formula as a value.
 */
export function canonicalText(cell: WorkbookCell): string {
  switch (cell.kind) {
    case 'empty':
      return '';
    case 'formula-without-result':
      return `=${cell.text}`;
    case 'text':
    case 'error':
      return cell.text;
    case 'number':
      return decimalText(cell.value);
    case 'date':
      return dateText(cell);
    case 'boolean':
      return cell.value ? 'TRUE' : 'FALSE';
  }
}

/** A number in plain decimal digits, as short as reads back to the same number. */
export function decimalText(value: number): string {
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (exponent === null) return text;
  const [, sign = '', first = '', rest = '', power = ''] = exponent;
  const digits = first + rest;
  const shift = Number(power);
  return shift >= 0 ? sign + digits.padEnd(shift + 1, '0') : `${sign}0.${'0'.repeat(-shift - 1)}${digits}`;
}

function dateText(cell: DateCell): string {
  const date = `${pad(cell.year, 4)}-${pad(cell.month, 2)}-${pad(cell.day, 2)}`;
  if (!cell.hasTime) return date;
  const fraction = cell.millisecond === 0 ? '' : `.${pad(cell.millisecond, 3)}`;
  return `${date}T${pad(cell.hour, 2)}:${pad(cell.minute, 2)}:${pad(cell.second, 2)}${fraction}`;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

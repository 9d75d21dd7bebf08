import { luxon } from '../core/luxon.js';
import type { Columns } from '../core/columns.js';
import { canonicalText, decimalText, type DateCell, type FilledCell, type WorkbookCell } from '../read/workbook-cell.js';
import type { WorkbookRecord } from '../read/workbook.js';
import { parseExpiresOn, readMoment } from './expires-on.js';
import type { Said } from '../core/words.js';
import {
  parseBalanceDelta,
  parseClientId,
  parseCreditAccountId,
  parseCurrentBalance,
  parseId,
  parseName,
  refuse,
  rowProblem,
  showCell,
  within,
  type Parsed,
} from './fields.js';
import type { RowCells } from './row-cells.js';
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

type TextCell = Extract<WorkbookCell, { kind: 'text' }>;

export function parseIdCell(cell: FilledCell): Parsed<string> {
  if (cell.kind === 'text') return fromText(cell, 'id', parseId);
  return unusable(cell) ?? refuse('TIC-CELL-NOT-TEXT', { address: cell.address, holds: describeValue(cell), column: 'id' });
}

export function parseNameCell(cell: FilledCell): Parsed<string> {
  if (cell.kind === 'text') return fromText(cell, 'name', parseName);
  return unusable(cell) ?? refuse('TIC-CELL-NOT-TEXT', { address: cell.address, holds: describeValue(cell), column: 'name', typed: canonicalText(cell) });
}

export function parseClientIdCell(cell: FilledCell): Parsed<string> {
  if (cell.kind === 'text') return fromText(cell, 'clientId', parseClientId);
  return unusable(cell) ?? refuse('TIC-CELL-NOT-TEXT', { address: cell.address, holds: describeValue(cell), column: 'clientId' });
}

export function parseCreditAccountIdCell(cell: FilledCell): Parsed<string> {
  if (cell.kind === 'text') return fromText(cell, 'creditAccountId', parseCreditAccountId);
  return unusable(cell) ?? refuse('TIC-CELL-NOT-TEXT', { address: cell.address, holds: describeValue(cell), column: 'creditAccountId' });
}

/**
 * A date without a time of day is read as that date written `2027-03-31` in
 * a CSV, under --date-only and --timezone; a date with a time of day is that
 * time on the clocks of --timezone. Both are refused when in the past, as in
 * a CSV, unless they keep `current`, the moment the field already holds.
 */
export function parseExpiresOnCell(cell: FilledCell, rules: FieldRules, current?: string): Parsed<string> {
  return readExpiresOnCell(cell, rules, (text) => parseExpiresOn(text, rules, current));
}

/** The moment an expiresOn cell names, past or not: how a `before.expiresOn` cell is read. */
export function readMomentCell(cell: FilledCell, rules: FieldRules): Parsed<string> {
  return readExpiresOnCell(cell, rules, (text) => readMoment(text, rules));
}

/** An expiresOn cell read as the CSV text it stands for would be, by `parse`. */
function readExpiresOnCell(cell: FilledCell, rules: FieldRules, parse: (text: string) => Parsed<string>): Parsed<string> {
  switch (cell.kind) {
    case 'text':
      return fromText(cell, 'expiresOn', parse);
    case 'date': {
      if (!cell.hasTime) return withAddress(cell, parse(canonicalText(cell)));
      const moment = onClocksOf(cell, rules.timezone);
      return moment.ok ? withAddress(cell, parse(moment.value)) : moment;
    }
    case 'number':
      return refuse('TIC-DATE-SERIAL', { address: cell.address, number: decimalText(cell.value) });
    default:
      return unusable(cell) ?? refuse('TIC-DATE-NOT-A-DATE', { address: cell.address, holds: describeValue(cell) });
  }
}

/** A whole number of credits: the number stored in the cell, whatever its format shows. */
export function parseCurrentBalanceCell(cell: FilledCell, rules: FieldRules): Parsed<number> {
  switch (cell.kind) {
    case 'text':
      return fromText(cell, 'currentBalance', (text) => parseCurrentBalance(text, rules.thousandsSeparator));
    case 'number': {
      const shown = { address: cell.address, holds: decimalText(cell.value) };
      if (cell.value < 0) return refuse('TIC-BALANCE-NEGATIVE', shown);
      if (!Number.isInteger(cell.value)) return refuse('TIC-BALANCE-NOT-WHOLE', shown);
      if (cell.value > Number.MAX_SAFE_INTEGER) return refuse('TIC-BALANCE-TOO-LARGE', shown);
      // -0 is a number a cell can hold; the balance is 0.
      return ok(cell.value + 0);
    }
    default:
      return unusable(cell) ?? refuse('TIC-BALANCE-NOT-A-NUMBER', { address: cell.address, holds: describeValue(cell) });
  }
}

/** Credits to add to the balance: the whole number stored in the cell, of either sign, whatever its format shows. */
export function parseBalanceDeltaCell(cell: FilledCell, rules: FieldRules): Parsed<number> {
  switch (cell.kind) {
    case 'text':
      return fromText(cell, 'currentBalanceDelta', (text) => parseBalanceDelta(text, rules.thousandsSeparator));
    case 'number': {
      const shown = { address: cell.address, holds: decimalText(cell.value) };
      if (!Number.isInteger(cell.value)) return refuse('TIC-DELTA-INVALID', { ...shown, problem: 'fraction' });
      if (Math.abs(cell.value) > Number.MAX_SAFE_INTEGER) return refuse('TIC-DELTA-INVALID', { ...shown, problem: 'too-large' });
      return ok(cell.value + 0);
    }
    default:
      return unusable(cell) ?? refuse('TIC-DELTA-INVALID', { address: cell.address, holds: describeValue(cell), problem: 'not-a-number' });
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
 * The cells of a sheet row, read by what each holds (see RowCells). Their
 * text, for the report and failed.csv, is each cell's canonical text, the
 * expiry columns' dates with a time given their offset: failed.csv re-runs
 * as it is, to the same values.
 */
export class WorkbookCells implements RowCells {
  readonly texts: readonly string[];
  readonly formulas: readonly string[];
  readonly #record: WorkbookRecord;
  readonly #rules: FieldRules;

  constructor(columns: Columns, record: WorkbookRecord, rules: FieldRules) {
    this.#record = record;
    this.#rules = rules;
    this.texts = withOffsets(record, [columns.fields.expiresOn, columns.before.expiresOn], rules);
    this.formulas = formulasOf(record);
  }

  get unit(): 'row' {
    return 'row';
  }

  isEmpty(index: number | undefined): boolean {
    return index === undefined || (this.#record.typed[index]?.kind ?? 'empty') === 'empty';
  }

  /** A sheet row is as wide as its sheet: only a value in a column the header does not name makes it too wide. */
  describeWidth(width: number): Said {
    const beyond = this.#record.typed.slice(width).filter((cell): cell is FilledCell => cell.kind !== 'empty');
    return rowProblem('TIC-ROW-WIDTH', {
      beyond: beyond.slice(0, 3).map((cell) => `${cell.address} (${showCell(canonicalText(cell))})`),
      count: beyond.length,
    });
  }

  id(index: number): Parsed<string> {
    return parseIdCell(this.#cell(index));
  }

  name(index: number, kept: string | undefined): Parsed<string> {
    const cell = this.#cell(index);
    return cell.kind === 'text' && cell.text === kept ? ok(cell.text) : parseNameCell(cell);
  }

  expiresOn(index: number, current: string | undefined): Parsed<string> {
    return parseExpiresOnCell(this.#cell(index), this.#rules, current);
  }

  currentBalance(index: number): Parsed<number> {
    return parseCurrentBalanceCell(this.#cell(index), this.#rules);
  }

  currentBalanceDelta(index: number): Parsed<number> {
    return parseBalanceDeltaCell(this.#cell(index), this.#rules);
  }

  clientId(index: number): Parsed<string> {
    return parseClientIdCell(this.#cell(index));
  }

  creditAccountId(index: number): Parsed<string> {
    return parseCreditAccountIdCell(this.#cell(index));
  }

  /** The name as it was, exactly as typed, spaces and all: compared, never sent. */
  beforeName(index: number): Parsed<string> {
    const cell = this.#cell(index);
    if (cell.kind === 'text') return ok(cell.text);
    return unusable(cell) ?? refuse('TIC-CELL-NOT-TEXT', { address: cell.address, holds: describeValue(cell), column: 'before.name' });
  }

  beforeExpiresOn(index: number): Parsed<string> {
    return readMomentCell(this.#cell(index), this.#rules);
  }

  beforeCurrentBalance(index: number): Parsed<number> {
    return parseCurrentBalanceCell(this.#cell(index), this.#rules);
  }

  /** A cell `isEmpty` said holds something. */
  #cell(index: number): FilledCell {
    const cell = this.#record.typed[index];
    if (cell === undefined || cell.kind === 'empty') throw new Error(`cell ${index} of row ${this.#record.line} is empty; isEmpty is asked first`);
    return cell;
  }
}

const NO_FORMULAS: readonly string[] = [];

/** The addresses of the cells that hold a formula; one shared empty list for the many rows that have none. */
function formulasOf(record: WorkbookRecord): readonly string[] {
  let formulas: string[] | undefined;
  for (const cell of record.typed) {
    if (cell.kind === 'formula-without-result' || cell.formula) (formulas ??= []).push(cell.address);
  }
  return formulas ?? NO_FORMULAS;
}

/** The record's texts, the cells at `indexes` written as expiresOnCsvText writes them; the record's own array when none changes. */
function withOffsets(record: WorkbookRecord, indexes: readonly (number | undefined)[], rules: FieldRules): readonly string[] {
  let texts: string[] | undefined;
  for (const index of indexes) {
    const cell = index === undefined ? undefined : record.typed[index];
    if (index === undefined || cell?.kind !== 'date' || !cell.hasTime) continue;
    texts ??= [...record.cells];
    texts[index] = expiresOnCsvText(cell, rules);
  }
  return texts ?? record.cells;
}

/**
 * The moment a date and time shows on the clocks of `zone`, with its
 * offset. A time the clocks skip when they go forward, or show twice when
 * they go back, is no single moment: it is refused, never moved.
 */
/** The last moment onClocksOf read in UTC, and what it made of it. */
let lastUtc:
  | {
      readonly year: number;
      readonly month: number;
      readonly day: number;
      readonly hour: number;
      readonly minute: number;
      readonly second: number;
      readonly millisecond: number;
      readonly moment: Parsed<string>;
    }
  | undefined;

function onClocksOf(cell: DateCell, zone: string): Parsed<string> {
  const { year, month, day, hour, minute, second, millisecond } = cell;
  // UTC's clocks never skip nor repeat: the digits are the answer, which keeps the common case of a large sheet off the date library.
  if (zone === 'UTC') {
    // A column of expiries mostly repeats one moment, asked for twice a row: the last answer is kept.
    const last = lastUtc;
    if (
      last !== undefined &&
      last.year === year &&
      last.month === month &&
      last.day === day &&
      last.hour === hour &&
      last.minute === minute &&
      last.second === second &&
      last.millisecond === millisecond
    )
      return last.moment;
    const moment = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond));
    if (moment.getUTCDate() === day) {
      const answer = ok(moment.toISOString());
      lastUtc = { year, month, day, hour, minute, second, millisecond, moment: answer };
      return answer;
    }
  }
  const moment = luxon().DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone });
  const shown = { address: cell.address, shown: JSON.stringify(canonicalText(cell)) };
  if (!moment.isValid) return refuse('TIC-DATE-NOT-REAL', shown);
  if (moment.hour !== hour || moment.minute !== minute) return refuse('TIC-TIME-SKIPPED', { ...shown, zone });
  if (moment.getPossibleOffsets().length > 1) return refuse('TIC-TIME-REPEATED', { ...shown, zone });
  return ok(moment.toISO() ?? '');
}

/** A cell the same CSV parser reads; a cell of spaces alone is refused, as in a CSV, not read as empty. */
function fromText<T>(cell: TextCell, column: string, parse: (text: string) => Parsed<T>): Parsed<T> {
  if (cell.text.trim() === '') return { ok: false, problem: within(`cell ${cell.address}: `, rowProblem('TIC-CELL-ONLY-SPACES', { column })) };
  return withAddress(cell, parse(cell.text));
}

function withAddress<T>(cell: FilledCell, parsed: Parsed<T>): Parsed<T> {
  return parsed.ok ? parsed : { ok: false, problem: within(`cell ${cell.address}: `, parsed.problem) };
}

/** Refuses a cell that holds no value to send, whatever the column. */
function unusable(cell: FilledCell): Parsed<never> | undefined {
  if (cell.kind === 'formula-without-result') return refuse('TIC-FORMULA-NOT-CALCULATED', { address: cell.address });
  if (cell.kind === 'error') return refuse('TIC-SPREADSHEET-ERROR', { address: cell.address, error: cell.text, formula: cell.formula });
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

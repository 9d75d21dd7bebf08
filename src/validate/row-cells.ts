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
  type Parsed,
} from './fields.js';
import type { FieldRules } from './rules.js';

/**
 * How the cells of one record are read, by column: a CSV line's text by the
 * text rules; a sheet row's cells by what each holds (workbook-cells.ts).
 * The verdict (row.ts) is the same whichever the source: one engine.
 */
export interface RowCells {
  /** The cells as text, as report.csv and failed.csv write them: text that reads back to the same values. */
  readonly texts: readonly string[];
  /** The cells whose value is the cached result of a formula, by address (`C7`); none in a CSV file. */
  readonly formulas: readonly string[];
  /** What the file's records are called in messages: lines of a CSV file, rows of a sheet. */
  readonly unit: 'line' | 'row';
  /** Whether the cell holds nothing: the field is left as it is. A column the header does not have holds nothing. */
  isEmpty(index: number | undefined): boolean;
  /** Why a record has cells the header does not name, or misses some. */
  describeWidth(width: number): Said;
  id(index: number): Parsed<string>;
  /** `kept`: the `before.name` of the row; a name equal to it changes nothing and is taken as it is, spaces and all. */
  name(index: number, kept: string | undefined): Parsed<string>;
  /** `current`: the moment the field holds, which a cell keeping it may give even if it is past. */
  expiresOn(index: number, current: string | undefined): Parsed<string>;
  currentBalance(index: number): Parsed<number>;
  /** Credits to add to the balance read just before the request: signed. */
  currentBalanceDelta(index: number): Parsed<number>;
  clientId(index: number): Parsed<string>;
  creditAccountId(index: number): Parsed<string>;
  /** The `before.*` cells: a name exactly as written, a moment past or not, a balance. */
  beforeName(index: number): Parsed<string>;
  beforeExpiresOn(index: number): Parsed<string>;
  beforeCurrentBalance(index: number): Parsed<number>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** A CSV file has no formulas: one empty list for all its rows. */
const NONE: readonly string[] = [];

/**
 * The cells of a CSV line: text, each read by the rules for its column. A
 * class rather than an object of closures: one is made for each row of a
 * file of millions.
 */
export class TextCells implements RowCells {
  readonly texts: readonly string[];
  readonly #rules: FieldRules;

  constructor(cells: readonly string[], rules: FieldRules) {
    this.texts = cells;
    this.#rules = rules;
  }

  get formulas(): readonly string[] {
    return NONE;
  }

  get unit(): 'line' {
    return 'line';
  }

  isEmpty(index: number | undefined): boolean {
    return index === undefined || this.#at(index) === '';
  }

  describeWidth(width: number): Said {
    return describeCellCount(this.texts, width);
  }

  id(index: number): Parsed<string> {
    return parseId(this.#at(index));
  }

  name(index: number, kept: string | undefined): Parsed<string> {
    const cell = this.#at(index);
    return cell === kept ? ok(cell) : (blank('name', cell) ?? parseName(cell));
  }

  expiresOn(index: number, current: string | undefined): Parsed<string> {
    const cell = this.#at(index);
    return blank('expiresOn', cell) ?? parseExpiresOn(cell, this.#rules, current);
  }

  currentBalance(index: number): Parsed<number> {
    const cell = this.#at(index);
    return blank('currentBalance', cell) ?? parseCurrentBalance(cell, this.#rules.thousandsSeparator);
  }

  currentBalanceDelta(index: number): Parsed<number> {
    const cell = this.#at(index);
    return blank('currentBalanceDelta', cell) ?? parseBalanceDelta(cell, this.#rules.thousandsSeparator);
  }

  clientId(index: number): Parsed<string> {
    return parseClientId(this.#at(index));
  }

  creditAccountId(index: number): Parsed<string> {
    return parseCreditAccountId(this.#at(index));
  }

  beforeName(index: number): Parsed<string> {
    return ok(this.#at(index));
  }

  beforeExpiresOn(index: number): Parsed<string> {
    return readMoment(this.#at(index), this.#rules);
  }

  beforeCurrentBalance(index: number): Parsed<number> {
    return parseCurrentBalance(this.#at(index), this.#rules.thousandsSeparator);
  }

  #at(index: number): string {
    return this.texts[index] ?? '';
  }
}

/** A cell of spaces is neither a value nor clearly "leave alone"; the user must say which. */
function blank(column: string, cell: string): Parsed<never> | undefined {
  return cell.trim() === '' ? refuse('TIC-CELL-ONLY-SPACES', { column }) : undefined;
}

function describeCellCount(cells: readonly string[], expected: number): Said {
  const extra =
    cells.length < expected
      ? []
      : cells
          .slice(expected)
          .filter((cell) => cell !== '')
          .map(showCell);
  return rowProblem('TIC-ROW-WIDTH', { cells: cells.length, header: expected, extra });
}

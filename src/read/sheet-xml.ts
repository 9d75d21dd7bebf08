import { cellAddress } from './workbook-cell.js';
import { count, DamagedPart, ESCAPE_LENGTH, LAST_CELL, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROW_CHARS, MAX_ROWS } from './workbook-limits.js';
import { xmlBoolean, type XmlAttributes, type XmlHandler } from './xml-reader.js';

/**
 * The cells of a worksheet part (`xl/worksheets/sheetN.xml`) as the XML
 * holds them, and what the sheet hides: hidden rows and columns, merged
 * ranges. exceljs's stream reader drops all three; it also reads a
 * formula's cached TRUE as the number 1 and its cached error as no value,
 * keeps only the last run of rich inline text and decodes entities in
 * inline text twice (`&amp;lt;` becomes `<`).
 *
 * What a part could hold without bound is refused as it is met (a
 * DamagedPart, see workbook-limits.ts): a row or cell beyond Excel's last
 * cell, the cells of a row out of order (so a row has at most one cell per
 * column), a cell or row with more text than any can hold, more column
 * ranges than columns. Hidden columns are kept as one flag per column, and
 * only the first merged ranges, as many as a message lists.
 */

/** A cell element, before shared strings and number formats give it a meaning. */
export interface SheetCellXml {
  /** 0-based: column A is 0. */
  readonly column: number;
  /** Index into the workbook's cell formats (`s`); 0 when absent. */
  readonly style: number;
  /** The `t` attribute: n (default), s, str, inlineStr, b, e or d. */
  readonly type: string;
  /** The formula as written in `<f>`, without its `=`; '' for a cell of a shared formula, whose text only the first cell has. Undefined: no formula. */
  readonly formula: string | undefined;
  /** The text of `<v>`, or of `<is>` for an inline string; undefined when there is none. */
  readonly value: string | undefined;
}

export interface SheetRowXml {
  /** The sheet's own row number, 1-based. */
  readonly line: number;
  readonly hidden: boolean;
  readonly cells: readonly SheetCellXml[];
}

/** The merged ranges kept to name in a message (it lists ten); the others are counted. */
const MERGES_KEPT = 10;

export class SheetXmlReader implements XmlHandler {
  /** Rows completed since the caller last took them. */
  rows: SheetRowXml[] = [];
  /** One flag per column: 1 when `<cols>` hides it. */
  readonly hiddenColumns = new Uint8Array(MAX_COLUMNS);
  hidesColumns = false;
  /** The first merged ranges, as written (`A8:B8`), and how many there are. */
  readonly merges: string[] = [];
  mergeCount = 0;

  #row: { line: number; hidden: boolean; cells: SheetCellXml[] } | undefined;
  #lastRow = 0;
  /** The column of the row's last cell element, -1 before its first. */
  #lastColumn = -1;
  /** The characters of text the row's cells hold so far, as written. */
  #rowChars = 0;
  #columnRanges = 0;
  #cell: { column: number; style: number; type: string; formula: string | undefined; value: string | undefined } | undefined;
  /** Whether the text met now is the cell's value (`<v>`, or a `<t>` of its inline string). */
  #collecting = false;
  /** Whether the text met now is the cell's formula (`<f>`). */
  #inFormula = false;
  #inInline = false;
  /** Inside a phonetic run (`<rPh>`), whose text is a reading aid, not part of the string. */
  #inPhonetic = false;
  /** The sheet's rows are hidden unless a row says otherwise (`<sheetFormatPr zeroHeight="1">`, or `defaultRowHeight="0"`). */
  #rowsHiddenByDefault = false;
  #zeroHeight = false;

  /** A cell holds one value: a second (`<v>` twice, `<is>` after `<v>`) is a damaged file, never one of the two picked. */
  #secondValue(cell: { readonly column: number; readonly value: string | undefined }): void {
    if (cell.value !== undefined) throw new DamagedPart(`cell ${cellAddress(cell.column, this.#row?.line ?? 0)} holds two values`);
  }

  open(name: string, attributes: XmlAttributes): void {
    switch (name) {
      case 'col':
        // A range per column at most: ranges never overlap.
        if (++this.#columnRanges > MAX_COLUMNS)
          throw new DamagedPart(`more than ${count(MAX_COLUMNS)} column ranges are described, more than the sheet has columns`);
        if (xmlBoolean(attributes['hidden']) || Number(attributes['width']) === 0) {
          const first = Math.max(1, Number(attributes['min']));
          const last = Math.min(MAX_COLUMNS, Number(attributes['max']));
          // A range outside the sheet's columns (or not numbers) hides none of them.
          if (first <= last) {
            this.hiddenColumns.fill(1, first - 1, last);
            this.hidesColumns = true;
          }
        }
        break;
      case 'sheetFormatPr':
        // Rows hidden unless they say otherwise: hidden by default (zeroHeight), or of no height by default.
        this.#zeroHeight = xmlBoolean(attributes['zeroHeight']);
        this.#rowsHiddenByDefault = this.#zeroHeight || Number(attributes['defaultRowHeight']) === 0;
        break;
      case 'row': {
        // `r` may be left out, meaning the row after the previous one.
        const reference = attributes['r'];
        const line = reference === undefined ? this.#lastRow + 1 : Number(reference);
        if (line > MAX_ROWS) throw new DamagedPart(`row ${clip(reference ?? String(line))} lies beyond Excel's last row, ${count(MAX_ROWS)}`);
        this.#lastRow = line;
        this.#lastColumn = -1;
        this.#rowChars = 0;
        const height = Number(attributes['ht']);
        // In a sheet whose rows are hidden by default, a row shows only at a height of its own (customHeight, as Excel writes it, for zeroHeight).
        const ownHeight = height > 0 && (xmlBoolean(attributes['customHeight']) || !this.#zeroHeight);
        const hidden = xmlBoolean(attributes['hidden']) || height === 0 || (this.#rowsHiddenByDefault && !ownHeight);
        this.#row = { line, hidden, cells: [] };
        break;
      }
      case 'c': {
        if (this.#row === undefined) break;
        const column = this.#column(attributes['r'], this.#row.line);
        this.#lastColumn = column;
        this.#cell = { column, style: Number(attributes['s'] ?? 0), type: attributes['t'] ?? 'n', formula: undefined, value: undefined };
        break;
      }
      case 'f':
        if (this.#cell !== undefined) {
          this.#cell.formula = '';
          this.#inFormula = true;
        }
        break;
      case 'v':
        if (this.#cell !== undefined) {
          this.#secondValue(this.#cell);
          this.#cell.value = '';
          this.#collecting = true;
        }
        break;
      case 'is':
        if (this.#cell !== undefined) {
          this.#secondValue(this.#cell);
          this.#cell.value = '';
          this.#inInline = true;
        }
        break;
      case 'rPh':
        this.#inPhonetic = true;
        break;
      case 't':
        if (this.#inInline && !this.#inPhonetic) this.#collecting = true;
        break;
      case 'mergeCell': {
        const range = attributes['ref'];
        if (range === undefined) break;
        if (this.mergeCount++ < MERGES_KEPT) this.merges.push(clip(range));
        break;
      }
    }
  }

  text(text: string): void {
    const cell = this.#cell;
    if (cell === undefined) return;
    if (this.#collecting) cell.value += text;
    else if (this.#inFormula) cell.formula += text;
    else return;
    this.#rowChars += text.length;
    if ((cell.value?.length ?? 0) > ESCAPE_LENGTH * MAX_CELL_CHARS || (cell.formula?.length ?? 0) > ESCAPE_LENGTH * MAX_CELL_CHARS) {
      throw new DamagedPart(
        `cell ${cellAddress(cell.column, this.#row?.line ?? 0)} holds more than ${count(MAX_CELL_CHARS)} characters, the most Excel lets a cell hold`,
      );
    }
    if (this.#rowChars > ESCAPE_LENGTH * MAX_ROW_CHARS) throw tooMuchText(this.#row?.line ?? 0);
  }

  /** The 0-based column of a cell element; a cell without `r` is the one after the previous. */
  #column(reference: string | undefined, line: number): number {
    let column: number;
    if (reference === undefined) column = this.#lastColumn + 1;
    else {
      const letters = /^[A-Za-z]+(?=\d+$)/.exec(reference)?.[0];
      if (letters === undefined)
        throw new DamagedPart(`a cell of row ${line} has the reference ${JSON.stringify(clip(reference))}, which is not a cell address`);
      column = letters.length > 3 ? MAX_COLUMNS : columnOf(letters);
    }
    const address = reference === undefined ? cellAddress(Math.min(column, MAX_COLUMNS), line) : clip(reference);
    if (column >= MAX_COLUMNS) throw new DamagedPart(`cell ${address} lies beyond Excel's last cell, ${LAST_CELL}`);
    if (column <= this.#lastColumn)
      throw new DamagedPart(`the cells of row ${line} are not in order (${address} comes after ${cellAddress(this.#lastColumn, line)})`);
    return column;
  }

  close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.#collecting = false;
        break;
      case 'f':
        this.#inFormula = false;
        break;
      case 'rPh':
        this.#inPhonetic = false;
        break;
      case 'is':
        this.#inInline = false;
        break;
      case 'c':
        // A cell with neither value nor formula only carries a format: it is empty.
        if (this.#cell !== undefined && (this.#cell.value !== undefined || this.#cell.formula !== undefined)) this.#row?.cells.push(this.#cell);
        this.#cell = undefined;
        break;
      case 'row':
        if (this.#row !== undefined && this.#row.cells.length > 0) this.rows.push(this.#row);
        this.#row = undefined;
        break;
    }
  }
}

/** Why a row is refused for the text it holds. */
export function tooMuchText(line: number): DamagedPart {
  return new DamagedPart(`row ${line} holds more than ${count(MAX_ROW_CHARS)} characters of text, more than a row of changes can need`);
}

/** A reference as a message shows it: a reference long enough to be an attack is cut. */
function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

/** The 0-based column of a cell reference such as `C7` (2) or `AA10` (26). */
export function columnOf(reference: string): number {
  let column = 0;
  for (let index = 0; index < reference.length; index++) {
    const code = reference.charCodeAt(index) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return column - 1;
}

const ESCAPED_CHARACTER = /_x([0-9A-Fa-f]{4})_/g;

/**
 * Text as the workbook holds it: Open XML writes a character XML cannot
 * carry (a carriage return, a control character) as `_x000D_`, and a
 * literal `_x` that would read as one with its underscore escaped, `_x005F_`.
 */
export function restoreEscapedCharacters(text: string): string {
  return text.includes('_x') ? text.replace(ESCAPED_CHARACTER, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text;
}

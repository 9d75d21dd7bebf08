import { xmlBoolean, type XmlAttributes, type XmlHandler } from './xml-reader.js';

/**
 * The cells of a worksheet part (`xl/worksheets/sheetN.xml`) as the XML
 * holds them, and what the sheet hides: hidden rows and columns, merged
 * ranges. exceljs's stream reader drops all three; it also reads a
 * formula's cached TRUE as the number 1 and its cached error as no value,
 * keeps only the last run of rich inline text and decodes entities in
 * inline text twice (`&amp;lt;` becomes `<`).
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

/** A run of columns `<cols>` hides, 0-based and inclusive. */
export interface ColumnRange {
  readonly first: number;
  readonly last: number;
}

export class SheetXmlReader implements XmlHandler {
  /** Rows completed since the caller last took them. */
  rows: SheetRowXml[] = [];
  readonly hiddenColumns: ColumnRange[] = [];
  /** Merged ranges, as written (`A8:B8`). */
  readonly merges: string[] = [];

  #row: { line: number; hidden: boolean; cells: SheetCellXml[] } | undefined;
  #lastRow = 0;
  #cell: { column: number; style: number; type: string; formula: string | undefined; value: string | undefined } | undefined;
  /** Whether the text met now is the cell's value (`<v>`, or a `<t>` of its inline string). */
  #collecting = false;
  /** Whether the text met now is the cell's formula (`<f>`). */
  #inFormula = false;
  #inInline = false;
  /** Inside a phonetic run (`<rPh>`), whose text is a reading aid, not part of the string. */
  #inPhonetic = false;

  open(name: string, attributes: XmlAttributes): void {
    switch (name) {
      case 'col':
        if (xmlBoolean(attributes['hidden']) || Number(attributes['width']) === 0) {
          this.hiddenColumns.push({ first: Number(attributes['min']) - 1, last: Number(attributes['max']) - 1 });
        }
        break;
      case 'row': {
        // `r` may be left out, meaning the row after the previous one.
        const reference = attributes['r'];
        const line = reference === undefined ? this.#lastRow + 1 : Number(reference);
        this.#lastRow = line;
        this.#row = { line, hidden: xmlBoolean(attributes['hidden']) || Number(attributes['ht']) === 0, cells: [] };
        break;
      }
      case 'c': {
        if (this.#row === undefined) break;
        const previous = this.#row.cells.at(-1);
        const reference = attributes['r'];
        const column = reference === undefined ? (previous === undefined ? 0 : previous.column + 1) : columnOf(reference);
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
          this.#cell.value = '';
          this.#collecting = true;
        }
        break;
      case 'is':
        if (this.#cell !== undefined) {
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
        if (range !== undefined) this.merges.push(range);
        break;
      }
    }
  }

  text(text: string): void {
    if (this.#cell === undefined) return;
    if (this.#collecting) this.#cell.value += text;
    else if (this.#inFormula) this.#cell.formula += text;
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

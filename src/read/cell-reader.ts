import type { TiError } from '../core/errors.js';
import type { CalendarParts } from '../core/sheet-values.js';
import { serialToCalendar } from './excel-dates.js';
import type { NumberShown } from './number-format.js';
import type { SharedStrings } from './shared-strings.js';
import { restoreEscapedCharacters, type SheetCellXml } from './sheet-xml.js';
import { cellAddress, type WorkbookCell } from './workbook-cell.js';
import { count, MAX_CELL_CHARS } from './workbook-limits.js';
import { describeDamagedWorkbook, type WorkbookParts } from './workbook-parts.js';

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?)?Z?$/;

/**
 * Turns a cell element into what it holds, with the workbook's shared
 * strings, number formats and date system. A cell the XML cannot mean
 * (a number that is not one, a shared string the workbook does not have)
 * stops the reading: the file is damaged, and no guess is made.
 */
export class CellReader {
  readonly #path: string;
  readonly #parts: WorkbookParts;
  readonly #sharedStrings: SharedStrings;

  constructor(path: string, parts: WorkbookParts, sharedStrings: SharedStrings) {
    this.#path = path;
    this.#parts = parts;
    this.#sharedStrings = sharedStrings;
  }

  read(xml: SheetCellXml, row: number): WorkbookCell {
    const address = cellAddress(xml.column, row);
    const cell = this.#read(xml, address);
    if ((cell.kind === 'text' || cell.kind === 'error' || cell.kind === 'formula-without-result') && cell.text.length > MAX_CELL_CHARS) {
      throw this.#damaged(address, `holds ${count(cell.text.length)} characters, more than the ${count(MAX_CELL_CHARS)} Excel lets a cell hold`);
    }
    return cell;
  }

  #read(xml: SheetCellXml, address: string): WorkbookCell {
    const { value } = xml;
    const formula = xml.formula !== undefined;
    // A formula's value is the result cached when the workbook was last calculated; one never calculated has none.
    if (value === undefined || (value === '' && !isText(xml.type)))
      return xml.formula !== undefined ? { kind: 'formula-without-result', address, text: xml.formula } : { kind: 'empty', address, formula };
    switch (xml.type) {
      case 's': {
        const text = /^\d+$/.test(value) ? this.#sharedStrings.get(Number(value)) : undefined;
        if (text === undefined) throw this.#damaged(address, `refers to shared string ${JSON.stringify(value)}, which the workbook does not have`);
        return textCell(address, formula, text);
      }
      case 'str':
      case 'inlineStr':
        return textCell(address, formula, restoreEscapedCharacters(value));
      case 'b':
        if (value !== '0' && value !== '1') throw this.#damaged(address, `holds ${JSON.stringify(value)} as a boolean`);
        return { kind: 'boolean', address, formula, value: value === '1' };
      case 'e':
        return { kind: 'error', address, formula, text: value };
      case 'd':
        return this.#isoDate(address, formula, value, this.#shown(xml.style));
      case 'n':
        return this.#number(address, formula, value, this.#shown(xml.style));
      default:
        throw this.#damaged(address, `has the unknown type ${JSON.stringify(xml.type)}`);
    }
  }

  #shown(style: number): NumberShown {
    return this.#parts.styles[style] ?? 'number';
  }

  #number(address: string, formula: boolean, text: string, shown: NumberShown): WorkbookCell {
    if (!NUMBER.test(text)) throw this.#damaged(address, `holds ${JSON.stringify(text.slice(0, 40))} as a number`);
    const value = Number(text);
    const parts = shown === 'number' ? undefined : serialToCalendar(value, this.#parts.date1904);
    // A serial no date can show (Excel fills the cell with ####) stays the number it is.
    if (parts === undefined) return { kind: 'number', address, formula, value };
    return dateCell(address, formula, parts, shown === 'date-time');
  }

  /** A date written as ISO 8601 (`t="d"`), as strict Open XML writes dates; a General format shows its time if it has one. */
  #isoDate(address: string, formula: boolean, text: string, shown: NumberShown): WorkbookCell {
    const match = ISO_DATE_TIME.exec(text);
    if (match === null) throw this.#damaged(address, `holds ${JSON.stringify(text.slice(0, 40))} as a date`);
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
    const millisecond = Number((match[7] ?? '').padEnd(3, '0'));
    const timeOfDay = hour !== 0 || minute !== 0 || second !== 0 || millisecond !== 0;
    return dateCell(address, formula, { year, month, day, hour, minute, second, millisecond }, shown === 'date-time' || (shown === 'number' && timeOfDay));
  }

  #damaged(address: string, what: string): TiError {
    return describeDamagedWorkbook(this.#path, `cell ${address} ${what}`);
  }
}

function isText(type: string): boolean {
  return type === 's' || type === 'str' || type === 'inlineStr';
}

/** Text that is empty shows nothing, as an empty cell does (a formula returning "" is one). */
function textCell(address: string, formula: boolean, text: string): WorkbookCell {
  return text === '' ? { kind: 'empty', address, formula } : { kind: 'text', address, formula, text };
}

function dateCell(address: string, formula: boolean, parts: CalendarParts, hasTime: boolean): WorkbookCell {
  const time = hasTime ? parts : { hour: 0, minute: 0, second: 0, millisecond: 0 };
  return {
    kind: 'date',
    address,
    formula,
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
    millisecond: time.millisecond,
    hasTime,
  };
}

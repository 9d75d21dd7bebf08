import { restoreEscapedCharacters } from './sheet-xml.js';
import { utf8Decoder, type WorkbookParts } from './workbook-parts.js';
import { XmlReader } from './xml-reader.js';

/**
 * The workbook's shared strings (xl/sharedStrings.xml), which cells refer
 * to by number: rich text flattened to its characters, phonetic guides left
 * out. They are read as far as needed: to the end before a sheet is read,
 * since any of its cells may refer to any of them, and only as far as the
 * first rows need to choose the sheet. What has been read is held in memory.
 *
 * exceljs's stream reader reads a string with a phonetic guide (the reading
 * Japanese Excel keeps with a name typed in kanji) as the reading alone,
 * and keeps the whitespace between the tags of an indented part.
 */
export class SharedStrings {
  readonly #strings: string[] = [];
  #chunks: AsyncGenerator<Buffer> | undefined;
  readonly #reader: XmlReader;
  readonly #decoder = utf8Decoder();

  constructor(parts: WorkbookParts) {
    this.#chunks = parts.sharedStringsPart === undefined ? undefined : parts.archive.chunks(parts.sharedStringsPart);
    const strings = this.#strings;
    let current: string | undefined;
    let collecting = false;
    let phonetic = false;
    this.#reader = new XmlReader({
      open(name) {
        if (name === 'si') current = '';
        else if (name === 'rPh') phonetic = true;
        else if (name === 't') collecting = current !== undefined && !phonetic;
      },
      close(name) {
        if (name === 't') collecting = false;
        else if (name === 'rPh') phonetic = false;
        else if (name === 'si' && current !== undefined) {
          strings.push(restoreEscapedCharacters(current));
          current = undefined;
        }
      },
      text(text) {
        if (collecting) current += text;
      },
    });
  }

  /** The string at `index`, once read; undefined when the workbook has none there. */
  get(index: number): string | undefined {
    return this.#strings[index];
  }

  /** Reads on until `count` strings are known, or all of them. */
  async readUpTo(count: number): Promise<void> {
    while (this.#strings.length < count && this.#chunks !== undefined) {
      const next = await this.#chunks.next();
      if (next.done === true) {
        this.#chunks = undefined;
        this.#reader.write(this.#decoder.decode());
        this.#reader.end();
      } else {
        this.#reader.write(this.#decoder.decode(next.value));
      }
    }
  }

  /** Stops reading, closing what was opened for it. */
  async close(): Promise<void> {
    await this.#chunks?.return(undefined);
    this.#chunks = undefined;
  }
}

import { restoreEscapedCharacters } from './sheet-xml.js';
import { count, DamagedPart, ESCAPE_LENGTH, MAX_CELL_CHARS, MAX_SHARED_STRINGS } from './workbook-limits.js';
import { utf8Decoder, type WorkbookParts } from './workbook-parts.js';
import { XmlReader } from './xml-reader.js';

/**
 * The workbook's shared strings (xl/sharedStrings.xml), which cells refer
 * to by number: rich text flattened to its characters, phonetic guides left
 * out. They are read as far as needed: to the end before a sheet is read,
 * since any of its cells may refer to any of them, and only as far as the
 * first rows need to choose the sheet. What has been read is held in memory,
 * as UTF-8 bytes (StringTable), outside V8's heap: a string no longer than
 * a cell may be, and no more strings than MAX_SHARED_STRINGS.
 *
 * exceljs's stream reader reads a string with a phonetic guide (the reading
 * Japanese Excel keeps with a name typed in kanji) as the reading alone,
 * and keeps the whitespace between the tags of an indented part.
 */
export class SharedStrings {
  readonly #strings: StringTable;
  #chunks: AsyncGenerator<Buffer> | undefined;
  readonly #reader: XmlReader;
  readonly #decoder = utf8Decoder();

  constructor(parts: WorkbookParts) {
    const part = parts.sharedStringsPart ?? 'the shared strings';
    // Their text is shorter than the part: room for it all at once, which the system backs with memory only as it is written.
    this.#strings = new StringTable(parts.sharedStringsPart === undefined ? 0 : parts.archive.inflatedSize(parts.sharedStringsPart));
    this.#chunks = parts.sharedStringsPart === undefined ? undefined : parts.archive.chunks(parts.sharedStringsPart);
    const strings = this.#strings;
    let current: string | undefined;
    let collecting = false;
    let phonetic = false;
    this.#reader = new XmlReader(
      {
        open(name) {
          if (name === 'si') current = '';
          else if (name === 'rPh') phonetic = true;
          else if (name === 't') collecting = current !== undefined && !phonetic;
        },
        close(name) {
          if (name === 't') collecting = false;
          else if (name === 'rPh') phonetic = false;
          else if (name === 'si' && current !== undefined) {
            const text = restoreEscapedCharacters(current);
            if (text.length > MAX_CELL_CHARS) throw tooLong(part, strings.size);
            if (strings.size >= MAX_SHARED_STRINGS)
              throw new DamagedPart(`${part} holds more than ${count(MAX_SHARED_STRINGS)} strings, more than a sheet can refer to`);
            strings.push(text);
            current = undefined;
          }
        },
        text(text) {
          if (!collecting || current === undefined) return;
          current += text;
          if (current.length > ESCAPE_LENGTH * MAX_CELL_CHARS) throw tooLong(part, strings.size);
        },
      },
      part,
    );
  }

  /** The string at `index`, once read; undefined when the workbook has none there. */
  get(index: number): string | undefined {
    return this.#strings.get(index);
  }

  /** Reads on until `count` strings are known, or all of them. */
  async readUpTo(count: number): Promise<void> {
    while (this.#strings.size < count && this.#chunks !== undefined) {
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

function tooLong(part: string, index: number): DamagedPart {
  return new DamagedPart(`shared string ${index} of ${part} is longer than ${count(MAX_CELL_CHARS)} characters, the most Excel lets a cell hold`);
}

/**
 * Strings by number, kept as UTF-8 bytes in one buffer with their offsets.
 * A workbook's shared strings are most of what a large sheet holds (each id
 * and name), and they live for the whole read: as JavaScript strings they
 * were most of V8's live heap, which V8 lets grow, in garbage, to several
 * times its live size before it collects; held outside the heap, they leave
 * it small, and a 100,000-row sheet validates within its memory target.
 * Each `get` decodes a new string, which dies young with the row.
 */
class StringTable {
  #bytes: Buffer;
  #used = 0;
  /** Where string `i` starts (`i`) and ends (`i + 1`) in #bytes. */
  #offsets = new Uint32Array(1024);
  #size = 0;

  constructor(capacity: number) {
    this.#bytes = Buffer.allocUnsafe(Math.max(64 * 1024, capacity));
  }

  get size(): number {
    return this.#size;
  }

  push(text: string): void {
    const length = Buffer.byteLength(text);
    if (this.#used + length > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#used + length));
      this.#bytes.copy(grown, 0, 0, this.#used);
      this.#bytes = grown;
    }
    this.#used += this.#bytes.write(text, this.#used);
    if (this.#size + 2 > this.#offsets.length) {
      const grown = new Uint32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets[++this.#size] = this.#used;
  }

  get(index: number): string | undefined {
    if (index >= this.#size) return undefined;
    return this.#bytes.toString('utf8', this.#offsets[index], this.#offsets[index + 1]);
  }
}

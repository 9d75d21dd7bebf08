import { SaxesParser } from 'saxes';
import { count, DamagedPart, MAX_TEXT_RUN } from './workbook-limits.js';

/**
 * The XML of a workbook's parts, read as a stream of events by saxes:
 * start and end tags with their attributes, and text with its entities
 * decoded. Element names lose their namespace prefix (`x:row` is `row`),
 * since some writers prefix the spreadsheet namespace and others make it
 * the default; attributes keep theirs (`r:id`).
 *
 * saxes checks the document is well-formed and stops at the first place it
 * is not, rather than reading around it. It decodes the five predefined
 * entities and character references and refuses any other entity; it never
 * expands entities a document type declaration defines, and a workbook part
 * never has one, so one is refused outright.
 *
 * saxes holds the text between two tags whole before it hands it on, so a
 * run of text longer than MAX_TEXT_RUN is refused before saxes sees it.
 */

export interface XmlHandler {
  /** A start tag; a self-closing tag is reported as its start then its end. */
  open(name: string, attributes: XmlAttributes): void;
  close(name: string): void;
  /** Character data (CDATA included), possibly in several pieces between two tags. */
  text(text: string): void;
}

/** The attributes of a start tag, by qualified name, values decoded. */
export type XmlAttributes = Readonly<Record<string, string>>;

export class XmlError extends Error {}

export class XmlReader {
  readonly #parser: SaxesParser<{ readonly xmlns: false; readonly position: false }>;
  readonly #part: string;
  /** Characters written since the last `<`. */
  #run = 0;

  /** `part` names the part read, in messages. */
  constructor(handler: XmlHandler, part: string) {
    this.#part = part;
    // Without positions saxes reads a sheet about a third faster; a damaged part is refused whole, so where matters little.
    const parser = new SaxesParser({ xmlns: false, position: false });
    parser.on('opentag', (tag) => handler.open(localName(tag.name), tag.attributes));
    parser.on('closetag', (tag) => handler.close(localName(tag.name)));
    parser.on('text', (text) => handler.text(text));
    parser.on('cdata', (text) => handler.text(text));
    parser.on('doctype', () => {
      throw new XmlError('the document has a document type declaration, which a workbook never has');
    });
    parser.on('error', (error) => {
      throw new XmlError(error.message.replace(/\.$/, ''));
    });
    this.#parser = parser;
  }

  write(chunk: string): void {
    const first = chunk.indexOf('<');
    if (first < 0) this.#run += chunk.length;
    else {
      this.#run += first;
      // Within a chunk no longer than the bound, no run between two of its tags can pass it.
      for (let at = first; chunk.length > MAX_TEXT_RUN && this.#run <= MAX_TEXT_RUN;) {
        const next = chunk.indexOf('<', at + 1);
        if (next < 0) break;
        this.#run = Math.max(this.#run, next - at - 1);
        at = next;
      }
      if (this.#run <= MAX_TEXT_RUN) this.#run = chunk.length - chunk.lastIndexOf('<') - 1;
    }
    if (this.#run > MAX_TEXT_RUN)
      throw new DamagedPart(`${this.#part} holds more than ${count(MAX_TEXT_RUN)} characters between two tags, more than any cell holds`);
    this.#parser.write(chunk);
  }

  /** Checks that the document ended where it should, every element closed. */
  end(): void {
    this.#parser.close();
  }
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** An attribute of XML Schema's boolean type, which may be written `1` or `true`. */
export function xmlBoolean(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

import { SaxesParser } from 'saxes';

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

  constructor(handler: XmlHandler) {
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

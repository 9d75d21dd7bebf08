/**
 * A streaming scanner for the XML a workbook's parts are written in: start
 * and end tags with their attributes, and text with its entities decoded.
 * Element names lose their namespace prefix (`x:row` is `row`), since some
 * writers prefix the spreadsheet namespace and others make it the default.
 *
 * It is not a validating parser, but it stops at what it cannot read with
 * certainty (a tag left open, an unknown entity, a document type
 * declaration, which is also how entity-expansion bombs are kept out)
 * rather than read around it.
 */

export interface XmlHandler {
  /** A start tag; a self-closing tag is reported as its start then its end. */
  open(name: string, attributes: XmlAttributes): void;
  close(name: string): void;
  /** Character data between two tags, whole (never cut by a chunk's end). */
  text(text: string): void;
}

/**
 * The attributes of the tag being reported, read on demand: most tags of a
 * sheet are asked for one or two of theirs, and a large sheet has millions.
 * Valid only during the `open` call it is given to.
 */
export interface XmlAttributes {
  get(name: string): string | undefined;
  /** Every attribute, by qualified name. */
  all(): Readonly<Record<string, string>>;
}

export class XmlError extends Error {}

/** What ends a tag, or starts a quoted attribute value that may hold a `>`. */
const TAG_STOP = /["'<>]/g;
const TAG_NAME = /[^\s/>]+/y;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const NOT_AN_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export class XmlScanner {
  readonly #handler: XmlHandler;
  /** What a chunk ended in the middle of: a tag, or text whose end is not known yet. */
  #carry = '';
  readonly #open: string[] = [];
  readonly #attributes = new LazyAttributes();

  constructor(handler: XmlHandler) {
    this.#handler = handler;
  }

  write(chunk: string): void {
    const text = this.#carry + chunk;
    let position = 0;
    for (;;) {
      const start = text.indexOf('<', position);
      // Text with no tag after it yet may continue in the next chunk, possibly in the middle of an entity.
      if (start < 0) break;
      const end = markupEnd(text, start);
      if (end < 0) break;
      if (start > position) this.#handler.text(decode(text.slice(position, start)));
      this.#markup(text, start, end);
      position = end + 1;
    }
    this.#carry = text.slice(position);
  }

  /** Checks that the document ended where it should, every element closed. */
  end(): void {
    if (this.#carry.trim() !== '') throw new XmlError('the document is cut short');
    const unclosed = this.#open.at(-1);
    if (unclosed !== undefined) throw new XmlError(`the document ends before <${unclosed}> is closed`);
  }

  #markup(text: string, start: number, end: number): void {
    const second = text[start + 1];
    if (second === '?' || text.startsWith('<!--', start)) return;
    if (text.startsWith('<![CDATA[', start)) {
      this.#handler.text(text.slice(start + 9, end - 2));
      return;
    }
    if (second === '/') {
      const name = text.slice(start + 2, end).trim();
      if (this.#open.pop() !== name) throw new XmlError(`</${name}> closes an element that is not open`);
      this.#handler.close(localName(name));
      return;
    }
    const selfClosing = text.charCodeAt(end - 1) === 0x2f;
    TAG_NAME.lastIndex = start + 1;
    const name = TAG_NAME.exec(text)?.[0];
    if (name === undefined) throw new XmlError('a tag has no name');
    const local = localName(name);
    this.#attributes.reset(text, start + 1 + name.length, selfClosing ? end - 1 : end);
    this.#handler.open(local, this.#attributes);
    if (selfClosing) this.#handler.close(local);
    else this.#open.push(name);
  }
}

/** One object for every tag: the text of its attributes is only cut out and read when asked for. */
class LazyAttributes implements XmlAttributes {
  #text = '';
  #from = 0;
  #to = 0;
  #read: string | undefined;

  reset(text: string, from: number, to: number): void {
    this.#text = text;
    this.#from = from;
    this.#to = to;
    this.#read = undefined;
  }

  get(name: string): string | undefined {
    this.#read ??= this.#text.slice(this.#from, this.#to);
    let pattern = ATTRIBUTE_NAMED.get(name);
    if (pattern === undefined) {
      // Names come from this code, never from the file: none needs escaping.
      pattern = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
      ATTRIBUTE_NAMED.set(name, pattern);
    }
    const match = pattern.exec(this.#read);
    return match === null ? undefined : decode(match[1] ?? match[2] ?? '');
  }

  all(): Readonly<Record<string, string>> {
    const attributes: Record<string, string> = {};
    for (const match of this.#text.slice(this.#from, this.#to).matchAll(ATTRIBUTE)) attributes[match[1] ?? ''] = decode(match[2] ?? match[3] ?? '');
    return attributes;
  }
}

const ATTRIBUTE_NAMED = new Map<string, RegExp>();

/** The index of the `>` that ends the markup starting at `start`, or -1 when the text ends first. */
function markupEnd(text: string, start: number): number {
  const second = text[start + 1];
  if (second === undefined) return -1;
  if (second === '!') {
    if (text.startsWith('<!--', start)) return endAfter(text, '-->', start + 4);
    if (text.startsWith('<![CDATA[', start)) return endAfter(text, ']]>', start + 9);
    // The chunk ends too soon to tell a comment or CDATA from a declaration.
    const head = text.slice(start, start + 9);
    if ('<!--'.startsWith(head) || '<![CDATA['.startsWith(head)) return -1;
    throw new XmlError('the document has a document type declaration, which a workbook never has');
  }
  if (second === '?') return endAfter(text, '?>', start + 2);
  TAG_STOP.lastIndex = start + 1;
  for (;;) {
    const stop = TAG_STOP.exec(text);
    if (stop === null) return -1;
    if (stop[0] === '>') return stop.index;
    if (stop[0] === '<') throw new XmlError('a "<" appears inside a tag');
    const closing = text.indexOf(stop[0], stop.index + 1);
    if (closing < 0) return -1;
    TAG_STOP.lastIndex = closing + 1;
  }
}

function endAfter(text: string, terminator: string, from: number): number {
  const index = text.indexOf(terminator, from);
  return index < 0 ? -1 : index + terminator.length - 1;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function decode(text: string): string {
  if (!text.includes('&')) return text;
  if (NOT_AN_ENTITY.test(text)) throw new XmlError(`"${text.slice(0, 40)}" has an "&" that starts no known entity`);
  return text.replace(ENTITY, (_match, named: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return NAMED[named] ?? '';
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    if (code === 0 || code > 0x10ffff) throw new XmlError(`&#${decimal ?? `x${hex ?? ''}`}; is not a character`);
    return String.fromCodePoint(code);
  });
}

/** An attribute of XML Schema's boolean type, which may be written `1` or `true`. */
export function xmlBoolean(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

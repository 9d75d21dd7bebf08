import { posix } from 'node:path';
import { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { BUILT_IN_FORMATS, numberShown, type NumberShown } from './number-format.js';
import { describeFileError } from './read-errors.js';
import { DamagedPart } from './workbook-limits.js';
import { xmlBoolean, XmlError, XmlReader, type XmlAttributes, type XmlHandler } from './xml-reader.js';
import { ZipArchive, ZipError } from './zip-archive.js';

/**
 * An open workbook: its zip archive, and what its parts say about reading
 * the sheets (xl/workbook.xml and its relationships, xl/styles.xml; the
 * shared strings are read by shared-strings.ts).
 *
 * These are read here rather than by exceljs's stream reader, which reads
 * `date1904="true"` (as LibreOffice writes it) as the 1900 system, four
 * years off; names sheets "Sheet1", "Sheet2" when the relationships give
 * absolute paths (as openpyxl writes them; exceljs issue 2663); gives
 * built-in format 22 without its time; and can lose the last entry of the
 * zip (see zip-archive.ts).
 */

export interface SheetInfo {
  readonly name: string;
  /** Hidden or "very hidden" (only a macro can show it again). */
  readonly hidden: boolean;
  /** The worksheet part, e.g. `xl/worksheets/sheet1.xml`. */
  readonly part: string;
}

export interface WorkbookParts {
  readonly archive: ZipArchive;
  /** The worksheets, in the order of the workbook's tabs; chart sheets hold no cells and are left out. */
  readonly sheets: readonly SheetInfo[];
  readonly date1904: boolean;
  /** What each cell style (the `s` of a cell) shows a number as; a style not listed shows a number. */
  readonly styles: readonly NumberShown[];
  /** The shared strings part, when the workbook has one. */
  readonly sharedStringsPart: string | undefined;
}

/** Enough for the small parts of any real workbook, little enough that a crafted one cannot exhaust memory. */
const MAX_PART_BYTES = 64 * 1024 * 1024;
const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELATIONSHIPS = 'xl/_rels/workbook.xml.rels';

/** Opens the workbook; the caller closes `archive` once done with it. */
export async function openWorkbook(path: string): Promise<WorkbookParts> {
  let archive;
  try {
    archive = await ZipArchive.open(path);
  } catch (error) {
    throw describeWorkbookError(path, error);
  }
  try {
    const workbook = await archive.read(WORKBOOK, MAX_PART_BYTES);
    if (workbook === undefined) throw new ZipError(`it has no ${WORKBOOK}`);
    const relationships = readRelationships(await archive.read(WORKBOOK_RELATIONSHIPS, MAX_PART_BYTES));
    const partOf = (type: string): string | undefined => [...relationships.values()].find((relationship) => relationship.type.endsWith(`/${type}`))?.part;
    const { sheets, date1904 } = readWorkbook(workbook, relationships);
    const stylesPart = partOf('styles');
    const styles = stylesPart === undefined ? undefined : await archive.read(stylesPart, MAX_PART_BYTES);
    return {
      archive,
      sheets,
      date1904,
      styles: stylesPart === undefined || styles === undefined ? [] : readStyles(stylesPart, styles),
      sharedStringsPart: partOf('sharedStrings'),
    };
  } catch (error) {
    await archive.close();
    throw describeWorkbookError(path, error);
  }
}

/** Says why a workbook cannot be read: the file's own fault, or the error of a part that cannot be read. */
export function describeWorkbookError(path: string, error: unknown): TiError {
  if (error instanceof TiError) return error;
  if (error instanceof ZipError || error instanceof XmlError || error instanceof DamagedPart) return describeDamagedWorkbook(path, error.message);
  return describeFileError(path, error);
}

export function describeDamagedWorkbook(path: string, problem: string): TiError {
  return failure(FILE_WORDS, 'TIC-WORKBOOK-DAMAGED', { path, problem });
}

/** A strict UTF-8 decoder for chunks of a part, which fails as XML that cannot be read. */
export function utf8Decoder(): { decode(chunk?: Buffer): string } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    decode(chunk?: Buffer): string {
      try {
        return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
      } catch {
        throw new XmlError('a part of it is not UTF-8 text');
      }
    },
  };
}

interface Relationship {
  readonly type: string;
  readonly part: string;
}

function readRelationships(bytes: Buffer | undefined): ReadonlyMap<string, Relationship> {
  const relationships = new Map<string, Relationship>();
  if (bytes === undefined) return relationships;
  scan(WORKBOOK_RELATIONSHIPS, bytes, {
    open(name, attributes) {
      if (name !== 'Relationship' || attributes['TargetMode'] === 'External') return;
      const id = attributes['Id'];
      const target = attributes['Target'];
      if (id === undefined || target === undefined) return;
      // A target is relative to the workbook's folder, or absolute from the package root.
      relationships.set(id, { type: attributes['Type'] ?? '', part: target.startsWith('/') ? target.slice(1) : posix.join('xl', target) });
    },
  });
  return relationships;
}

function readWorkbook(bytes: Buffer, relationships: ReadonlyMap<string, Relationship>): { sheets: SheetInfo[]; date1904: boolean } {
  const sheets: SheetInfo[] = [];
  let date1904 = false;
  scan(WORKBOOK, bytes, {
    open(name, attributes) {
      if (name === 'workbookPr') date1904 = xmlBoolean(attributes['date1904']);
      const sheetName = attributes['name'];
      if (name !== 'sheet' || sheetName === undefined) return;
      const relationship = relationships.get(relationshipId(attributes) ?? '');
      if (relationship === undefined || !relationship.type.endsWith('/worksheet')) return;
      const state = attributes['state'];
      sheets.push({ name: sheetName, hidden: state === 'hidden' || state === 'veryHidden', part: relationship.part });
    },
  });
  return { sheets, date1904 };
}

/** The relationship id of a `<sheet>`: `r:id`, whatever prefix the writer bound the relationships namespace to. */
function relationshipId(attributes: XmlAttributes): string | undefined {
  const key = Object.keys(attributes).find((name) => name.endsWith(':id'));
  return key === undefined ? undefined : attributes[key];
}

function readStyles(part: string, bytes: Buffer): NumberShown[] {
  const codes = new Map(BUILT_IN_FORMATS);
  const formats: number[] = [];
  // Formats and cell styles are read only from their own lists: differential formats (conditional formatting) have others.
  let within: string | undefined;
  scan(part, bytes, {
    open(name, attributes) {
      if (name === 'numFmts' || name === 'cellXfs') within = name;
      else if (name === 'numFmt' && within === 'numFmts') {
        const code = attributes['formatCode'];
        if (code !== undefined) codes.set(Number(attributes['numFmtId']), code);
      } else if (name === 'xf' && within === 'cellXfs') formats.push(Number(attributes['numFmtId'] ?? 0));
    },
    close(name) {
      if (name === within) within = undefined;
    },
  });
  const shown = new Map<number, NumberShown>();
  return formats.map((id) => {
    let value = shown.get(id);
    if (value === undefined) {
      const code = codes.get(id);
      value = code === undefined ? 'number' : numberShown(code);
      shown.set(id, value);
    }
    return value;
  });
}

function scan(part: string, bytes: Buffer, handler: Partial<Pick<XmlHandler, 'open' | 'close'>>): void {
  const decoder = utf8Decoder();
  const reader = new XmlReader({ open: handler.open ?? (() => {}), close: handler.close ?? (() => {}), text: () => {} }, part);
  reader.write(decoder.decode(bytes));
  reader.write(decoder.decode());
  reader.end();
}

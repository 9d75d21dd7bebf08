import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { CellReader } from './cell-reader.js';
import { SharedStrings } from './shared-strings.js';
import { SheetXmlReader, tooMuchText, type SheetCellXml, type SheetRowXml } from './sheet-xml.js';
import { canonicalText, cellAddress, type WorkbookCell } from './workbook-cell.js';
import { count, DamagedPart, MAX_ROW_CHARS, SHEET_CHARS_PER_FILE_BYTE, sheetCharsAllowed } from './workbook-limits.js';
import { describeDamagedWorkbook, describeWorkbookError, openWorkbook, utf8Decoder, type SheetInfo, type WorkbookParts } from './workbook-parts.js';
import { XmlError, XmlReader } from './xml-reader.js';

export { canonicalText, cellAddress, type DateCell, type FilledCell, type WorkbookCell } from './workbook-cell.js';
export { describeUnsupportedFile, detectFileKind, isWorkbook, type FileKind } from './workbook-file.js';

/** One row of a sheet, as a CSV record is one line of a file. */
export interface WorkbookRecord {
  /** The sheet's own row number, as Excel shows it. */
  readonly line: number;
  /**
   * The text of each cell (see `canonicalText`), from column A, as wide as
   * the header at least: a row of a sheet has every column, empty or not.
   */
  readonly cells: string[];
  /** What each of those cells holds. */
  readonly typed: WorkbookCell[];
}

export interface SheetChoice {
  /** The sheet the user named (`--sheet`); without it, the one sheet whose first row is a header. */
  readonly sheet?: string | undefined;
  /** Whether the text of a sheet's first non-empty row is a header of changes. */
  readonly isHeader: (cells: string[]) => boolean;
}

/**
 * How much of the sheet's XML makes one batch of records, about 50 rows.
 * A batch still alive after two of V8's young-generation collections is
 * moved to the old generation, which is collected far less often: batches
 * of a whole 64 KB chunk (200 rows) took peak RSS from 135 MB to 175 MB on
 * 100,000 rows.
 */
const BATCH_CHARS = 16 * 1024;

/** The most sheets, rows or cells a message lists before counting the rest. */
const LISTED = 10;

/**
 * Settles which sheet to read and returns its name. A sheet the user names
 * must exist and be visible; otherwise the first non-empty row of each
 * visible sheet is read (only that row), and exactly one sheet must start
 * with a header: with two, or none, which one is meant is not certain.
 */
export async function chooseSheet(path: string, choice: SheetChoice): Promise<string> {
  return (await settleSheet(path, choice)).name;
}

/**
 * chooseSheet, and the header row it read to choose the sheet (none when
 * the sheet was named): a later pass need not read the sheet again up to it,
 * which in a sheet whose header lies after megabytes of XML is most of it.
 */
export async function settleSheet(path: string, choice: SheetChoice): Promise<{ readonly name: string; readonly header: WorkbookRecord | undefined }> {
  const parts = await openWorkbook(path);
  const strings = new SharedStrings(parts);
  const withHeader: { readonly sheet: SheetInfo; readonly header: WorkbookRecord }[] = [];
  try {
    if (choice.sheet !== undefined) return { name: namedSheet(path, parts, choice.sheet).name, header: undefined };
    for (const sheet of parts.sheets) {
      if (sheet.hidden) continue;
      const first = await firstRecord(path, parts, sheet, strings);
      if (first !== undefined && choice.isHeader(first.cells)) withHeader.push({ sheet, header: first });
    }
  } catch (error) {
    throw describeWorkbookError(path, error);
  } finally {
    await strings.close();
    await parts.archive.close();
  }
  const [chosen] = withHeader;
  if (chosen === undefined) {
    throw failure(FILE_WORDS, 'TIC-SHEET-NO-HEADER', { path, sheets: listSheets(parts.sheets) });
  }
  if (withHeader.length > 1) {
    throw failure(FILE_WORDS, 'TIC-SHEET-WHICH', {
      path,
      count: withHeader.length,
      sheets: listSheets(withHeader.map(({ sheet }) => sheet)),
      first: chosen.sheet.name,
    });
  }
  return { name: chosen.sheet.name, header: chosen.header };
}

/**
 * Streams the records of a sheet, header included, in sheet order and in
 * batches, with constant memory: only the shared strings, which any cell
 * may refer to, are held whole. Rows the sheet does not have, and rows
 * whose cells are all empty, are not records; every other row is, numbered
 * as the sheet numbers it.
 *
 * A sheet that hides part of what it holds (a hidden row or column with a
 * value in it, merged cells) is refused after its last record: which rows
 * are hidden and which cells merged is only known once the sheet has been
 * read, so the caller's first pass over the file meets the refusal before
 * anything is sent. So is a sheet whose part turns out damaged.
 */
export async function* readWorkbookBatches(path: string, options: { readonly sheet: string }): AsyncGenerator<readonly WorkbookRecord[]> {
  const parts = await openWorkbook(path);
  const strings = new SharedStrings(parts);
  try {
    const sheet = namedSheet(path, parts, options.sheet);
    await strings.readUpTo(Number.POSITIVE_INFINITY);
    yield* sheetRecords(path, parts, sheet, strings);
  } catch (error) {
    throw describeWorkbookError(path, error);
  } finally {
    await strings.close();
    await parts.archive.close();
  }
}

/** The sheet named, matched as Excel matches sheet names, regardless of case. */
function namedSheet(path: string, parts: WorkbookParts, name: string): SheetInfo {
  const sheet =
    parts.sheets.find((candidate) => candidate.name === name) ?? parts.sheets.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (sheet === undefined) {
    throw failure(FILE_WORDS, 'TIC-SHEET-UNKNOWN', { path, sheet: name, sheets: listSheets(parts.sheets) });
  }
  if (sheet.hidden) {
    throw failure(FILE_WORDS, 'TIC-SHEET-HIDDEN', { path, sheet: sheet.name });
  }
  return sheet;
}

function listSheets(sheets: readonly SheetInfo[]): string {
  if (sheets.length === 0) return 'none';
  return listSome(sheets.map((sheet) => `${JSON.stringify(sheet.name)}${sheet.hidden ? ' (hidden)' : ''}`));
}

/** The first items, and how many more of `total` there are. */
function listSome(items: readonly string[], total = items.length): string {
  const shown = items.slice(0, LISTED).join(', ');
  return total > LISTED ? `${shown} and ${total - LISTED} more` : shown;
}

/** What the sheet hides where it holds values, gathered while it is read. */
interface Hidden {
  readonly rows: number[];
  readonly columns: Set<number>;
}

/** The rows of a sheet's XML as they are read, in batches of about BATCH_CHARS of it. */
async function* sheetRows(path: string, parts: WorkbookParts, sheet: SheetInfo, xml: SheetXmlReader): AsyncGenerator<SheetRowXml[]> {
  const reader = new XmlReader(xml, sheet.part);
  const decoder = utf8Decoder();
  try {
    for await (const chunk of parts.archive.chunks(sheet.part)) {
      const text = decoder.decode(chunk);
      for (let at = 0; at < text.length; at += BATCH_CHARS) {
        reader.write(text.slice(at, at + BATCH_CHARS));
        const rows = xml.rows;
        xml.rows = [];
        if (rows.length > 0) yield rows;
      }
    }
    reader.write(decoder.decode());
    reader.end();
  } catch (error) {
    if (error instanceof DamagedPart) throw describeDamagedWorkbook(path, `in the sheet ${JSON.stringify(sheet.name)}, ${error.message}`);
    if (error instanceof XmlError) throw describeDamagedWorkbook(path, `the sheet ${JSON.stringify(sheet.name)} is not well-formed XML (${error.message})`);
    throw error;
  }
}

/** The characters of text a sheet's cells may still spell out (see sheetCharsAllowed). */
interface TextBudget {
  left: number;
}

async function* sheetRecords(path: string, parts: WorkbookParts, sheet: SheetInfo, strings: SharedStrings): AsyncGenerator<WorkbookRecord[]> {
  const xml = new SheetXmlReader();
  const cells = new CellReader(path, parts, strings);
  const hidden: Hidden = { rows: [], columns: new Set() };
  const budget: TextBudget = { left: sheetCharsAllowed(parts.archive.size) };
  const filledColumn = (column: number): void => {
    if (xml.hiddenColumns[column] === 1) hidden.columns.add(column);
  };
  let width: number | undefined;
  let previous = 0;
  for await (const rows of sheetRows(path, parts, sheet, xml)) {
    const batch: WorkbookRecord[] = [];
    for (const row of rows) {
      // Excel writes rows in ascending order, each once; a file that does not is not one the person saw as it reads.
      if (!Number.isSafeInteger(row.line) || row.line <= previous)
        throw describeDamagedWorkbook(
          path,
          `the rows of the sheet ${JSON.stringify(sheet.name)} are not in order (row ${String(row.line)} comes after row ${previous})`,
        );
      previous = row.line;
      const record = toRecord(path, sheet, row, width, cells, budget, xml.hidesColumns ? filledColumn : undefined);
      if (record === undefined) continue;
      width ??= record.cells.length;
      if (row.hidden) hidden.rows.push(row.line);
      batch.push(record);
    }
    if (batch.length > 0) yield batch;
  }
  refuseHidden(path, sheet, hidden, xml.merges, xml.mergeCount);
}

/** The first record of a sheet, reading only as many shared strings as its rows up to it refer to. */
async function firstRecord(path: string, parts: WorkbookParts, sheet: SheetInfo, strings: SharedStrings): Promise<WorkbookRecord | undefined> {
  const cells = new CellReader(path, parts, strings);
  const budget: TextBudget = { left: sheetCharsAllowed(parts.archive.size) };
  for await (const rows of sheetRows(path, parts, sheet, new SheetXmlReader())) {
    for (const row of rows) {
      let needed = 0;
      for (const cell of row.cells) if (cell.type === 's') needed = Math.max(needed, Number(cell.value) + 1);
      await strings.readUpTo(needed);
      const record = toRecord(path, sheet, row, undefined, cells, budget);
      if (record !== undefined) return record;
    }
  }
  return undefined;
}

/**
 * A row as a record, or undefined when every cell of it is empty. A data
 * row is as wide as the header (`width`), and beyond it holds only its cells
 * that hold something, each naming its address: an empty cell is never made
 * for every column up to a far one. The header (no `width`) reaches its last
 * cell that holds something. `filled` hears of each column holding a value.
 */
function toRecord(
  path: string,
  sheet: SheetInfo,
  row: SheetRowXml,
  width: number | undefined,
  reader: CellReader,
  budget: TextBudget,
  filled?: (column: number) => void,
): WorkbookRecord | undefined {
  const read = row.cells.map((xml) => reader.read(xml, row.line));
  let last = -1;
  for (const [index, cell] of read.entries()) {
    if (cell.kind === 'empty') continue;
    const column = (row.cells[index] as SheetCellXml).column;
    last = column;
    filled?.(column);
  }
  if (last < 0) return undefined;
  const dense = width ?? last + 1;
  const typed: WorkbookCell[] = [];
  const empty = (column: number): WorkbookCell => ({ kind: 'empty', address: cellAddress(column, row.line), formula: false });
  for (const [index, cell] of read.entries()) {
    const column = (row.cells[index] as SheetCellXml).column;
    if (column < dense) {
      while (typed.length < column) typed.push(empty(typed.length));
      typed.push(cell);
    } else if (cell.kind !== 'empty') {
      while (typed.length < dense) typed.push(empty(typed.length));
      typed.push(cell);
    }
  }
  while (typed.length < dense) typed.push(empty(typed.length));
  const texts = typed.map(canonicalText);
  let chars = 0;
  for (const text of texts) chars += text.length;
  if (chars > MAX_ROW_CHARS) throw describeDamagedWorkbook(path, `in the sheet ${JSON.stringify(sheet.name)}, ${tooMuchText(row.line).message}`);
  budget.left -= chars;
  if (budget.left < 0) {
    throw describeDamagedWorkbook(
      path,
      `the cells of the sheet ${JSON.stringify(sheet.name)} spell out more than ${count(SHEET_CHARS_PER_FILE_BYTE)} characters of text for each byte of the file (row ${row.line} passes it), which only a file built to exhaust memory does`,
    );
  }
  return { line: row.line, cells: texts, typed };
}

/**
 * Hidden rows and columns count only where they hold a value: hiding the
 * unused columns and rows around a table is a common way to tidy a sheet,
 * and hides nothing. Merged cells always count: the cell a merge shows may
 * not be the one that holds the value.
 */
function refuseHidden(path: string, sheet: SheetInfo, hidden: Hidden, merges: readonly string[], mergeCount: number): void {
  const problems: string[] = [];
  if (hidden.rows.length > 0)
    problems.push(`${hidden.rows.length === 1 ? 'row' : 'rows'} ${listSome(hidden.rows.map(String))} ${hidden.rows.length === 1 ? 'is' : 'are'} hidden`);
  if (hidden.columns.size > 0) {
    const columns = [...hidden.columns].sort((a, b) => a - b).map((column) => cellAddress(column, 1).slice(0, -1));
    problems.push(`${columns.length === 1 ? 'column' : 'columns'} ${listSome(columns)} ${columns.length === 1 ? 'is' : 'are'} hidden`);
  }
  if (mergeCount > 0) problems.push(`cells ${listSome(merges, mergeCount)} ${mergeCount === 1 ? 'are' : 'are each'} merged`);
  if (problems.length === 0) return;
  throw failure(FILE_WORDS, 'TIC-SHEET-HIDES-CELLS', { path, sheet: sheet.name, problems });
}

/**
 * How much a workbook may hold, so that reading one takes bounded memory and
 * time whatever its few bytes inflate to. A workbook is a zip of XML: a
 * megabyte can inflate to a gigabyte of elements, name a cell millions of
 * columns to the right, or hold a string longer than V8 can make. Each bound
 * is one no real workbook reaches; beyond it the file is refused as damaged,
 * naming the part, cell or row, before the work it would cost is done.
 */

/** Excel's last column, XFD: a cell beyond it is not one any spreadsheet wrote. */
export const MAX_COLUMNS = 16_384;
/** Excel's last row. */
export const MAX_ROWS = 1_048_576;
export const LAST_CELL = 'XFD1048576';

/** The most characters Excel lets a cell hold. */
export const MAX_CELL_CHARS = 32_767;
/** The most characters of text one row's cells may hold together: 32 cells full to Excel's limit. */
export const MAX_ROW_CHARS = 1_048_576;

/**
 * Open XML writes a character XML cannot carry as `_xHHHH_`, seven characters
 * for one: text as written longer than this many times a bound cannot come
 * within it once read.
 */
export const ESCAPE_LENGTH = 8;

/** The most shared strings a workbook may have: 16 for each of Excel's rows. */
export const MAX_SHARED_STRINGS = 16 * MAX_ROWS;

/**
 * The most characters of XML between two tags. Text between tags is held
 * whole before it is handed on (the XML reader's own string): without a bound,
 * a part of spaces fails only at V8's longest string, after gigabytes. The
 * longest cell, each of its characters written as a character reference
 * (`&#x10FFFF;`) or an Open XML escape (`_x000D_`), is well under it.
 */
export const MAX_TEXT_RUN = 1_048_576;

/**
 * What a part may inflate to: at most MAX_INFLATE_RATIO times its
 * compressed size once past RATIO_FREE_BYTES (a small part's ratio says
 * nothing), and never past MAX_INFLATED_BYTES. Sheets written by Excel,
 * LibreOffice and exceljs compress 8 to 20 times (formatted empty cells,
 * indented XML and shared formulas among them); a deflate bomb reaches about
 * 1,000. The XML reader takes about 40 ms per MB of empty elements, and a
 * sheet may be read three times (its first row to choose it, the validating
 * pass, the sending pass): at 25 times, a file of 2 MB costs about 2 s a
 * pass (Apache POI allows 100: 8 s a pass).
 */
export const MAX_INFLATE_RATIO = 25;
export const RATIO_FREE_BYTES = 1024 * 1024;
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/**
 * The text a sheet's cells may spell out in all: 64 characters for every
 * byte of the file, and 64 Mi at least. A shared string is stored once and
 * may be used by every cell, so its text can be worth far more than the
 * bytes that refer to it; a real sheet's cells spell out a few characters per
 * byte of the file (2.3 for the benchmark's 100,000 rows).
 */
export const SHEET_CHARS_PER_FILE_BYTE = 64;
export const MIN_SHEET_CHARS = 64 * 1024 * 1024;

export function sheetCharsAllowed(fileBytes: number): number {
  return Math.max(MIN_SHEET_CHARS, SHEET_CHARS_PER_FILE_BYTE * fileBytes);
}

/** A count as a message shows it: `1,048,576`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * What a part holds that no workbook holds, worded to follow "cannot be read
 * as an Excel workbook: ": a bound passed, or an order broken.
 */
export class DamagedPart extends Error {}

/**
 * A spreadsheet opening a CSV file runs a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return as a formula. Every CSV file
 * ti-credits writes for a person to open has such cells guarded by a leading
 * apostrophe, which spreadsheets read as "this is text"; a plain signed
 * number (`-200`, `+500`) is left as it is, since a spreadsheet reads it as
 * the number it is.
 *
 * The guard is an escape, read back the same way in every CSV file, the
 * user's own included: a cell that starts with one or more apostrophes and
 * then one of those characters means the text without its first apostrophe.
 * `'=SUM(A1)` is the text `=SUM(A1)`; a text that itself starts with
 * apostrophes before one of them gains one more (`'=x` is written `''=x`), so
 * every text reads back exactly as it was. A cell whose apostrophe is
 * followed by anything else (`'Tis the season`) is text as it stands.
 */
const GUARDED = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]\d+(?:\.\d+)?$/;
const UNGUARD = /^'+[=+\-@\t\r]/;

/** The cell a CSV file holds for `text`, safe to open in a spreadsheet. */
export function neutraliseFormula(text: string): string {
  return GUARDED.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The text a CSV cell stands for: the guard taken off (see neutraliseFormula). */
export function restoreFormula(cell: string): string {
  return cell.charCodeAt(0) === 0x27 && UNGUARD.test(cell) ? cell.slice(1) : cell;
}

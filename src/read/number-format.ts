/**
 * What a cell's number format makes of the number it holds. A workbook
 * stores a date as a plain number (days since the workbook's epoch); only the
 * format says it is shown as a date, so the format, not the value, decides.
 */
export type NumberShown =
  /** A calendar date without a time of day, e.g. `yyyy-mm-dd`, `d-mmm-yy`. */
  | 'date'
  /** A date with a time of day, e.g. `m/d/yy h:mm`. */
  | 'date-time'
  /**
   * A number, including a time of day or a duration shown without a date
   * (`h:mm`, `[h]:mm:ss`): neither is a day on the calendar.
   */
  | 'number';

/**
 * Everything in a format code that is shown as it is rather than read as a
 * date or time token: quoted text, an escaped character (`\d`), the width
 * (`_x`) or fill (`*x`) of a character, a bracketed colour, condition or
 * locale (`[Red]`, `[<100]`, `[$-409]`), AM/PM markers and `General`.
 * Elapsed-time brackets (`[h]`, `[mm]`, `[ss]`) are kept as their letters.
 */
const LITERALS = /"[^"]*"|\\.|[_*].|\[(h+|m+|s+)\]|\[[^\]]*\]|am\/pm|a\/p|general/g;
const TOKEN = /y+|m+|d+|h+|s+/g;

/**
 * The format codes of the built-in formats that show dates or times
 * (ECMA-376 part 1, 18.8.30): a style names them by id alone, the code
 * is not in the file. Ids 27-36 and 50-58 are dates only in East Asian
 * locales, with codes that depend on the locale; they are read as numbers,
 * which a date column refuses rather than misreads.
 */
export const BUILT_IN_FORMATS: ReadonlyMap<number, string> = new Map([
  [14, 'mm-dd-yy'],
  [15, 'd-mmm-yy'],
  [16, 'd-mmm'],
  [17, 'mmm-yy'],
  [18, 'h:mm AM/PM'],
  [19, 'h:mm:ss AM/PM'],
  [20, 'h:mm'],
  [21, 'h:mm:ss'],
  [22, 'm/d/yy h:mm'],
  [45, 'mm:ss'],
  [46, '[h]:mm:ss'],
  [47, 'mmss.0'],
]);

/** Reads a format code as Excel does: case aside, `m` is a minute after an hour or before a second, else a month. */
export function numberShown(formatCode: string): NumberShown {
  const tokens = [
    ...formatCode
      .toLowerCase()
      .replace(LITERALS, (_literal, elapsed: string | undefined) => elapsed ?? ' ')
      .matchAll(TOKEN),
  ].map((match) => match[0][0]);
  let date = false;
  let time = false;
  tokens.forEach((token, index) => {
    if (token === 'y' || token === 'd') date = true;
    else if (token === 'h' || token === 's') time = true;
    else if (tokens[index - 1] === 'h' || tokens[index + 1] === 's') time = true;
    else date = true;
  });
  if (!date) return 'number';
  return time ? 'date-time' : 'date';
}

import { luxon } from '../core/luxon.js';
import { refuse, showCell, type Parsed } from './fields.js';
import { parseDateFormat, type DateFormat, type FieldRules } from './rules.js';

/**
 * The expiresOn cell. An exact moment (ISO 8601 with Z or an offset) is taken
 * as it is; a date alone is the end (or start) of that day in the user's time
 * zone; a display date such as 31/03/2027 only in the format the user names.
 * Calendar and time-zone arithmetic is luxon's: daylight saving time makes a
 * day's last moment a matter of the zone's rules, not of adding hours.
 */

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The form ti-credits sends, and the one most files hold: read without capturing its parts. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const ok = (value: string): Parsed<string> => ({ ok: true, value });

/**
 * Returns the moment to send, in UTC to the millisecond, or why the cell
 * cannot be sent. `current`, when given, is the moment the field already
 * holds: a cell that keeps it changes nothing, so it may lie in the past.
 */
export function parseExpiresOn(cell: string, rules: FieldRules, current?: string): Parsed<string> {
  const parsed = readMoment(cell, rules);
  if (parsed.ok && !rules.allowPastExpiry && parsed.value < rules.now && parsed.value !== current)
    return refuse('TIC-DATE-PAST', { cell: showCell(cell), moment: parsed.value });
  return parsed;
}

/** The moment a cell names, in UTC to the millisecond, past or not: how a `before.expiresOn` cell is read. */
export function readMoment(cell: string, rules: FieldRules): Parsed<string> {
  if (CANONICAL.test(cell) && isRealMoment(cell)) return ok(cell);
  const text = cell.trim();
  const timestamp = ISO_TIMESTAMP.exec(text);
  if (timestamp !== null) return readTimestamp(cell, timestamp);
  const date = ISO_DATE.exec(text);
  if (date !== null) return readDate(cell, Number(date[1]), Number(date[2]), Number(date[3]), rules);
  if (rules.dateFormat !== undefined) {
    const display = readDisplayDate(text, rules.dateFormat);
    if (display !== undefined) return readDate(cell, display.year, display.month, display.day, rules);
  }
  return describeNonIsoDate(cell, text, rules.dateFormat);
}

/**
 * What an expiresOn cell names, as a spreadsheet would hold it: a calendar
 * day (a date alone, ISO or in the --date-format), or a moment in UTC (a
 * timestamp with its zone); undefined for a cell that names neither. Past
 * or not: this types a cell for report.xlsx and failed.xlsx, it judges nothing.
 */
export function readExpiry(
  cell: string,
  rules: FieldRules,
):
  | { readonly kind: 'day'; readonly year: number; readonly month: number; readonly day: number }
  | { readonly kind: 'moment'; readonly utc: string }
  | undefined {
  const text = cell.trim();
  const timestamp = ISO_TIMESTAMP.exec(text);
  if (timestamp !== null) {
    const moment = readTimestamp(cell, timestamp);
    return moment.ok ? { kind: 'moment', utc: moment.value } : undefined;
  }
  const iso = ISO_DATE.exec(text);
  const day =
    iso !== null
      ? { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) }
      : rules.dateFormat === undefined
        ? undefined
        : readDisplayDate(text, rules.dateFormat);
  if (day === undefined || checkDay(cell, day.year, day.month, day.day) !== undefined) return undefined;
  return { kind: 'day', ...day };
}

function readTimestamp(cell: string, match: RegExpExecArray): Parsed<string> {
  const fraction = match[7] ?? '';
  if (fraction.length > 3 && /[1-9]/.test(fraction.slice(3))) return refuse('TIC-DATE-TOO-PRECISE', { cell: showCell(cell) });
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const dayProblem = checkDay(cell, year, month, day);
  if (dayProblem !== undefined) return dayProblem;
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (hour > 23 || minute > 59 || second > 59) return refuse('TIC-TIME-NOT-REAL', { cell: showCell(cell) });
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  if (match[8] === undefined) {
    // Already UTC: the digits are the answer, which keeps the common case of a million-row file off the date library.
    return ok(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6] ?? '00'}.${milliseconds}Z`);
  }
  const offsetHours = Number(match[9]);
  const offsetRest = match[10] === undefined ? 0 : Number(match[10]);
  if (offsetHours > 23 || offsetRest > 59) return refuse('TIC-DATE-OFFSET-IMPOSSIBLE', { cell: showCell(cell) });
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  const { DateTime, FixedOffsetZone } = luxon();
  const moment = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond: Number(milliseconds) }, { zone: FixedOffsetZone.instance(offset) });
  return ok(moment.toUTC().toISO() ?? '');
}

/**
 * Whether a cell in the canonical form names a real day and time of day:
 * then it is already what would be sent, and the general path, which
 * captures every part, would return it unchanged. Any other cell takes that
 * path, which says what is wrong with it.
 */
function isRealMoment(cell: string): boolean {
  const number = (from: number, to: number): number => {
    let value = 0;
    for (let index = from; index < to; index++) value = value * 10 + cell.charCodeAt(index) - 48;
    return value;
  };
  const month = number(5, 7);
  if (month < 1 || month > 12 || number(11, 13) > 23 || number(14, 16) > 59 || number(17, 19) > 59) return false;
  const day = number(8, 10);
  return day >= 1 && day <= daysIn(number(0, 4), month);
}

/** A calendar date as the moment the rules make of it. */
function readDate(cell: string, year: number, month: number, day: number, rules: FieldRules): Parsed<string> {
  const dayProblem = checkDay(cell, year, month, day);
  if (dayProblem !== undefined) return dayProblem;
  const start = luxon().DateTime.fromObject({ year, month, day }, { zone: rules.timezone });
  const moment = rules.dateOnly === 'end-of-day' ? start.endOf('day') : start.startOf('day');
  return ok(moment.toUTC().toISO() ?? '');
}

/** Days in a month (1 to 12) of a year of the Gregorian calendar, as luxon counts them, without loading it. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkDay(cell: string, year: number, month: number, day: number): Parsed<never> | undefined {
  if (month < 1 || month > 12) return refuse('TIC-DATE-NOT-REAL', { cell: showCell(cell), month });
  const last = daysIn(year, month);
  if (day < 1 || day > last) return refuse('TIC-DATE-NOT-REAL', { cell: showCell(cell), month, year, days: last });
  return undefined;
}

function readDisplayDate(text: string, format: DateFormat): { year: number; month: number; day: number } | undefined {
  const parts = text.split(format.separator);
  if (parts.length !== 3) return undefined;
  const values: Partial<Record<'day' | 'month' | 'year', number>> = {};
  for (const [index, part] of format.order.entries()) {
    const digits = parts[index] ?? '';
    // A two-digit year would leave the century to a guess.
    if (!(part === 'year' ? /^\d{4}$/ : /^\d{1,2}$/).test(digits)) return undefined;
    values[part] = Number(digits);
  }
  return { year: values.year ?? 0, month: values.month ?? 0, day: values.day ?? 0 };
}

function describeNonIsoDate(cell: string, text: string, format: DateFormat | undefined): Parsed<never> {
  const shown = { cell: showCell(cell) };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return refuse('TIC-DATE-NO-ZONE', shown);
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text)) return refuse('TIC-DATE-SPACE', shown);
  if (format !== undefined) return refuse('TIC-DATE-NOT-IN-FORMAT', { ...shown, format: format.text });
  if (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/.test(text)) return describeDisplayDate(shown.cell, text);
  if (/^\d+(\.\d+)?$/.test(text)) return refuse('TIC-DATE-SERIAL', shown);
  return refuse('TIC-DATE-NOT-A-DATE', shown);
}

/** The display formats people use, each with the separator the cell has. */
const DISPLAY_ORDERS = ['MM/DD/YYYY', 'DD/MM/YYYY', 'YYYY/MM/DD'] as const;

/**
 * A display date refused for want of --date-format: the formats it could be
 * in are suggested only if the cell is a real date in them, so that
 * 12/31/2027 suggests MM/DD/YYYY alone, and 03/04/2027, which is a real date
 * either way, names both and leaves the choice to whoever knows the column.
 */
function describeDisplayDate(shown: string, text: string): Parsed<never> {
  const separator = /[/.-]/.exec(text)?.[0] ?? '/';
  const fits = DISPLAY_ORDERS.map((order) => order.replaceAll('/', separator))
    .map((name) => parseDateFormat(name))
    .filter((format): format is DateFormat => format !== undefined)
    .filter((format) => {
      const date = readDisplayDate(text, format);
      return date !== undefined && checkDay(text, date.year, date.month, date.day) === undefined;
    })
    .map((format) => `--date-format ${format.text}`);
  const [only] = fits;
  if (only === undefined) return refuse('TIC-DATE-DISPLAY-NOT-REAL', { cell: shown, shortYear: !/(^|[/.-])\d{4}($|[/.-])/.test(text) });
  if (fits.length === 1) return refuse('TIC-DATE-NEEDS-FORMAT', { cell: shown, format: only });
  return refuse('TIC-DATE-AMBIGUOUS', { cell: shown, formats: fits });
}

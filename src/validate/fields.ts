/**
 * One pure parser per updatable field. Each takes a cell that is not empty
 * (an empty cell means "leave this field alone" and never reaches here) and
 * either returns the value to send or says, in words a spreadsheet user
 * understands, why the cell cannot be sent and what to write instead.
 */

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

/** Shows a cell in a message: quoted so spaces are visible, clipped so a stray paragraph stays readable. */
export function showCell(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_EXAMPLE = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

export function parseId(cell: string): Parsed<string> {
  const id = cell.trim();
  if (UUID.test(id)) return ok(id);
  if (id.startsWith('{') && id.endsWith('}') && UUID.test(id.slice(1, -1))) {
    return fail(`id ${showCell(cell)} is wrapped in braces; write the UUID alone, e.g. ${UUID_EXAMPLE}`);
  }
  return fail(`id ${showCell(cell)} is not a credit batch id; expected a UUID such as ${UUID_EXAMPLE}`);
}

export function parseName(cell: string): Parsed<string> {
  return ok(cell.trim());
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;
const ISO_EXAMPLE = '2027-03-31T23:59:59Z';

/** Accepts only an exact moment: ISO 8601 date and time with `Z` or an offset. Returns it in UTC, to the millisecond. */
export function parseExpiresOn(cell: string): Parsed<string> {
  const text = cell.trim();
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return fail(describeNonIsoDate(cell, text));
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  const fraction = match[7] ?? '';
  if (fraction.length > 3 && /[1-9]/.test(fraction.slice(3))) {
    return fail(`expiresOn ${showCell(cell)} is more precise than a millisecond; round it to at most 3 decimals of a second`);
  }
  if (month < 1 || month > 12) return fail(`expiresOn ${showCell(cell)} has month ${match[2]}, which does not exist; the format is YYYY-MM-DD`);
  const lastDay = lastDayOfMonth(year, month);
  if (day < 1 || day > lastDay) return fail(`expiresOn ${showCell(cell)} is not a real date: ${match[1]}-${match[2]} has ${lastDay} days`);
  if (hour > 23 || minute > 59 || second > 59) {
    return fail(`expiresOn ${showCell(cell)} is not a real time of day; hours go to 23, minutes and seconds to 59`);
  }
  let offsetMinutes = 0;
  if (match[8] !== undefined) {
    const offsetHours = Number(match[9]);
    const offsetRest = match[10] === undefined ? 0 : Number(match[10]);
    if (offsetHours > 23 || offsetRest > 59) {
      return fail(`expiresOn ${showCell(cell)} has an impossible time zone offset; write Z for UTC or an offset such as +02:00`);
    }
    offsetMinutes = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  if (offsetMinutes === 0) {
    // Already UTC: the normalised form is the matched digits, which spares a Date and its costly toISOString.
    return ok(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6] ?? '00'}.${milliseconds}Z`);
  }
  const moment = new Date(0);
  moment.setUTCFullYear(year, month - 1, day);
  moment.setUTCHours(hour, minute - offsetMinutes, second, Number(milliseconds));
  return ok(moment.toISOString());
}

const lastDays = new Map<number, number>();

/** The number of days in a month, as the standard library's calendar counts them. */
function lastDayOfMonth(year: number, month: number): number {
  const key = year * 16 + month;
  let last = lastDays.get(key);
  if (last === undefined) {
    const date = new Date(0);
    date.setUTCFullYear(year, month, 0);
    last = date.getUTCDate();
    lastDays.set(key, last);
  }
  return last;
}

function describeNonIsoDate(cell: string, text: string): string {
  const shown = `expiresOn ${showCell(cell)}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return `${shown} is a date without a time; write the exact moment it expires, e.g. ${text}T23:59:59Z`;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    return `${shown} has no time zone; add Z for UTC (${ISO_EXAMPLE}) or an offset such as +02:00`;
  }
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text)) {
    return `${shown} separates date and time with a space; write it as ISO 8601 with a T and a time zone, e.g. ${ISO_EXAMPLE}`;
  }
  if (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b/.test(text)) {
    return `${shown} looks like a spreadsheet display date, which can be read more than one way; write it as ISO 8601, e.g. ${ISO_EXAMPLE}`;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return `${shown} looks like a spreadsheet date serial number; format the column as text in ISO 8601, e.g. ${ISO_EXAMPLE}`;
  }
  return `${shown} is not an ISO 8601 timestamp; expected the form ${ISO_EXAMPLE}`;
}

/** A balance is a count of credits: digits only, nothing a spreadsheet's locale could have reshaped. */
export function parseCurrentBalance(cell: string): Parsed<number> {
  const text = cell.trim();
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (Number.isSafeInteger(value)) return ok(value);
  }
  const shown = `currentBalance ${showCell(cell)}`;
  if (/^\d+$/.test(text)) return fail(`${shown} is larger than the largest balance that can be sent exactly (${Number.MAX_SAFE_INTEGER})`);
  if (/^-\s*\d/.test(text)) return fail(`${shown} is negative; a balance must be 0 or more`);
  if (/^\+\d+$/.test(text)) return fail(`${shown} has a plus sign; write the digits only, e.g. ${text.slice(1)}`);
  const grouped = /^\d{1,3}([,' \u00a0\u202f])\d{3}(\1\d{3})*$/.exec(text);
  if (grouped !== null) {
    return fail(`${shown} uses ${JSON.stringify(grouped[1])} as a thousands separator; write the digits only, e.g. ${text.replace(/\D/g, '')}`);
  }
  if (/^\d{1,3}(\.\d{3})+$/.test(text)) {
    return fail(`${shown} could be read as a decimal or with "." as a thousands separator; write the whole number with digits only`);
  }
  if (/^\d*[.,]\d+$/.test(text)) return fail(`${shown} is not a whole number; a balance is a whole number of credits`);
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(text)) {
    return fail(`${shown} is in scientific notation; format the column as a plain number so every digit is exported`);
  }
  return fail(`${shown} is not a whole number written with digits; expected e.g. 1250`);
}

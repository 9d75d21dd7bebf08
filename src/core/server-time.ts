/**
 * A moment as the API states it (`updatedAt`, a credit action's
 * `timestamp`), read strictly, to the nanosecond: reconciliation compares
 * times the server gave with each other, never with this machine's clock, and
 * a millisecond either side decides whether a redemption was overwritten.
 * Only ISO 8601 with a date, a time to the second, an optional fraction of up
 * to nine digits and an explicit offset (`Z` or `±hh:mm`) is read; anything
 * else (a date alone, a missing offset, a number, a 25th hour, a 30 February)
 * is undefined, for the caller to report rather than guess at.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Nanoseconds since 1970-01-01T00:00:00Z, or undefined when `text` is not such a moment. */
export function parseServerTime(text: string): bigint | undefined {
  const match = INSTANT.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', utc, sign, offsetHours = '0', offsetMinutes = '0'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  if (h > 23 || mi > 59 || s > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  // A day the month does not have rolls over into the next month: read back, it is not the day written.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  const offsetMs = utc === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return BigInt(date.getTime() - offsetMs) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

/**
 * A workbook stores a date as a serial number of days, the time of day as
 * its fraction, counted from the workbook's epoch: 1900 (Excel for Windows)
 * or 1904 (early Excel for Mac, and any workbook switched to it). The
 * calendar parts are computed here with UTC arithmetic only, so they are
 * the digits the cell shows whatever the time zone of the machine reading it.
 */
import type { CalendarParts } from '../core/sheet-values.js';

const DAY_MS = 86_400_000;
/** Serial 0 of the 1904 system is 1 January 1904. */
const EPOCH_1904 = Date.UTC(1904, 0, 1);
/**
 * Serial 1 of the 1900 system is 1 January 1900, but Excel, after Lotus 1-2-3,
 * counts a 29 February 1900 that never was (serial 60): from serial 61
 * (1 March 1900) on, day 0 is 30 December 1899.
 */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const LOTUS_LEAP_DAY = 60;

/**
 * The calendar parts a serial shows, to the millisecond; undefined for a
 * serial no date can show (Excel fills such a cell with ####): one before
 * the epoch, or after 31 December 9999.
 */
export function serialToCalendar(serial: number, date1904: boolean): CalendarParts | undefined {
  if (!Number.isFinite(serial) || serial < 0) return undefined;
  const total = Math.round(serial * DAY_MS);
  const days = Math.floor(total / DAY_MS);
  const inDay = total - days * DAY_MS;
  const time = {
    hour: Math.floor(inDay / 3_600_000),
    minute: Math.floor(inDay / 60_000) % 60,
    second: Math.floor(inDay / 1000) % 60,
    millisecond: inDay % 1000,
  };
  if (!date1904 && days === LOTUS_LEAP_DAY) return { year: 1900, month: 2, day: 29, ...time };
  const epoch = date1904 ? EPOCH_1904 : days < LOTUS_LEAP_DAY ? EPOCH_1900 + DAY_MS : EPOCH_1900;
  const date = new Date(epoch + days * DAY_MS);
  const year = date.getUTCFullYear();
  if (year > 9999) return undefined;
  return { year, month: date.getUTCMonth() + 1, day: date.getUTCDate(), ...time };
}

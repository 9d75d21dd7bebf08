/**
 * Moments as the live store keeps them: the expiry or updatedAt of a batch
 * in exactly the form toISOString writes is kept as its moment, a number,
 * and written back as the very same text.
 */

/** A moment as toISOString writes it, the last one kept: writing it was most of the time taken to give a batch back. */
export class MomentText {
  #moment = Number.NaN;
  #text = '';

  of(moment: number): string {
    if (moment !== this.#moment) {
      this.#text = new Date(moment).toISOString();
      this.#moment = moment;
    }
    return this.#text;
  }
}

/**
 * The moment of `text` when it is in exactly the form toISOString writes
 * (`2027-03-31T23:59:59.000Z`, years 1000 to 9999), so that the moment
 * gives it back character for character; undefined for any other text.
 * Read by hand: Date.parse and toISOString for two fields of a million
 * batches took longer than reading their pages.
 */
export function momentOf(text: string): number | undefined {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 ||
    text.charCodeAt(23) !== 90
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  const milli = digits(text, 20, 23);
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    milli < 0
  )
    return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}

/** The decimal number of the digits from `from` to `to`; -1 if any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

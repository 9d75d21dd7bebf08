/**
 * What the user has told ti-credits about how to read cells that could mean
 * more than one thing. Without a rule, such a cell is refused, never guessed.
 */

/** What a date without a time means as an expiry: the last or the first moment of that day. */
export type DateOnlyMeaning = 'end-of-day' | 'start-of-day';
export const DATE_ONLY_MEANINGS: readonly DateOnlyMeaning[] = ['end-of-day', 'start-of-day'];

export type DatePart = 'day' | 'month' | 'year';

/** A spreadsheet display format the user named, such as DD/MM/YYYY. */
export interface DateFormat {
  /** As the user wrote it, for messages and run.json. */
  readonly text: string;
  /** The order of the parts, e.g. day, month, year. */
  readonly order: readonly [DatePart, DatePart, DatePart];
  readonly separator: '/' | '.' | '-';
}

export interface FieldRules {
  readonly dateOnly: DateOnlyMeaning;
  /** IANA zone in which a date alone is read. */
  readonly timezone: string;
  readonly dateFormat: DateFormat | undefined;
  readonly allowPastExpiry: boolean;
  /** The grouping character a balance may use (`1,250`); undefined accepts digits only. */
  readonly thousandsSeparator: string | undefined;
  /** The moment expiry dates are compared with, as `YYYY-MM-DDTHH:mm:ss.sssZ`: the start of the run. */
  readonly now: string;
}

export function defaultRules(now: Date): FieldRules {
  return { dateOnly: 'end-of-day', timezone: 'UTC', dateFormat: undefined, allowPastExpiry: false, thousandsSeparator: undefined, now: now.toISOString() };
}

const PART_TOKENS: Readonly<Record<string, DatePart>> = { DD: 'day', MM: 'month', YYYY: 'year' };

/** Reads a format such as `DD/MM/YYYY`: day, month and four-digit year once each, one separator. Undefined when it is not one. */
export function parseDateFormat(text: string): DateFormat | undefined {
  const match = /^(DD|MM|YYYY)([/.-])(DD|MM|YYYY)\2(DD|MM|YYYY)$/.exec(text.trim().toUpperCase());
  if (match === null) return undefined;
  const order = [match[1], match[3], match[4]].map((token) => PART_TOKENS[token ?? '']) as [DatePart, DatePart, DatePart];
  if (new Set(order).size !== 3) return undefined;
  return { text: text.trim().toUpperCase(), order, separator: match[2] as DateFormat['separator'] };
}

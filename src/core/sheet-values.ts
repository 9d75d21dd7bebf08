/**
 * The values of spreadsheet cells as ti-credits writes them: the typed
 * copies of report.csv and failed.csv that --excel adds (report.xlsx,
 * failed.xlsx). Validation decides what the input's cells are (a date, a
 * balance, text); the report stage writes them. Empty is `undefined`.
 */
export type SheetValue = string | number | SheetDate | undefined;

/** The calendar parts of a date and time, as its digits show it: no time zone. */
export interface CalendarParts {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** A date, with or without a time of day, as the digits it shows: no time zone is applied when it is written. */
export interface SheetDate extends CalendarParts {
  readonly kind: 'date';
  readonly hasTime: boolean;
  /** A moment the API gave, shown in UTC and labelled so; otherwise the clock of the run's --timezone. */
  readonly utc: boolean;
}

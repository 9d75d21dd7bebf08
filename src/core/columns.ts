import { CREDIT_BATCH_FIELDS, type UpdatableField } from './credit-batch.js';

/**
 * The vocabulary of the files ti-credits reads and writes. The reader needs it
 * to recognise a report fed back by mistake and the `error` column of a
 * failed.csv given again; the writer needs it to write them. It lives here,
 * below both, so that neither depends on the other.
 */

/** Where the values of a row are, as the header of the input says. */
export interface Columns {
  /** The header's names, trimmed, in file order; empty names a spreadsheet appends at the end are left out. */
  readonly names: readonly string[];
  readonly id: number;
  readonly fields: { readonly [F in UpdatableField]?: number };
  /** The `currentBalanceDelta` column: credits to add to (or take from) the live balance. */
  readonly delta?: number | undefined;
  /** The `clientId` column: which client's batches a row's id is among. */
  readonly clientId?: number | undefined;
  /** The `creditAccountId` column: which of its client's credit accounts the batch is in (a snapshot has one): the live values are then read by account. */
  readonly creditAccountId?: number | undefined;
  /** The `before.<field>` columns: the values the file was prepared from (a snapshot carries them). */
  readonly before: { readonly [F in UpdatableField]?: number };
  /** Columns written back to the report and failed.csv: all but the `error` column (and the `code` column after it) left by an earlier run. */
  readonly carried: readonly number[];
}

export const ERROR_COLUMN = 'error';
/** The stable codes of what `error` says (core/words/), right after it in report.csv and failed.csv. */
export const CODE_COLUMN = 'code';
export const CLIENT_COLUMN = 'clientId';
export const CREDIT_ACCOUNT_COLUMN = 'creditAccountId';
/** A signed number of credits added to the live balance, instead of a balance set outright. */
export const DELTA_COLUMN = 'currentBalanceDelta';
/** `before.name`, `before.expiresOn`, `before.currentBalance`: the value a field held when the file was prepared. */
export const BEFORE_PREFIX = 'before.';
export const STATUS_COLUMNS = ['line', 'outcome', 'httpStatus', 'attempts', ERROR_COLUMN] as const;
/** The JSON body sent (or, for validate and --dry-run, that would be sent). */
export const SENT_COLUMN = 'sent';
/** A workbook's report: the row's cells whose value was a formula's cached result. */
export const FORMULA_COLUMN = 'formulaCells';
export const API_COLUMN_PREFIX = 'api.';
/** The values a change was made from, and the values it was checked against: columns of a report. */
export const BASELINE_COLUMN_PREFIX = 'baseline.';
export const LIVE_COLUMN_PREFIX = 'live.';
/** How old, in ms, the live values a row was checked against were when its request left. */
export const READ_AGE_COLUMN = 'readAgeMs';
/** The batch's updatedAt as read before its write, where the window reconciliation looks in begins. */
export const READ_UPDATED_AT_COLUMN = 'readUpdatedAt';
/** The credits a write overwrote, as correction.csv gives them back. */
export const CORRECTION_COLUMN = 'correction';
/** The credit batch as the API returned it; its id is the row's own. */
export const API_FIELDS = CREDIT_BATCH_FIELDS.filter((field) => field !== 'id');

/** Column names only a report has: an input carrying them is a report fed back by mistake. */
export function isReportOnlyColumn(name: string): boolean {
  return (
    name !== ERROR_COLUMN &&
    ((STATUS_COLUMNS as readonly string[]).includes(name) ||
      name === SENT_COLUMN ||
      name === FORMULA_COLUMN ||
      name === READ_AGE_COLUMN ||
      name === READ_UPDATED_AT_COLUMN ||
      name === CORRECTION_COLUMN ||
      [API_COLUMN_PREFIX, BASELINE_COLUMN_PREFIX, LIVE_COLUMN_PREFIX].some((prefix) => name.startsWith(prefix)))
  );
}

/**
 * Whether a row has a cell for every column and nothing beyond them but
 * empty cells, which spreadsheets append to rows as they do to the header.
 */
export function fitsHeader(columns: Columns, cells: readonly string[]): boolean {
  const width = columns.names.length;
  if (cells.length < width) return false;
  for (let index = width; index < cells.length; index++) if (cells[index] !== '') return false;
  return true;
}

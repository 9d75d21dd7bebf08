import { CREDIT_BATCH_FIELDS } from '../core/credit-batch.js';

/**
 * The columns ti-credits writes itself. report.csv is
 * `[...STATUS_COLUMNS, ...the input columns, SENT_COLUMN, ...API_COLUMNS]`;
 * failed.csv is `[...the input columns, ERROR_COLUMN]`.
 */
export const ERROR_COLUMN = 'error';
export const STATUS_COLUMNS = ['line', 'outcome', 'httpStatus', 'attempts', ERROR_COLUMN] as const;
/** The JSON body sent (or, for validate and --dry-run, that would be sent). */
export const SENT_COLUMN = 'sent';
export const API_COLUMN_PREFIX = 'api.';
/** The credit batch as the API returned it; its id is the row's own. */
export const API_FIELDS = CREDIT_BATCH_FIELDS.filter((field) => field !== 'id');
export const API_COLUMNS = API_FIELDS.map((field) => `${API_COLUMN_PREFIX}${field}`);

/** Column names only a report has: an input carrying them is a report fed back by mistake. */
export function isReportOnlyColumn(name: string): boolean {
  return name !== ERROR_COLUMN && ((STATUS_COLUMNS as readonly string[]).includes(name) || name === SENT_COLUMN || name.startsWith(API_COLUMN_PREFIX));
}

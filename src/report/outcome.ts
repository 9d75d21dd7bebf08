import type { CreditBatch, CreditBatchUpdate } from '../core/credit-batch.js';
import type { ErrorKind } from '../core/errors.js';

/**
 * Every outcome a row can have, in any command; each command's report schema
 * (schema.ts) says which of them its rows can have.
 * - `updated`: the API confirmed the change.
 * - `failed`: not updated: the API refused it, it kept failing, or 429 pauses held it back too long.
 * - `invalid`: the row itself is wrong; never sent.
 * - `skipped`: a valid row that was not sent (invalid rows elsewhere, or the run stopped).
 * - `valid`: `validate` and `--dry-run` only: would be sent as shown.
 * - `unchanged`: the batch already holds every value the row asks for; never sent.
 * - `drifted`: the batch changed since the file was prepared (or since the plan read it); never sent.
 * - `uncertain`: a delta whose request may have been applied (its answer was
 *   lost) on a batch that has moved since: never sent again, never in
 *   failed.csv; a person must look (see MAY_HAVE_BEEN_APPLIED).
 * - `holds`, `changed`: `verify` only: the batch still holds what the run wrote, or no longer does.
 */
export type Outcome = 'updated' | 'failed' | 'invalid' | 'skipped' | 'valid' | 'unchanged' | 'drifted' | 'uncertain' | 'holds' | 'changed';

/**
 * The start of the error of a row sent whole whose answer never arrived
 * complete: the API may have applied it, unlike a row it refused.
 */
export const ANSWER_LOST_NOTE = 'the API may have applied this row: the answer was lost';

/** What became of one input row: one line of a report. */
export interface RowOutcome {
  readonly line: number;
  readonly outcome: Outcome;
  /** The row's cells exactly as read (a sheet row's as the text that reads back to the same values). */
  readonly cells: readonly string[];
  /** A sheet row's cells whose value was a formula's cached result, by address (`C7`). */
  readonly formulas?: readonly string[] | undefined;
  /** Requests sent for this row. */
  readonly attempts: number;
  readonly httpStatus?: number | undefined;
  readonly error?: string | undefined;
  /**
   * The stable code of what `error` says (core/words/): an invalid row's
   * problems' codes, in the order `error` says them, separated by a space; a
   * failed row's error's; a drifted, uncertain or skipped row's outcome's.
   * Absent for a row updated or unchanged.
   */
  readonly code?: string | undefined;
  readonly errorKind?: ErrorKind | undefined;
  /** The body sent, or that would be sent. */
  readonly sent?: CreditBatchUpdate | undefined;
  /** The credit batch as the API returned it. */
  readonly result?: CreditBatch | undefined;
  /** The values the row's changes were made from: what the batch must still hold for them to be sent. */
  readonly baseline?: CreditBatchUpdate | undefined;
  /** What the batch held when the row was checked, just before it would be sent. */
  readonly live?: CreditBatchUpdate | undefined;
  /**
   * How old the live values the row was checked against were when its
   * request left (or, not sent, when it was checked), in ms: the guard's
   * freshness, auditable row by row.
   */
  readonly readAgeMs?: number | undefined;
  /** The batch's updatedAt as listed by the read its last request was made from (server time): the ledger is reconciled from there. */
  readonly readUpdatedAt?: string | undefined;
  /**
   * Credits the write overwrote, as the credit ledger shows (the delta
   * correction.csv gives back: a redemption of 7 written over is −7); set
   * once the run is reconciled, on the rows that overwrote something.
   */
  readonly correction?: number | undefined;
}

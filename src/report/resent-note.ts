import type { RowOutcome } from './outcome.js';

/**
 * The note a row resent after an interruption carries in its report: the
 * report is the only lasting record that the API may have applied it twice.
 */
export const RESENT_NOTE = 'resent after interruption: an earlier request was sent but its answer never recorded, so the API may have applied this row twice';

/** A row that was in flight when the run died, as the resumed run records it: the `lost` requests count, and the report says so. */
export function markResent(row: RowOutcome, lost: number): RowOutcome {
  return { ...row, attempts: row.attempts + lost, error: row.error === undefined ? RESENT_NOTE : `${RESENT_NOTE}; ${row.error}` };
}

/** Whether a row's record says it was resent after an interruption: the report is the only lasting record of it, and the note is ti-credits' own text. */
export function saysResent(error: string | undefined): boolean {
  return error?.startsWith(RESENT_NOTE) === true;
}

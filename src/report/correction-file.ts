import { join } from 'node:path';
import { CLIENT_COLUMN, DELTA_COLUMN } from '../core/columns.js';
import type { OverwrittenRow } from '../core/credit-action.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const CORRECTION_FILE = 'correction.csv';
/**
 * Why each line gives back what it does. A name ti-credits does not read, nor
 * resembles one it reads, so that `apply` carries it to its report as a note.
 */
export const CORRECTION_NOTE_COLUMN = 'note';

/**
 * correction.csv: for every row whose write overwrote balance changes the
 * credit ledger records, a `currentBalanceDelta` that gives them back (a
 * redemption of 7 written over is −7, credits of 5 given and written over
 * +5), with a note naming the actions. It is an input of `apply` like
 * undo.csv: a delta is added to the balance as read just before it is sent,
 * so that what learners did since survives the correction too. Written whole
 * or not at all.
 */
export class CorrectionFile {
  readonly #file: AtomicCsvFile;
  #rows = 0;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, CORRECTION_FILE), ['id', CLIENT_COLUMN, DELTA_COLUMN, CORRECTION_NOTE_COLUMN]);
  }

  /** Adds the row's correction; a row whose overwrites cancel out (net 0) needs none and is left out. */
  add(row: OverwrittenRow): void {
    if (row.credits === 0) return;
    const delta = row.credits > 0 ? `+${row.credits}` : String(row.credits);
    this.#file.add([row.id, row.clientId, delta, correctionNote(row)]);
    this.#rows++;
  }

  /** Rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

/** E.g. `written over by line 12: debit 6f1c… of 7 credits from the batch at 2026-05-01T12:00:00.001Z`. */
export function correctionNote(row: OverwrittenRow): string {
  const actions = row.actions.map(
    (action) =>
      `${action.actionType} ${action.id} of ${action.amount} credit${action.amount === 1 ? '' : 's'} ${action.role === 'source' ? 'from' : 'to'} the batch at ${action.timestamp}`,
  );
  return `written over by line ${row.line}: ${actions.join('; ')}`;
}

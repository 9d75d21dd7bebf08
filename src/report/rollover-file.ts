import { join } from 'node:path';
import { BEFORE_PREFIX, CLIENT_COLUMN } from '../core/columns.js';
import type { ListedBatch } from '../core/credit-batch.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const ROLLOVER_FILE = 'rollover.csv';
export const LEFT_OUT_FILE = 'left-out.csv';

/**
 * rollover.csv: one row per batch a rollover moves, an input of `plan` and
 * `apply` as it is: its new `expiresOn` (an exact moment, so that it means
 * the same whatever --timezone reads it later), and `before.expiresOn`, what
 * it is moved from, so that a batch changed since is found drifted rather
 * than moved. The batch's `name`, for the person reading the file, goes with
 * `before.name` holding the same: the row renames nothing, and a batch
 * renamed since keeps its new name. Values are written as the API gave them,
 * never reshaped, as in snapshot.csv (a cell a spreadsheet would run as a
 * formula guarded, and read back as it was: AtomicCsvFile).
 */
export class RolloverFile {
  readonly #file: AtomicCsvFile;
  #rows = 0;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, ROLLOVER_FILE), [
      'id',
      CLIENT_COLUMN,
      'name',
      'expiresOn',
      `${BEFORE_PREFIX}name`,
      `${BEFORE_PREFIX}expiresOn`,
    ]);
  }

  add(batch: Pick<ListedBatch, 'id' | 'clientId' | 'name'> & { readonly expiresOn: string }, expiresOn: string): void {
    const name = batch.name ?? '';
    this.#file.add([batch.id, batch.clientId, name, expiresOn, name, batch.expiresOn]);
    this.#rows++;
  }

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

/** Why a rollover left a batch out. */
export type LeftOutReason = 'earlier' | 'already' | 'inactive';

/**
 * left-out.csv: the batches within the window that a rollover did not move,
 * each with why.
 */
export class LeftOutFile {
  readonly #file: AtomicCsvFile;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, LEFT_OUT_FILE), ['id', CLIENT_COLUMN, 'name', 'status', 'expiresOn', 'reason']);
  }

  add(batch: Pick<ListedBatch, 'id' | 'clientId' | 'name' | 'status'> & { readonly expiresOn: string }, reason: LeftOutReason): void {
    this.#file.add([batch.id, batch.clientId, batch.name ?? '', typeof batch.status === 'string' ? batch.status : '', batch.expiresOn, reason]);
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

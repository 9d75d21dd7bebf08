import { join } from 'node:path';
import type { CreditBatchUpdate, UpdatableField } from '../core/credit-batch.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const PLAN_FILE = 'plan.csv';

/** One field a row changes: what it holds, what it will hold. */
export interface FieldChange {
  readonly field: UpdatableField;
  readonly before: CreditBatchUpdate[UpdatableField];
  readonly after: CreditBatchUpdate[UpdatableField];
  /**
   * For a balance adjusted rather than set (`currentBalanceDelta`): the
   * credits added. `after` is then `before` plus it as planned; the balance
   * sent is the live one plus it, as read just before the request.
   */
  readonly delta?: number | undefined;
}

const DAY_MS = 86_400_000;

/** The change in words a spreadsheet sorts: a signed number of credits, a signed number of days, or `renamed`. */
export function describeChange(change: FieldChange): string {
  switch (change.field) {
    case 'currentBalance': {
      const delta = Number(change.after) - Number(change.before);
      return delta > 0 ? `+${delta}` : String(delta);
    }
    case 'expiresOn': {
      const days = Math.round(((Date.parse(String(change.after)) - Date.parse(String(change.before))) / DAY_MS) * 10) / 10;
      return `${days > 0 ? '+' : ''}${days} days`;
    }
    case 'name':
      return 'renamed';
  }
}

/**
 * plan.csv: every change the plan makes, one line per field, old → new, in
 * file order; beside each id, the batch's name as read, and its client's
 * name when the run read the client list.
 */
export class PlanFile {
  readonly #file: AtomicCsvFile;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, PLAN_FILE), ['line', 'id', 'name', 'clientId', 'clientName', 'field', 'before', 'after', 'change']);
  }

  add(
    row: {
      readonly line: number;
      readonly id: string;
      readonly clientId: string;
      readonly name?: string | undefined;
      readonly clientName?: string | undefined;
    },
    changes: readonly FieldChange[],
  ): void {
    const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
    for (const change of changes) {
      this.#file.add([
        String(row.line),
        row.id,
        text(row.name),
        row.clientId,
        text(row.clientName),
        change.field,
        text(change.before),
        text(change.after),
        describeChange(change),
      ]);
    }
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

import { UPDATABLE_FIELDS, type UpdatableField } from '../core/credit-batch.js';
import type { PriorRun } from '../report/prior-run.js';
import type { RowVerdict, ValidRow } from '../validate/row.js';

/** What a run will change, known before its first request: what the operator confirms. */
export interface Plan {
  /** Rows that will be sent. */
  readonly rows: number;
  /** Rows that set each field. */
  readonly fields: Readonly<Record<UpdatableField, number>>;
  /** The sum of the currentBalance values being set: exact, however many rows. */
  readonly balanceSum: bigint;
  /** The earliest and latest expiresOn being set, as sent. */
  readonly expiry: { readonly earliest: string; readonly latest: string } | undefined;
  /** Valid rows not sent because the run being resumed already updated them. */
  readonly alreadyUpdated: number;
  /** Invalid rows, not sent (--skip-invalid). */
  readonly invalid: number;
}

/** Adds up the rows to send, one at a time, in constant memory. */
export class PlanBuilder {
  #rows = 0;
  #invalid = 0;
  readonly #fields: Record<UpdatableField, number> = Object.fromEntries(UPDATABLE_FIELDS.map((field) => [field, 0])) as Record<UpdatableField, number>;
  #balanceSum = 0n;
  #earliest: string | undefined;
  #latest: string | undefined;

  /** Counts a row: an invalid one as not sent, a valid one unless the run being resumed already updated it. */
  count(verdict: RowVerdict, prior: PriorRun | undefined): void {
    if (!verdict.valid) this.#invalid++;
    else if (prior?.updated.has(verdict.row.line) !== true) this.#add(verdict.row);
  }

  #add(row: ValidRow): void {
    this.#rows++;
    const { body } = row;
    if (body.name !== undefined) this.#fields.name++;
    if (body.currentBalance !== undefined) {
      this.#fields.currentBalance++;
      this.#balanceSum += BigInt(body.currentBalance);
    }
    if (body.expiresOn !== undefined) {
      this.#fields.expiresOn++;
      // Every expiresOn sent has the same UTC form, so text order is time order.
      if (this.#earliest === undefined || body.expiresOn < this.#earliest) this.#earliest = body.expiresOn;
      if (this.#latest === undefined || body.expiresOn > this.#latest) this.#latest = body.expiresOn;
    }
  }

  build(alreadyUpdated: number): Plan {
    return {
      invalid: this.#invalid,
      rows: this.#rows,
      fields: { ...this.#fields },
      balanceSum: this.#balanceSum,
      expiry: this.#earliest === undefined || this.#latest === undefined ? undefined : { earliest: this.#earliest, latest: this.#latest },
      alreadyUpdated,
    };
  }
}

import { UPDATABLE_FIELDS, type CreditBatchUpdate, type UpdatableField } from '../../core/credit-batch.js';
import type { FieldChange } from '../../report/plan-file.js';

/**
 * Values compared as the API means them: names exactly, expiry dates as
 * instants to the whole second (the API may write `2027-03-31T23:59:59Z` for
 * what was sent as `…59.999Z`, and a date alone, the end of its day, is
 * `…59.999Z`: a batch expiring at `…59Z` already expires then), balances as
 * integers.
 */
export function sameValue(field: UpdatableField, a: CreditBatchUpdate[UpdatableField], b: CreditBatchUpdate[UpdatableField]): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (field === 'expiresOn') return expirySecond(String(a)) === expirySecond(String(b));
  return a === b;
}

/** The whole second an expiry falls in (seconds since 1970), as expiries are compared. */
export function expirySecond(expiresOn: string): number {
  return Math.floor(Date.parse(expiresOn) / 1000);
}

/** The fields `target` sets, with what they held in `from`. */
export function valuesOf(fields: readonly UpdatableField[], from: CreditBatchUpdate): CreditBatchUpdate {
  const values: Record<string, unknown> = {};
  for (const field of fields) if (from[field] !== undefined) values[field] = from[field];
  return values as CreditBatchUpdate;
}

/**
 * What a row changes against `baseline`: each field it sets to a value the
 * baseline does not hold, and the balance it adjusts by a `delta` other than 0.
 */
export function changesOf(baseline: CreditBatchUpdate, row: { readonly body: CreditBatchUpdate; readonly delta?: number | undefined }): FieldChange[] {
  const changes: FieldChange[] = UPDATABLE_FIELDS.flatMap((field) =>
    row.body[field] === undefined || sameValue(field, row.body[field], baseline[field]) ? [] : [{ field, before: baseline[field], after: row.body[field] }],
  );
  if (row.delta !== undefined && row.delta !== 0) {
    const before = baseline.currentBalance ?? 0;
    changes.push({ field: 'currentBalance', before, after: before + row.delta, delta: row.delta });
  }
  return changes;
}

/**
 * A change an earlier request may have applied: its answer was lost, in this
 * session or one that died. `balance`, for a balance adjusted by a delta:
 * what that request added the delta to and what it set (the journal's
 * record of it, or, for a journal that has none, the plan's).
 */
export interface Landed {
  readonly balance: { readonly from: number; readonly to: number } | undefined;
}

/**
 * What a change comes to against what the batch holds now:
 * - `send`: every field it sets still holds its baseline (a balance it
 *   adjusts is adjusted from whatever the batch holds, unless it may have
 *   landed: then it must hold what that request was made from);
 * - `unchanged`: every field it changes already holds its target;
 * - `applied`: the same, for a change that may have landed: it did;
 * - `uncertain`: a delta that may have landed, on a balance that holds
 *   neither what the request was made from nor what it set: learners
 *   redeemed meanwhile, and applied or not cannot be told; sending it again
 *   could apply it twice;
 * - `drifted`: anything else: the batch moved since the baseline was taken.
 */
export type Check = 'send' | 'unchanged' | 'applied' | 'uncertain' | 'drifted';

export function check(changes: readonly FieldChange[], live: CreditBatchUpdate, landed?: Landed): Check {
  const states = changes.map((change) => {
    if (change.delta !== undefined) {
      if (landed === undefined) return 'pending';
      const { from, to } = landed.balance ?? { from: Number(change.before), to: Number(change.after) };
      return live.currentBalance === from ? 'pending' : live.currentBalance === to ? 'done' : 'moved';
    }
    if (sameValue(change.field, live[change.field], change.before)) return 'pending';
    if (sameValue(change.field, live[change.field], change.after)) return 'done';
    return 'moved';
  });
  if (states.every((state) => state === 'pending')) return 'send';
  if (states.every((state) => state === 'done')) return landed === undefined ? 'unchanged' : 'applied';
  if (landed !== undefined && changes.some((change) => change.delta !== undefined)) return 'uncertain';
  return 'drifted';
}

/** The body of the request that makes the changes as planned: the changed fields only. */
export function bodyOf(changes: readonly FieldChange[]): CreditBatchUpdate {
  return Object.fromEntries(changes.map((change) => [change.field, change.after])) as CreditBatchUpdate;
}

/**
 * The body as sent: a balance adjusted by a delta is the live balance plus
 * it, as read just before the request.
 */
export function bodyAgainst(changes: readonly FieldChange[], live: CreditBatchUpdate): CreditBatchUpdate {
  return Object.fromEntries(
    changes.map((change) => [change.field, change.delta === undefined ? change.after : (live.currentBalance ?? 0) + change.delta]),
  ) as CreditBatchUpdate;
}

/**
 * How a change is undone: each field set back to its baseline, except a
 * balance, taken back by the credits the change added (`before − after`), so
 * that what learners redeemed since survives the undo.
 */
export function undoOf(changes: readonly FieldChange[]): {
  readonly restore: CreditBatchUpdate;
  readonly delta: number | undefined;
  readonly written: CreditBatchUpdate;
} {
  const restore: Record<string, unknown> = {};
  const written: Record<string, unknown> = {};
  let delta: number | undefined;
  for (const change of changes) {
    if (change.field === 'currentBalance') delta = -(change.delta ?? Number(change.after) - Number(change.before));
    else {
      restore[change.field] = change.before;
      written[change.field] = change.after;
    }
  }
  return { restore: restore as CreditBatchUpdate, delta, written: written as CreditBatchUpdate };
}

/** The fields a set of changes touches. */
export function fieldsOf(changes: readonly FieldChange[]): UpdatableField[] {
  return changes.map((change) => change.field);
}

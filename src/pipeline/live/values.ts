import { UPDATABLE_FIELDS, type CreditBatchUpdate, type UpdatableField } from '../../core/credit-batch.js';
import type { FieldChange } from '../../report/plan-file.js';

/**
 * Values compared as the API means them: names exactly, expiry dates as
 * instants (the API may write `2027-03-31T23:59:59Z` for what was sent as
 * `…59.000Z`), balances as integers.
 */
export function sameValue(field: UpdatableField, a: CreditBatchUpdate[UpdatableField], b: CreditBatchUpdate[UpdatableField]): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (field === 'expiresOn') return Date.parse(String(a)) === Date.parse(String(b));
  return a === b;
}

/** The fields `target` sets, with what they held in `from`. */
export function valuesOf(fields: readonly UpdatableField[], from: CreditBatchUpdate): CreditBatchUpdate {
  const values: Record<string, unknown> = {};
  for (const field of fields) if (from[field] !== undefined) values[field] = from[field];
  return values as CreditBatchUpdate;
}

/** The fields of `target` whose value differs from `baseline`'s: what a row changes. */
export function changesFrom(baseline: CreditBatchUpdate, target: CreditBatchUpdate): FieldChange[] {
  return UPDATABLE_FIELDS.flatMap((field) => (target[field] === undefined || sameValue(field, target[field], baseline[field]) ? [] : [{ field, before: baseline[field], after: target[field] }]));
}

/**
 * What a change comes to against what the batch holds now:
 * - `send`: every field it changes still holds its baseline;
 * - `unchanged`: every field it changes already holds its target;
 * - `drifted`: anything else: the batch moved since the baseline was taken.
 */
export type Check = 'send' | 'unchanged' | 'drifted';

export function check(changes: readonly FieldChange[], live: CreditBatchUpdate): Check {
  if (changes.every((change) => sameValue(change.field, live[change.field], change.before))) return 'send';
  if (changes.every((change) => sameValue(change.field, live[change.field], change.after))) return 'unchanged';
  return 'drifted';
}

/** The body of the request that makes the changes: the changed fields only. */
export function bodyOf(changes: readonly FieldChange[]): CreditBatchUpdate {
  return Object.fromEntries(changes.map((change) => [change.field, change.after])) as CreditBatchUpdate;
}

/** The fields a set of changes touches. */
export function fieldsOf(changes: readonly FieldChange[]): UpdatableField[] {
  return changes.map((change) => change.field);
}

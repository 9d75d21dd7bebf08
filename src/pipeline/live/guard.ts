import type { CreditBatchUpdate } from '../../core/credit-batch.js';
import { ApiError } from '../../core/errors.js';
import type { Baseline } from '../../report/baseline-file.js';
import type { FieldChange } from '../../report/plan-file.js';
import type { ValidRow } from '../../validate/row.js';
import type { Limits } from '../run-options.js';
import { rowOverLimit } from './limits.js';
import type { LiveBatch, LiveBatches } from './live-batches.js';
import { bodyAgainst, changesOf, check, valuesOf } from './values.js';

/**
 * A valid row against the live values:
 * - `invalid`: its id is not among its client's batches, or it would take a balance below 0;
 * - `unchanged`: it asks for nothing the batch does not already hold;
 * - `change`: it changes `changes`, made from `baseline`; `drifted` when the
 *   batch no longer held the baseline as it was last read.
 */
export type PlannedRow =
  | { readonly kind: 'invalid'; readonly problem: string }
  | { readonly kind: 'unchanged'; readonly clientId: string; readonly baseline: CreditBatchUpdate; readonly live: CreditBatchUpdate | undefined }
  | {
      readonly kind: 'change';
      readonly clientId: string;
      readonly baseline: CreditBatchUpdate;
      readonly changes: readonly FieldChange[];
      readonly drifted: boolean;
      readonly live: CreditBatchUpdate | undefined;
      /** The credits already allocated from the batch, as read for the plan. */
      readonly allocated?: number | undefined;
    };

/** Why a change was not sent when its turn came, or that it had been applied already. */
export type GuardVerdict =
  | { readonly kind: 'unchanged'; readonly live: CreditBatchUpdate }
  /** A delta that would take the balance, as it now is, below 0. */
  | { readonly kind: 'below-zero'; readonly live: CreditBatchUpdate }
  | { readonly kind: 'drifted'; readonly live: CreditBatchUpdate | undefined }
  /** A row in flight when an earlier session died, found holding its target: the API applied it then. */
  | { readonly kind: 'applied'; readonly live: CreditBatchUpdate }
  | { readonly kind: 'unreadable'; readonly error: ApiError };

/**
 * Reads before writes: which client a row belongs to, what it changes
 * against the live values, and, just before its request, whether the batch
 * still holds the values the change was made from.
 */
export class LiveGuard {
  readonly #live: LiveBatches;
  /** The clients named with --client, for rows without a clientId cell. */
  readonly #named: ReadonlySet<string>;

  constructor(live: LiveBatches, namedClients: readonly string[]) {
    this.#live = live;
    this.#named = new Set(namedClients.map((client) => client.toLowerCase()));
  }

  /**
   * The row against the batch as read for the plan. Its baseline is, field by
   * field, its `before.*` cell where it has one, else what the batch held;
   * a resumed run passes the baseline its first session recorded.
   */
  plan(row: ValidRow, recorded: Baseline | undefined, limits: Limits): PlannedRow {
    const batch = this.#live.get(row.id);
    const belongs = batch !== undefined && (row.clientId === undefined ? this.#named.has(batch.clientId.toLowerCase()) : batch.clientId.toLowerCase() === row.clientId.toLowerCase());
    if (batch === undefined || !belongs) {
      const clients = row.clientId === undefined ? [...this.#named] : [row.clientId];
      return { kind: 'invalid', problem: `id ${row.id} is not a credit batch of client ${clients.join(' or ')}; check the id and the client` };
    }
    // A balance adjusted by a delta is adjusted from the live one; the file's before.currentBalance says nothing of it.
    const fields = [...(Object.keys(row.body) as (keyof CreditBatchUpdate)[]), ...(row.delta === undefined ? [] : ['currentBalance' as const])];
    const missing = fields.find((field) => batch[field] === undefined);
    if (missing !== undefined) return { kind: 'invalid', problem: missingField(row.id, missing) };
    const fromFile = valuesOf(
      fields.filter((field) => row.delta === undefined || field !== 'currentBalance'),
      row.before,
    );
    const baseline = recorded?.values ?? { ...valuesOf(fields, batch), ...fromFile };
    const live = valuesOf(fields, batch);
    const changes = changesOf(baseline, row);
    const below = changes.find((change) => change.delta !== undefined && Number(change.after) < 0);
    if (below !== undefined) {
      return { kind: 'invalid', problem: `currentBalanceDelta ${row.delta} would take the balance of ${row.id} from ${String(below.before)} to ${String(below.after)}, below 0` };
    }
    // Beyond 2^53 − 1 a balance is no longer a whole number JSON carries exactly: it would be sent rounded, as a cell holding it is refused.
    const beyond = changes.find((change) => change.delta !== undefined && !Number.isSafeInteger(change.after));
    if (beyond !== undefined) {
      return { kind: 'invalid', problem: `currentBalanceDelta ${row.delta} would take the balance of ${row.id} from ${String(beyond.before)} beyond 9007199254740991, the largest whole number sent exactly` };
    }
    if (changes.length === 0) return { kind: 'unchanged', clientId: batch.clientId, baseline, live };
    const over = rowOverLimit(changes, limits);
    if (over !== undefined) return { kind: 'invalid', problem: over };
    const verdict = check(changes, batch);
    if (verdict === 'unchanged') return { kind: 'unchanged', clientId: batch.clientId, baseline, live };
    return { kind: 'change', clientId: batch.clientId, baseline, changes, drifted: verdict === 'drifted', live, allocated: batch.allocatedCredits };
  }

  /**
   * The check made just before a change is sent, against values read no
   * longer than --max-staleness ago: the body to send (a balance adjusted by
   * a delta is adjusted from the balance just read), else why not. A row that
   * was in flight when an earlier session died and now holds its target was
   * applied then.
   */
  async check(id: string, planned: Extract<PlannedRow, { kind: 'change' }>, inFlight: boolean): Promise<GuardVerdict | { readonly kind: 'send'; readonly body: CreditBatchUpdate; readonly live: CreditBatchUpdate }> {
    const failure = await this.#live.fresh(planned.clientId);
    if (failure !== undefined) return { kind: 'unreadable', error: failure.error };
    const batch: LiveBatch | undefined = this.#live.get(id);
    if (batch === undefined) return { kind: 'drifted', live: undefined };
    const missing = planned.changes.find((change) => batch[change.field] === undefined);
    if (missing !== undefined) return { kind: 'unreadable', error: new ApiError('rejected', missingField(id, missing.field), { status: 200 }) };
    const live = valuesOf(
      planned.changes.map((change) => change.field),
      batch,
    );
    switch (check(planned.changes, batch, inFlight)) {
      case 'send': {
        const body = bodyAgainst(planned.changes, batch);
        if (body.currentBalance !== undefined && body.currentBalance < 0) return { kind: 'below-zero', live };
        return { kind: 'send', body, live };
      }
      case 'unchanged':
        return { kind: 'unchanged', live };
      case 'applied':
        return { kind: 'applied', live };
      case 'drifted':
        return { kind: 'drifted', live };
    }
  }
}

/** A batch listed without a field the row changes: nothing is checked, or sent, against a value the API did not give. */
function missingField(id: string, field: keyof CreditBatchUpdate): string {
  return `the API listed credit batch ${id} without its ${field}, which the row changes, so the row cannot be checked against it`;
}

import type { CreditBatch, CreditBatchUpdate } from '../../core/credit-batch.js';
import type { ApiError } from '../../core/errors.js';
import type { Baseline } from '../../report/baseline-file.js';
import type { FieldChange } from '../../report/plan-file.js';
import type { ValidRow } from '../../validate/row.js';
import type { LiveBatches } from './live-batches.js';
import { changesFrom, check, valuesOf } from './values.js';

/**
 * A valid row against the live values:
 * - `missing`: its id is not among its client's batches;
 * - `unchanged`: it asks for nothing the batch does not already hold;
 * - `change`: it changes `changes`, made from `baseline`; `drifted` when the
 *   batch no longer held the baseline as it was last read.
 */
export type PlannedRow =
  | { readonly kind: 'missing'; readonly problem: string }
  | { readonly kind: 'unchanged'; readonly clientId: string; readonly baseline: CreditBatchUpdate; readonly live: CreditBatchUpdate | undefined }
  | { readonly kind: 'change'; readonly clientId: string; readonly baseline: CreditBatchUpdate; readonly changes: readonly FieldChange[]; readonly drifted: boolean; readonly live: CreditBatchUpdate | undefined };

/** Why a change was not sent when its turn came, or that it had been applied already. */
export type GuardVerdict =
  | { readonly kind: 'unchanged'; readonly live: CreditBatchUpdate }
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
  plan(row: ValidRow, recorded?: Baseline): PlannedRow {
    const batch = this.#live.get(row.id);
    const belongs = batch !== undefined && (row.clientId === undefined ? this.#named.has(batch.clientId.toLowerCase()) : batch.clientId.toLowerCase() === row.clientId.toLowerCase());
    if (batch === undefined || !belongs) {
      const clients = row.clientId === undefined ? [...this.#named] : [row.clientId];
      return { kind: 'missing', problem: `id ${row.id} is not a credit batch of client ${clients.join(' or ')}; check the id and the client` };
    }
    const fields = Object.keys(row.body) as (keyof CreditBatchUpdate)[];
    const baseline = recorded?.values ?? { ...valuesOf(fields, batch), ...valuesOf(fields, row.before) };
    const live = valuesOf(fields, batch);
    const changes = changesFrom(baseline, row.body);
    if (changes.length === 0) return { kind: 'unchanged', clientId: batch.clientId, baseline, live };
    const verdict = check(changes, batch);
    if (verdict === 'unchanged') return { kind: 'unchanged', clientId: batch.clientId, baseline, live };
    return { kind: 'change', clientId: batch.clientId, baseline, changes, drifted: verdict === 'drifted', live };
  }

  /**
   * The check made just before a change is sent, against values read no
   * longer than --max-staleness ago: undefined to send it, else why not. A
   * row that was in flight when an earlier session died and now holds its
   * target was applied then.
   */
  async check(id: string, planned: Extract<PlannedRow, { kind: 'change' }>, inFlight: boolean): Promise<GuardVerdict | undefined> {
    const failure = await this.#live.fresh(planned.clientId);
    if (failure !== undefined) return { kind: 'unreadable', error: failure.error };
    const batch: CreditBatch | undefined = this.#live.get(id);
    if (batch === undefined) return { kind: 'drifted', live: undefined };
    const live = valuesOf(
      planned.changes.map((change) => change.field),
      batch,
    );
    switch (check(planned.changes, batch)) {
      case 'send':
        return undefined;
      case 'unchanged':
        return inFlight ? { kind: 'applied', live } : { kind: 'unchanged', live };
      case 'drifted':
        return { kind: 'drifted', live };
    }
  }
}

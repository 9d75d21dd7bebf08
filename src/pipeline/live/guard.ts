import type { CreditBatchUpdate, UpdatableField } from '../../core/credit-batch.js';
import type { ApiError } from '../../core/errors.js';
import { say, type Said } from '../../core/words.js';
import { OUTCOME_WORDS } from '../../core/words/outcomes.js';
import type { Baseline } from '../../report/baseline-file.js';
import type { FieldChange } from '../../report/plan-file.js';
import type { ValidRow } from '../../validate/row.js';
import type { BatchFacts } from '../plan.js';
import type { Limits } from '../run-options.js';
import { rowOverLimit } from './limits.js';
import type { LiveBatch, LiveBatches } from './live-batches.js';
import type { ReadScopes } from './read-scopes.js';
import { bodyAgainst, changesOf, check, sameValue, valuesOf, type Landed } from './values.js';

/**
 * A valid row against the live values:
 * - `invalid`: its id is not among its client's batches, or it would take a balance below 0;
 * - `unchanged`: it asks for nothing the batch does not already hold;
 * - `change`: it changes `changes`, made from `baseline`; `drifted` when the
 *   batch no longer held the baseline as it was last read.
 */
export type PlannedRow =
  | { readonly kind: 'invalid'; readonly problem: Said }
  | ({ readonly kind: 'unchanged'; readonly clientId: string; readonly baseline: CreditBatchUpdate; readonly live: CreditBatchUpdate | undefined } & BatchFacts)
  | ({
      readonly kind: 'change';
      readonly clientId: string;
      readonly baseline: CreditBatchUpdate;
      readonly changes: readonly FieldChange[];
      readonly drifted: boolean;
      readonly live: CreditBatchUpdate | undefined;
      /** The credits already allocated from the batch, as read for the plan. */
      readonly allocated?: number | undefined;
      /** The batch's credit account, whose ledger records its redemptions. */
      readonly creditAccountId?: string | undefined;
    } & BatchFacts);

/**
 * Why a change was not sent when its turn came, or that it had been applied
 * already; `readAt`: when the values it was checked against were read.
 */
export type GuardVerdict =
  | { readonly kind: 'unchanged'; readonly live: CreditBatchUpdate; readonly readAt: number }
  /** A delta that would take the balance, as it now is, below 0. */
  | { readonly kind: 'below-zero'; readonly live: CreditBatchUpdate; readonly readAt: number }
  | { readonly kind: 'drifted'; readonly live: CreditBatchUpdate | undefined; readonly readAt: number }
  /** A request that may have landed, found holding its target: the API applied it. */
  | { readonly kind: 'applied'; readonly live: CreditBatchUpdate; readonly readAt: number }
  /** A delta that may have landed, on a balance that moved since: applied or not, no one can tell from the balance. */
  | { readonly kind: 'uncertain'; readonly live: CreditBatchUpdate; readonly readAt: number }
  /** The API listed the batch without a field the row changes: nothing to check the change against. */
  | { readonly kind: 'missing-field'; readonly field: UpdatableField; readonly readAt: number }
  | { readonly kind: 'unreadable'; readonly error: ApiError };

/** The body a check lets go, against values read at `readAt`. */
export interface Cleared {
  readonly kind: 'send';
  readonly body: CreditBatchUpdate;
  readonly live: CreditBatchUpdate;
  readonly readAt: number;
  /** The batch's own updatedAt as that read listed it (server time): where the window a write may overwrite begins. */
  readonly updatedAt: string | undefined;
}

/**
 * A valid row against its batch as read (undefined: not listed), a pure
 * function of them: the plan's word on one row. Its baseline is, field by
 * field, its `before.*` cell where it has one, else what the batch held; a
 * resumed run or a saved plan passes the baseline recorded then. `named`:
 * the clients named with --client (lower case), for rows without a
 * clientId cell.
 */
export function planRow(row: ValidRow, batch: LiveBatch | undefined, named: ReadonlySet<string>, recorded: Baseline | undefined, limits: Limits): PlannedRow {
  const belongs =
    batch !== undefined && (row.clientId === undefined ? named.has(batch.clientId.toLowerCase()) : batch.clientId.toLowerCase() === row.clientId.toLowerCase());
  const inAccount = row.creditAccountId === undefined || batch?.creditAccountId?.toLowerCase() === row.creditAccountId.toLowerCase();
  if (batch === undefined || !belongs || !inAccount) {
    return {
      kind: 'invalid',
      problem: say(OUTCOME_WORDS, 'TIC-BATCH-NOT-FOUND', {
        id: row.id,
        clients: row.clientId === undefined ? [...named] : [row.clientId],
        account: row.creditAccountId,
      }),
    };
  }
  // A balance adjusted by a delta is adjusted from the live one; the file's before.currentBalance says nothing of it.
  const fields = [...(Object.keys(row.body) as (keyof CreditBatchUpdate)[]), ...(row.delta === undefined ? [] : ['currentBalance' as const])];
  // A field the list left out (or gave as null) is no value to compare with, nor to add a delta to: never guessed.
  const missing = fields.find((field) => batch[field] === undefined);
  if (missing !== undefined) return { kind: 'invalid', problem: say(OUTCOME_WORDS, 'TIC-BATCH-FIELD-MISSING', { id: row.id, field: missing }) };
  const fromFile = valuesOf(
    fields.filter((field) => row.delta === undefined || field !== 'currentBalance'),
    row.before,
  );
  const baseline = recorded?.values ?? { ...valuesOf(fields, batch), ...fromFile };
  const live = valuesOf(fields, batch);
  const changes = changesOf(baseline, row);
  const below = changes.find((change) => change.delta !== undefined && Number(change.after) < 0);
  if (below !== undefined) {
    return {
      kind: 'invalid',
      problem: say(OUTCOME_WORDS, 'TIC-DELTA-BELOW-ZERO', { id: row.id, delta: row.delta, before: String(below.before), after: String(below.after) }),
    };
  }
  // Beyond 2^53 − 1 a balance is no longer a whole number JSON carries exactly: it would be sent rounded, as a cell holding it is refused.
  const beyond = changes.find((change) => change.delta !== undefined && !Number.isSafeInteger(change.after));
  if (beyond !== undefined) {
    return { kind: 'invalid', problem: say(OUTCOME_WORDS, 'TIC-DELTA-BEYOND-LARGEST', { id: row.id, delta: row.delta, before: String(beyond.before) }) };
  }
  const facts: BatchFacts = { name: batch.name, status: batch.status };
  if (changes.length === 0) return { kind: 'unchanged', clientId: batch.clientId, baseline, live, ...facts };
  const over = rowOverLimit(changes, limits);
  if (over !== undefined) return { kind: 'invalid', problem: over };
  const verdict = check(changes, batch);
  if (verdict === 'unchanged') return { kind: 'unchanged', clientId: batch.clientId, baseline, live, ...facts };
  return {
    kind: 'change',
    clientId: batch.clientId,
    baseline,
    changes,
    drifted: verdict === 'drifted',
    live,
    allocated: batch.allocatedCredits,
    creditAccountId: batch.creditAccountId,
    ...facts,
  };
}

/**
 * Reads before writes: which client a row belongs to, what it changes
 * against the live values, and, just before its request, whether the batch
 * still holds the values the change was made from.
 */
export class LiveGuard {
  readonly #live: LiveBatches;
  /** The clients named with --client, for rows without a clientId cell. */
  readonly #named: ReadonlySet<string>;

  readonly #scopes: ReadScopes;

  constructor(live: LiveBatches, namedClients: readonly string[], scopes: ReadScopes) {
    this.#live = live;
    this.#named = new Set(namedClients.map((client) => client.toLowerCase()));
    this.#scopes = scopes;
  }

  /** The batch as last read, for what a report says of it (its name); undefined when its client's latest read did not list it. */
  batch(id: string): LiveBatch | undefined {
    return this.#live.get(id);
  }

  /** The row against the batch as last read (see planRow). */
  plan(row: ValidRow, recorded: Baseline | undefined, limits: Limits): PlannedRow {
    return planRow(row, this.#live.get(row.id), this.#named, recorded, limits);
  }

  /** Whether values read at `readAt` may still serve a check. */
  isFresh(readAt: number): boolean {
    return this.#live.isFresh(readAt);
  }

  /** Now, on the scale of `readAt`. */
  now(): number {
    return this.#live.now();
  }

  /**
   * The check made just before a change is sent, against values read no
   * longer than --max-staleness ago, and after the plan was confirmed: the
   * body to send (a balance adjusted by a delta is adjusted from the balance
   * just read), else why not. `landed`, for a change an earlier request may
   * have applied (its answer lost, in this session or one that died): what
   * that request was made from and set the balance to, if it adjusted one.
   * Found holding its target, it was applied; holding what it was made from,
   * it was not and goes now; anything else cannot be told apart. `notBefore`:
   * only values read after that moment tell (those read before the request
   * cannot say what became of it).
   */
  async check(
    id: string,
    planned: Pick<Extract<PlannedRow, { kind: 'change' }>, 'clientId' | 'changes' | 'creditAccountId'>,
    landed?: Landed,
    notBefore?: number,
  ): Promise<GuardVerdict | Cleared> {
    const fresh = await this.#live.fresh(this.#scopes.of(planned.clientId, planned.creditAccountId), id, notBefore);
    if ('error' in fresh) return { kind: 'unreadable', error: fresh.error };
    const { at: readAt } = fresh;
    const batch: LiveBatch | undefined = this.#live.get(id);
    if (batch === undefined) return { kind: 'drifted', live: undefined, readAt };
    const missing = planned.changes.find((change) => batch[change.field] === undefined);
    if (missing !== undefined) return { kind: 'missing-field', field: missing.field, readAt };
    const live = valuesOf(
      planned.changes.map((change) => change.field),
      batch,
    );
    switch (check(planned.changes, batch, landed)) {
      case 'send': {
        const body = bodyAgainst(planned.changes, batch);
        if (body.currentBalance !== undefined && body.currentBalance < 0) return { kind: 'below-zero', live, readAt };
        return { kind: 'send', body, live, readAt, updatedAt: batch.updatedAt };
      }
      case 'unchanged':
        return { kind: 'unchanged', live, readAt };
      case 'applied':
        return { kind: 'applied', live, readAt };
      case 'uncertain':
        return { kind: 'uncertain', live, readAt };
      case 'drifted':
        return { kind: 'drifted', live, readAt };
    }
  }

  /**
   * A row the plan found asking for nothing the batch did not hold, checked
   * again against a fresh read as any change is: the batch may have moved
   * since (an approved plan is sent hours later), and then the row drifted.
   */
  async confirmUnchanged(
    id: string,
    scope: { readonly clientId: string; readonly creditAccountId: string | undefined },
    fields: readonly UpdatableField[],
    target: CreditBatchUpdate,
  ): Promise<GuardVerdict> {
    const fresh = await this.#live.fresh(this.#scopes.of(scope.clientId, scope.creditAccountId), id);
    if ('error' in fresh) return { kind: 'unreadable', error: fresh.error };
    const { at: readAt } = fresh;
    const batch = this.#live.get(id);
    if (batch === undefined) return { kind: 'drifted', live: undefined, readAt };
    const live = valuesOf(fields, batch);
    return fields.every((field) => sameValue(field, batch[field], target[field])) ? { kind: 'unchanged', live, readAt } : { kind: 'drifted', live, readAt };
  }
}

import { randomUUID } from 'node:crypto';
import type { CreditActionType } from '../core/credit-action.js';

/** A credit action in the documented shape of `GET /clients/:id/creditAccount/:creditAccountId/creditActions`. */
export interface MockCreditAction {
  readonly id: string;
  readonly client: string;
  readonly action: CreditActionType;
  readonly amount: number;
  readonly target: string;
  readonly targetType: string;
  readonly targetBalanceIn: number | null;
  readonly targetBalanceOut: number | null;
  readonly initiator: string;
  readonly initiatorType: string;
  readonly creditAccountName: string;
  readonly source: string;
  readonly sourceType: string;
  readonly sourceBalanceIn: number | null;
  readonly sourceBalanceOut: number | null;
  readonly timestamp: string;
  readonly updatedAt: string;
}

/** The order the ledger lists its actions in: the documentation does not say, so the mock answers either way. */
export type LedgerOrder = 'oldest-first' | 'newest-first';

/** What the mock knows of the batch an action moved credits out of or into. */
interface BatchSide {
  readonly id: string;
  readonly clientId: string;
  readonly creditAccountId: string;
}

/**
 * The credit ledger of every credit account the mock holds, in memory: each
 * change of a balance the mock simulates (a learner's redemption, credits
 * given to a batch), never an update a client sends, which the API records
 * as an update rather than as credits moved.
 */
export class CreditLedger {
  /** Actions oldest first, by client, credit account and action type (lower-case). */
  readonly #lists = new Map<string, MockCreditAction[]>();

  /** A learner redeeming `amount` credits from `batch`: a debit with the batch as its source. */
  recordRedemption(batch: BatchSide, amount: number, balanceIn: number, at: string): MockCreditAction {
    const learner = randomUUID();
    return this.#record(batch, {
      action: 'debit',
      amount,
      target: learner,
      targetType: 'user',
      targetBalanceIn: 0,
      targetBalanceOut: amount,
      initiator: learner,
      initiatorType: 'user',
      source: batch.id,
      sourceType: 'creditBatch',
      sourceBalanceIn: balanceIn,
      sourceBalanceOut: balanceIn - amount,
      timestamp: at,
    });
  }

  /** Credits given to `batch` from its credit account: a credit with the batch as its target. The mock keeps no account balance, so the source's are null. */
  recordCredit(batch: BatchSide, amount: number, balanceIn: number, at: string): MockCreditAction {
    return this.#record(batch, {
      action: 'credit',
      amount,
      target: batch.id,
      targetType: 'creditBatch',
      targetBalanceIn: balanceIn,
      targetBalanceOut: balanceIn + amount,
      initiator: randomUUID(),
      initiatorType: 'user',
      source: batch.creditAccountId,
      sourceType: 'creditAccount',
      sourceBalanceIn: null,
      sourceBalanceOut: null,
      timestamp: at,
    });
  }

  /** One account's actions of one type, oldest first. */
  actions(clientId: string, creditAccountId: string, actionType: CreditActionType): MockCreditAction[] {
    return [...(this.#lists.get(ledgerKey(clientId, creditAccountId, actionType)) ?? [])];
  }

  /** The same list as it stands now, to be read a page at a time in `order` (a store `Listing`); a page costs its own size. */
  listing(
    clientId: string,
    creditAccountId: string,
    actionType: CreditActionType,
    order: LedgerOrder,
  ): { readonly length: number; slice(start: number, end: number): MockCreditAction[] } {
    const actions = this.#lists.get(ledgerKey(clientId, creditAccountId, actionType)) ?? [];
    const length = actions.length;
    if (order === 'oldest-first') return { length, slice: (start, end) => actions.slice(start, Math.min(end, length)) };
    return { length, slice: (start, end) => actions.slice(Math.max(0, length - end), Math.max(0, length - start)).reverse() };
  }

  /** Actions of every account and type. */
  get size(): number {
    let size = 0;
    for (const list of this.#lists.values()) size += list.length;
    return size;
  }

  #record(batch: BatchSide, fields: Omit<MockCreditAction, 'id' | 'client' | 'creditAccountName' | 'updatedAt'>): MockCreditAction {
    // In the documentation's order of fields, as the API answers them.
    const action: MockCreditAction = {
      id: randomUUID(),
      client: batch.clientId,
      action: fields.action,
      amount: fields.amount,
      target: fields.target,
      targetType: fields.targetType,
      targetBalanceIn: fields.targetBalanceIn,
      targetBalanceOut: fields.targetBalanceOut,
      initiator: fields.initiator,
      initiatorType: fields.initiatorType,
      creditAccountName: `Credit account ${batch.creditAccountId.slice(0, 8)}`,
      source: fields.source,
      sourceType: fields.sourceType,
      sourceBalanceIn: fields.sourceBalanceIn,
      sourceBalanceOut: fields.sourceBalanceOut,
      timestamp: fields.timestamp,
      updatedAt: fields.timestamp,
    };
    const key = ledgerKey(batch.clientId, batch.creditAccountId, action.action);
    const list = this.#lists.get(key);
    if (list === undefined) this.#lists.set(key, [action]);
    else list.push(action);
    return action;
  }
}

function ledgerKey(clientId: string, creditAccountId: string, actionType: CreditActionType): string {
  return `${clientId.toLowerCase()}\u0000${creditAccountId.toLowerCase()}\u0000${actionType}`;
}

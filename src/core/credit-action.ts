/**
 * The credit ledger (`GET /clients/:id/creditAccount/:creditAccountId/creditActions`)
 * as reconciliation reads it, and what reconciliation hands to reporting.
 */

/** The `actionType` the ledger is listed by; the API requires one. */
export const CREDIT_ACTION_TYPES = ['debit', 'credit'] as const;
export type CreditActionType = (typeof CREDIT_ACTION_TYPES)[number];

/**
 * One action of a credit account's ledger, with the fields reconciliation
 * reads. A redemption from a credit batch names the batch as its `source`;
 * credits given to one name it as its `target`. Values absent (or null) in the
 * answer are undefined; a value of another type than the documented one was
 * refused when the page was read.
 */
export interface CreditAction {
  readonly id: string;
  /** The list it was read from. */
  readonly actionType: CreditActionType;
  readonly action: string | undefined;
  /** As the API gave it; the documentation does not say whether a debit's is negative. */
  readonly amount: number | undefined;
  readonly source: string | undefined;
  readonly sourceType: string | undefined;
  readonly target: string | undefined;
  readonly targetType: string | undefined;
  /** As the API gave it, unparsed: read strictly (server-time.ts) by whoever compares it, and reported when it cannot be. */
  readonly timestamp: string | undefined;
  readonly sourceBalanceIn: number | undefined;
  readonly sourceBalanceOut: number | undefined;
  readonly targetBalanceIn: number | undefined;
  readonly targetBalanceOut: number | undefined;
}

/** A ledger action that a write of the run overwrote, as the correction gives it back. */
export interface OverwrittenAction {
  readonly id: string;
  readonly actionType: CreditActionType;
  /** Credits the batch lost (as the action's source) or gained (as its target), never negative. */
  readonly amount: number;
  /** Whether the batch was the action's source (it lost `amount`) or its target (it gained it). */
  readonly role: 'source' | 'target';
  readonly timestamp: string;
}

/** A row whose write overwrote balance changes the ledger records. */
export interface OverwrittenRow {
  readonly line: number;
  /** The credit batch. */
  readonly id: string;
  readonly clientId: string;
  /**
   * Credits to add to the batch to give back what the write overwrote: a
   * redemption of 7 written over is −7 (the write handed the 7 back), credits
   * of 5 given to the batch and written over are +5.
   */
  readonly credits: number;
  readonly actions: readonly OverwrittenAction[];
}

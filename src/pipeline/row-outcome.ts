import type { CreditBatch, CreditBatchUpdate } from '../core/credit-batch.js';
import { ANSWER_LOST_NOTE, type RowOutcome } from '../report/outcome.js';
import type { SendResult } from '../send/operation.js';
import type { InvalidRow, ValidRow } from '../validate/row.js';
import type { GuardVerdict } from './live/guard.js';

/**
 * What becomes of a row, as its line of the report: the one place a verdict,
 * a plan's word or a send result becomes a `RowOutcome`.
 */

export const DRIFTED = 'drifted: the batch no longer holds the values this row was prepared from (baseline), so sending it would overwrite a change made since; see live';

export const APPLIED_EARLIER = 'applied by an earlier request whose answer was lost (in flight when a session died, or timed out): the batch holds the values it sent, so it was not sent again';

export const MAY_HAVE_BEEN_APPLIED =
  'may have been applied: a request adding this delta left but its answer was lost, and the batch now holds neither the balance the delta was added to nor that balance plus the delta (learners redeemed meanwhile), so it is not sent again; look the batch up in Thought Industries (its credit ledger shows whether the change landed) and correct it by hand if needed';

type Row = ValidRow | InvalidRow;

function base(row: Row): Pick<RowOutcome, 'line' | 'cells' | 'formulas'> {
  return { line: row.line, cells: row.cells, formulas: row.formulas };
}

export function invalidOutcome(row: Row, problem: string): RowOutcome {
  return { ...base(row), outcome: 'invalid', attempts: 0, error: problem, errorKind: 'invalid' };
}

/** A row validate or a dry run found valid: it would be sent with `body`. */
export function validOutcome(row: ValidRow, body: CreditBatchUpdate, compared?: { readonly baseline: CreditBatchUpdate; readonly live: CreditBatchUpdate | undefined }): RowOutcome {
  // Written out rather than spread: an object spread of an optional argument cost more than the rest of a dry run's plan pass per row.
  if (compared === undefined) return { line: row.line, cells: row.cells, formulas: row.formulas, outcome: 'valid', attempts: 0, sent: body };
  return { line: row.line, cells: row.cells, formulas: row.formulas, outcome: 'valid', attempts: 0, sent: body, baseline: compared.baseline, live: compared.live };
}

/** A valid row not sent because the run will send nothing (`reason`), or stopped first. */
export function skippedOutcome(row: ValidRow, body: CreditBatchUpdate | undefined, reason: string | undefined, baseline?: CreditBatchUpdate): RowOutcome {
  return { ...base(row), outcome: 'skipped', attempts: 0, sent: body, baseline, error: reason };
}

export function unchangedOutcome(row: ValidRow, baseline: CreditBatchUpdate, live: CreditBatchUpdate | undefined): RowOutcome {
  return { ...base(row), outcome: 'unchanged', attempts: 0, baseline, live };
}

/** A row whose batch moved since the values it was prepared from, found by the plan. */
export function driftedOutcome(row: ValidRow, body: CreditBatchUpdate, baseline: CreditBatchUpdate, live: CreditBatchUpdate | undefined): RowOutcome {
  return { ...base(row), outcome: 'drifted', attempts: 0, sent: body, baseline, live, error: DRIFTED };
}

/** A row the earlier sessions of a resumed run settled, counted as they recorded it. */
export function settledOutcome(line: number, cells: readonly string[], outcome: 'updated' | 'uncertain'): RowOutcome {
  return { line, cells, outcome, attempts: 0 };
}

/** A row's outcome from what the send stage made of it, sending `body`. */
export function sentOutcome(row: ValidRow, body: CreditBatchUpdate, result: SendResult<CreditBatch, GuardVerdict>): RowOutcome {
  const sent = { ...base(row), sent: body };
  switch (result.kind) {
    case 'done':
      return { ...sent, outcome: 'updated', attempts: result.attempts, httpStatus: result.status, result: result.value };
    case 'failed': {
      const error = result.answerLost ? `${ANSWER_LOST_NOTE}; ${result.error.message}` : result.error.message;
      return { ...sent, outcome: 'failed', attempts: result.attempts, httpStatus: result.error.status, error, errorKind: result.error.kind };
    }
    case 'not-sent':
      return { ...sent, outcome: 'skipped', attempts: 0, error: result.reason };
    case 'withheld':
      return withheldOutcome(sent, result.detail, result.attempts);
  }
}

/** A row its guard held back, just before a request: `attempts` already made for it, if a retry was held back. */
function withheldOutcome(sent: Pick<RowOutcome, 'line' | 'cells' | 'formulas' | 'sent'>, verdict: GuardVerdict, attempts: number): RowOutcome {
  switch (verdict.kind) {
    case 'unchanged':
      return { ...sent, outcome: 'unchanged', attempts };
    case 'applied':
      return { ...sent, outcome: 'updated', attempts, error: APPLIED_EARLIER };
    case 'drifted':
      return { ...sent, outcome: 'drifted', attempts, error: verdict.live === undefined ? `${DRIFTED}: the batch is no longer listed for its client` : DRIFTED };
    case 'uncertain':
      return { ...sent, outcome: 'uncertain', attempts, error: MAY_HAVE_BEEN_APPLIED };
    case 'below-zero':
      return { ...sent, outcome: 'failed', attempts, error: `not sent: the delta would take the balance, now ${String(verdict.live.currentBalance)}, below 0`, errorKind: 'rejected' };
    case 'missing-field':
      return { ...sent, outcome: 'failed', attempts, error: `not sent: the API listed the batch without its ${verdict.field}, so the change cannot be checked against it`, errorKind: 'rejected' };
    case 'unreadable':
      return { ...sent, outcome: 'failed', attempts, error: `not sent: its client's batches could not be read again to check it (${verdict.error.message})`, errorKind: verdict.error.kind };
  }
}

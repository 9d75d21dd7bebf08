import type { CreditBatch, CreditBatchUpdate } from '../core/credit-batch.js';
import { say, type FactsOf, type Said } from '../core/words.js';
import { OUTCOME_WORDS } from '../core/words/outcomes.js';
import { ANSWER_LOST_NOTE, type RowOutcome } from '../report/outcome.js';
import type { SendResult } from '../send/operation.js';
import type { InvalidRow, ValidRow } from '../validate/row.js';
import type { GuardVerdict } from './live/guard.js';

/**
 * What becomes of a row, as its line of the report: the one place a verdict,
 * a plan's word or a send result becomes a `RowOutcome`.
 */

export const APPLIED_EARLIER =
  'applied by an earlier request whose answer was lost (in flight when a session died, timed out, or answered with a server error): the batch holds the values it sent, so it is not sent again';

/** A failed row's code: its error's, or the generic one for an error that has none. */
const SEND_FAILED = 'TIC-SEND-FAILED';

type Row = ValidRow | InvalidRow;

function base(row: Row): Pick<RowOutcome, 'line' | 'cells' | 'formulas'> {
  return { line: row.line, cells: row.cells, formulas: row.formulas };
}

/** A row never sent for its problems: every one in `error`, their codes in `code`, in the same order. */
export function invalidOutcome(row: Row, problems: readonly Said[]): RowOutcome {
  return {
    ...base(row),
    outcome: 'invalid',
    attempts: 0,
    error: problems.map((problem) => problem.message).join('; '),
    code: problems.map((problem) => problem.code).join(' '),
    errorKind: 'invalid',
  };
}

/** A row validate or a dry run found valid: it would be sent with `body`. */
export function validOutcome(
  row: ValidRow,
  body: CreditBatchUpdate,
  compared?: { readonly baseline: CreditBatchUpdate; readonly live: CreditBatchUpdate | undefined },
): RowOutcome {
  // Written out rather than spread: an object spread of an optional argument cost more than the rest of a dry run's plan pass per row.
  if (compared === undefined) return { line: row.line, cells: row.cells, formulas: row.formulas, outcome: 'valid', attempts: 0, sent: body };
  return {
    line: row.line,
    cells: row.cells,
    formulas: row.formulas,
    outcome: 'valid',
    attempts: 0,
    sent: body,
    baseline: compared.baseline,
    live: compared.live,
  };
}

/** A valid row not sent because the run will send nothing (`reason`), or stopped first. */
export function skippedOutcome(row: ValidRow, body: CreditBatchUpdate | undefined, reason: Said | undefined, baseline?: CreditBatchUpdate): RowOutcome {
  return { ...base(row), outcome: 'skipped', attempts: 0, sent: body, baseline, error: reason?.message, code: reason?.code };
}

export function unchangedOutcome(row: ValidRow, baseline: CreditBatchUpdate, live: CreditBatchUpdate | undefined): RowOutcome {
  return { ...base(row), outcome: 'unchanged', attempts: 0, baseline, live };
}

/** A row whose batch moved since the values it was prepared from, found by the plan. */
export function driftedOutcome(row: ValidRow, body: CreditBatchUpdate, baseline: CreditBatchUpdate, live: CreditBatchUpdate | undefined): RowOutcome {
  return { ...base(row), outcome: 'drifted', attempts: 0, sent: body, baseline, live, ...said('TIC-DRIFTED', { unlisted: false }) };
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
      return {
        ...sent,
        outcome: 'failed',
        attempts: result.attempts,
        httpStatus: result.error.status,
        error,
        code: result.error.code ?? SEND_FAILED,
        errorKind: result.error.kind,
      };
    }
    case 'not-sent':
      return { ...sent, outcome: 'skipped', attempts: 0, ...said('TIC-SKIPPED-RUN-STOPPED', { reason: result.reason }) };
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
      return { ...sent, outcome: 'drifted', attempts, ...said('TIC-DRIFTED', { unlisted: verdict.live === undefined }) };
    case 'uncertain':
      return { ...sent, outcome: 'uncertain', attempts, ...said('TIC-UNCERTAIN', {}) };
    case 'below-zero':
      return { ...sent, outcome: 'failed', attempts, ...said('TIC-DELTA-BELOW-ZERO', { now: String(verdict.live.currentBalance) }), errorKind: 'rejected' };
    case 'missing-field':
      return { ...sent, outcome: 'failed', attempts, ...said('TIC-BATCH-FIELD-MISSING', { field: verdict.field }), errorKind: 'rejected' };
    case 'unreadable':
      return { ...sent, outcome: 'failed', attempts, ...said('TIC-RECHECK-FAILED', { why: verdict.error.message }), errorKind: verdict.error.kind };
  }
}

/** An outcome's words, as a report's `error` and `code` cells. */
function said<C extends keyof typeof OUTCOME_WORDS & string>(code: C, facts: FactsOf<(typeof OUTCOME_WORDS)[C]>): Pick<RowOutcome, 'error' | 'code'> {
  const { message } = say(OUTCOME_WORDS, code, facts);
  return { error: message, code };
}

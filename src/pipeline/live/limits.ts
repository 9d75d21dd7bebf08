import type { TiError } from '../../core/errors.js';
import { failure, say, type Said } from '../../core/words.js';
import { OUTCOME_WORDS } from '../../core/words/outcomes.js';
import { RUN_WORDS } from '../../core/words/run.js';
import type { FieldChange } from '../../report/plan-file.js';
import type { Plan } from '../plan.js';
import type { Limits } from '../run-options.js';

const DAY_MS = 86_400_000;

/** Why a row's changes go beyond a per-row guardrail, or undefined. */
export function rowOverLimit(changes: readonly FieldChange[], limits: Limits): Said | undefined {
  for (const change of changes) {
    if (change.field === 'currentBalance' && limits.maxBalanceChange !== undefined) {
      const moved = Math.abs(balanceChange(change));
      if (moved > limits.maxBalanceChange) return say(OUTCOME_WORDS, 'TIC-OVER-MAX-BALANCE-CHANGE', { moved, limit: limits.maxBalanceChange });
    }
    if (change.field === 'expiresOn' && limits.maxExpiryMoveDays !== undefined) {
      const days = Math.abs(Date.parse(String(change.after)) - Date.parse(String(change.before))) / DAY_MS;
      if (days > limits.maxExpiryMoveDays) return say(OUTCOME_WORDS, 'TIC-OVER-MAX-EXPIRY-MOVE', { days, limit: limits.maxExpiryMoveDays });
    }
  }
  return undefined;
}

/** The credits a balance change adds (negative: takes away). */
export function balanceChange(change: FieldChange): number {
  return change.delta ?? Number(change.after) - Number(change.before);
}

/** Why a run's plan goes beyond a run-wide guardrail, or undefined: nothing of such a run is sent. */
export function runOverLimit(plan: Plan, limits: Limits): TiError | undefined {
  if (limits.maxRows !== undefined && plan.rows > limits.maxRows) {
    return failure(RUN_WORDS, 'TIC-OVER-MAX-ROWS', { rows: plan.rows, limit: limits.maxRows });
  }
  const moved = plan.changes === undefined ? 0n : plan.changes.balance.added + plan.changes.balance.removed;
  if (limits.maxTotalChange !== undefined && moved > BigInt(limits.maxTotalChange)) {
    return failure(RUN_WORDS, 'TIC-OVER-MAX-TOTAL-CHANGE', { credits: moved, limit: limits.maxTotalChange });
  }
  return undefined;
}

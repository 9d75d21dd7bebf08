import type { TiError } from '../../core/errors.js';
import { failure } from '../../core/words.js';
import { RUN_WORDS } from '../../core/words/run.js';
import type { FieldChange } from '../../report/plan-file.js';
import type { Plan } from '../plan.js';
import type { Limits } from '../run-options.js';

const DAY_MS = 86_400_000;

/** Why a row's changes go beyond a per-row guardrail, or undefined. */
export function rowOverLimit(changes: readonly FieldChange[], limits: Limits): string | undefined {
  for (const change of changes) {
    if (change.field === 'currentBalance' && limits.maxBalanceChange !== undefined) {
      const moved = Math.abs(balanceChange(change));
      if (moved > limits.maxBalanceChange) return `the balance would change by ${moved.toLocaleString('en-US')} credits, more than --max-balance-change allows (${limits.maxBalanceChange.toLocaleString('en-US')})`;
    }
    if (change.field === 'expiresOn' && limits.maxExpiryMoveDays !== undefined) {
      const days = Math.abs(Date.parse(String(change.after)) - Date.parse(String(change.before))) / DAY_MS;
      if (days > limits.maxExpiryMoveDays) return `expiresOn would move by ${days.toFixed(1)} days, more than --max-expiry-move allows (${limits.maxExpiryMoveDays})`;
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

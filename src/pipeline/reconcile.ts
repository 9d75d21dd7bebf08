import { CREDIT_ACTION_TYPES, type CreditAction, type CreditActionType, type OverwrittenAction, type OverwrittenRow } from '../core/credit-action.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import type { ApiError } from '../core/errors.js';
import { parseServerTime } from '../core/server-time.js';
import type { Executor } from '../send/executor.js';
import { readCreditActions, type CreditAccountRef } from './operations/read-credit-actions.js';

/**
 * Reconciliation against the credit ledger. The API has no conditional
 * update, so between the last read of a batch and the PUT that writes its
 * balance a learner may redeem credits, and the PUT writes over them. The
 * ledger records each redemption with the server's time: an action on a
 * batch whose `timestamp` is later than the batch's `updatedAt` as last read
 * before its PUT, and not later than the `updatedAt` the PUT answered with,
 * happened between the read and the write, and was overwritten by it. Only
 * the server's times are compared, never this machine's clock.
 */

/** One write of a run that the API answered with 200. */
export interface ReconcileWrite {
  readonly line: number;
  /** The credit batch written. */
  readonly id: string;
  readonly clientId: string;
  /** The batch's credit account (the read, or the PUT's answer, says it): whose ledger records its redemptions. */
  readonly creditAccountId: string | undefined;
  /** The body the PUT sent: only one that set `currentBalance` can have written over a change of the balance. */
  readonly sent: CreditBatchUpdate;
  /** The batch's `updatedAt` as last read before the PUT. */
  readonly readUpdatedAt: string | undefined;
  /** The `updatedAt` of the PUT's answer. */
  readonly writtenUpdatedAt: string | undefined;
}

/** A write whose overwrites cannot be told, and why: its window or an action on its batch could not be read. */
export interface Unreconciled {
  readonly line: number;
  readonly id: string;
  readonly reason: string;
}

export interface Overwrites {
  /** By line. */
  readonly overwritten: readonly OverwrittenRow[];
  /** The net of every row's credits. */
  readonly credits: number;
  /** Writes that could not be reconciled whole; while any is listed, "nothing overwritten" cannot be said. */
  readonly unreadable: readonly Unreconciled[];
}

/**
 * The rows whose write overwrote a change the ledger records. Pure: the writes
 * of a run and the actions read from the ledger, in any order (an action
 * listed twice, even under both action types, counts once), give the same
 * answer. A batch loses an action's amount as its `source` and gains it as
 * its `target`, whichever list it came from: a redemption of 7 written over
 * is −7 to give back, credits of 5 given and written over +5. An action whose
 * time, amount or balances cannot be read, on a batch a write could have
 * written over, is reported in `unreadable`, never guessed at.
 */
export function findOverwritten(writes: readonly ReconcileWrite[], actions: readonly CreditAction[]): Overwrites {
  const unreadable: Unreconciled[] = [];
  const windows = new Map<string, { readonly write: ReconcileWrite; readonly after: bigint; readonly until: bigint }[]>();
  for (const write of writes) {
    if (!setsBalance(write)) continue;
    const after = write.readUpdatedAt === undefined ? undefined : parseServerTime(write.readUpdatedAt);
    const until = write.writtenUpdatedAt === undefined ? undefined : parseServerTime(write.writtenUpdatedAt);
    if (after === undefined || until === undefined) {
      const which =
        after === undefined
          ? `the updatedAt read before it (${quoted(write.readUpdatedAt)})`
          : `the updatedAt of its answer (${quoted(write.writtenUpdatedAt)})`;
      unreadable.push({
        line: write.line,
        id: write.id,
        reason: `${which} is not a time that can be read, so the moments between which it could have written over a redemption are not known`,
      });
      continue;
    }
    if (until < after) {
      unreadable.push({
        line: write.line,
        id: write.id,
        reason: `the API answered the write with updatedAt ${String(write.writtenUpdatedAt)}, earlier than the ${String(write.readUpdatedAt)} read before it`,
      });
      continue;
    }
    const key = write.id.toLowerCase();
    const ofBatch = windows.get(key);
    if (ofBatch === undefined) windows.set(key, [{ write, after, until }]);
    else ofBatch.push({ write, after, until });
  }

  const rows = new Map<ReconcileWrite, { credits: number; actions: OverwrittenAction[] }>();
  const seen = new Map<string, CreditAction>();
  const conflicting = new Set<string>();
  for (const action of actions) {
    const key = action.id.toLowerCase();
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, action);
    else if (!sameAction(earlier, action)) conflicting.add(key);
  }
  for (const [key, action] of seen) {
    for (const role of ['source', 'target'] as const) {
      const batch = action[role];
      if (batch === undefined) continue;
      for (const { write, after, until } of windows.get(batch.toLowerCase()) ?? []) {
        const problem = (said: string): void => {
          unreadable.push({
            line: write.line,
            id: write.id,
            reason: `credit action ${action.id} (${action.actionType}) on it ${said}, so whether the write overwrote it cannot be told`,
          });
        };
        if (conflicting.has(key)) {
          problem('was listed twice with different values');
          continue;
        }
        const { timestamp } = action;
        if (timestamp === undefined) {
          problem('has no timestamp');
          continue;
        }
        const at = parseServerTime(timestamp);
        if (at === undefined) {
          problem(`has the timestamp ${quoted(timestamp)}, not an ISO 8601 time with its offset`);
          continue;
        }
        if (!(after < at && at <= until)) continue;
        const amount = amountOf(action, role);
        if (typeof amount === 'string') {
          unreadable.push({
            line: write.line,
            id: write.id,
            reason: `credit action ${action.id} (${action.actionType}), made between the read and the write, ${amount}, so what the write overwrote cannot be told`,
          });
          continue;
        }
        if (amount === 0) continue;
        const row = rows.get(write) ?? { credits: 0, actions: [] };
        row.credits += role === 'source' ? -amount : amount;
        row.actions.push({ id: action.id, actionType: action.actionType, amount, role, timestamp });
        rows.set(write, row);
      }
    }
  }
  const overwritten = [...rows]
    .map(([write, row]): OverwrittenRow => ({ line: write.line, id: write.id, clientId: write.clientId, credits: row.credits, actions: row.actions }))
    .sort((a, b) => a.line - b.line);
  unreadable.sort((a, b) => a.line - b.line);
  return { overwritten, credits: overwritten.reduce((sum, row) => sum + row.credits, 0), unreadable };
}

/** The credits an action moved out of (source) or into (target) the batch, or why they cannot be told. */
function amountOf(action: CreditAction, role: 'source' | 'target'): number | string {
  const { amount } = action;
  if (amount === undefined) return 'has no amount';
  if (!Number.isSafeInteger(amount)) return `has the amount ${amount}, not a whole number of credits`;
  // The sign of a debit's amount is not documented: the batch's role says which way the credits went, the balances (when given) must agree.
  const size = Math.abs(amount);
  const before = role === 'source' ? action.sourceBalanceIn : action.targetBalanceIn;
  const after = role === 'source' ? action.sourceBalanceOut : action.targetBalanceOut;
  if (before !== undefined && after !== undefined && (role === 'source' ? before - after : after - before) !== size) {
    return `has the amount ${amount} but took the batch's balance from ${before} to ${after}`;
  }
  return size;
}

function sameAction(a: CreditAction, b: CreditAction): boolean {
  return JSON.stringify({ ...a, actionType: undefined }) === JSON.stringify({ ...b, actionType: undefined });
}

function setsBalance(write: Pick<ReconcileWrite, 'sent'>): boolean {
  return write.sent.currentBalance !== undefined;
}

function quoted(text: string | undefined): string {
  return text === undefined ? 'absent' : JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** The credit accounts whose ledgers the writes that set a balance call for, each once; and those writes that name none. */
function accountsOf(writes: readonly Pick<ReconcileWrite, 'line' | 'id' | 'clientId' | 'creditAccountId' | 'sent'>[]): {
  readonly accounts: CreditAccountRef[];
  readonly unknown: Pick<ReconcileWrite, 'line' | 'id'>[];
} {
  const accounts = new Map<string, CreditAccountRef>();
  const unknown: Pick<ReconcileWrite, 'line' | 'id'>[] = [];
  for (const write of writes) {
    if (!setsBalance(write)) continue;
    if (write.creditAccountId === undefined) {
      unknown.push(write);
      continue;
    }
    const key = `${write.clientId.toLowerCase()}\u0000${write.creditAccountId.toLowerCase()}`;
    if (!accounts.has(key)) accounts.set(key, { clientId: write.clientId, creditAccountId: write.creditAccountId });
  }
  return { accounts: [...accounts.values()], unknown };
}

/** What reconciling writes will cost, known before a request: the credit accounts to read, and the requests that takes at least. */
export interface ReconcileCost {
  readonly accounts: number;
  /**
   * Two lists per credit account (debit and credit actions), a page each at
   * least: a ledger of n actions of a type takes ⌈n / perPage⌉ pages (100
   * a page on the mock), and the ledger holds every action the account ever
   * had, not only the run's.
   */
  readonly minimumRequests: number;
}

export function reconcileCost(writes: readonly Pick<ReconcileWrite, 'line' | 'id' | 'clientId' | 'creditAccountId' | 'sent'>[]): ReconcileCost {
  const { accounts } = accountsOf(writes);
  return { accounts: accounts.length, minimumRequests: accounts.length * CREDIT_ACTION_TYPES.length };
}

export type Reconciliation =
  | {
      readonly kind: 'checked';
      /** Actions read from the ledgers. */
      readonly checked: number;
      readonly accounts: number;
      readonly overwritten: readonly OverwrittenRow[];
      /** Net credits the writes handed back (negative) or took (positive), as the correction gives them back. */
      readonly credits: number;
      /** Writes that could not be reconciled whole (see Overwrites). */
      readonly unreadable: readonly Unreconciled[];
      readonly requests: number;
    }
  | {
      /** Nothing can be said of what was overwritten: a ledger could not be read. */
      readonly kind: 'not-checked';
      readonly reason: string;
      /** The failure that stopped it, when the API gave one (a 403 is of kind `auth`). */
      readonly error: ApiError | undefined;
      readonly requests: number;
    };

export interface ReconcileOptions {
  /** Pages read at most per credit account and action type (see MAX_LEDGER_PAGES). */
  readonly maxPages?: number;
  /** Told as each ledger list has been read whole, to say what is being read while it is read. */
  readonly onList?: (read: {
    readonly account: CreditAccountRef;
    readonly actionType: CreditActionType;
    readonly actions: number;
    readonly listsLeft: number;
  }) => void;
}

/**
 * Reads the debit and the credit actions of every credit account the writes
 * that set a balance were made to, through `executor` (paced and retried with
 * the run's other requests), and finds the rows overwritten. Any list that
 * cannot be read whole (a 403 for this key, a page failing after its retries,
 * the run stopped) makes it `not-checked`, with the reason, at once: a
 * reconciliation never says nothing was overwritten when it did not look.
 * A 403 or 401 is an `auth` failure, which an executor wired to a run
 * (send-stage.ts) takes as a reason to stop that run.
 */
export async function reconcile(executor: Executor, writes: readonly ReconcileWrite[], options: ReconcileOptions = {}): Promise<Reconciliation> {
  const { accounts, unknown } = accountsOf(writes);
  // Only the actions on a batch written to are kept once a list is read: a ledger holds every action its account ever had.
  const written = new Set(writes.filter(setsBalance).map((write) => write.id.toLowerCase()));
  const actions: CreditAction[] = [];
  let checked = 0;
  let requests = 0;
  let listsLeft = accounts.length * CREDIT_ACTION_TYPES.length;
  for (const account of accounts) {
    // An action is of one account: one listed under both types is counted once.
    const read = new Set<string>();
    for (const actionType of CREDIT_ACTION_TYPES) {
      const result = await readCreditActions(executor, account, actionType, options.maxPages === undefined ? {} : { maxPages: options.maxPages });
      const what = `the ${actionType} actions of credit account ${account.creditAccountId} of client ${account.clientId}`;
      if (result.kind === 'not-sent') return { kind: 'not-checked', reason: `${what} were not read: ${result.reason}`, error: undefined, requests };
      if (result.kind !== 'done') {
        requests += result.kind === 'failed' ? result.attempts : 0;
        const error = result.kind === 'failed' ? result.error : undefined;
        return { kind: 'not-checked', reason: `${what} could not be read: ${error?.message ?? 'the request was withheld'}`, error, requests };
      }
      requests += result.attempts;
      for (const action of result.value) {
        const key = action.id.toLowerCase();
        if (!read.has(key)) {
          read.add(key);
          checked++;
        }
        if (
          (action.source !== undefined && written.has(action.source.toLowerCase())) ||
          (action.target !== undefined && written.has(action.target.toLowerCase()))
        )
          actions.push(action);
      }
      listsLeft--;
      options.onList?.({ account, actionType, actions: result.value.length, listsLeft });
    }
  }
  const found = findOverwritten(writes, actions);
  const noAccount = unknown.map((write): Unreconciled => ({
    line: write.line,
    id: write.id,
    reason: "its batch's credit account is not known, so its ledger was not read",
  }));
  return {
    kind: 'checked',
    checked,
    accounts: accounts.length,
    overwritten: found.overwritten,
    credits: found.credits,
    unreadable: [...found.unreadable, ...noAccount].sort((a, b) => a.line - b.line),
    requests,
  };
}

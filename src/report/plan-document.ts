import type { CreditBatchUpdate, UpdatableField } from '../core/credit-batch.js';
import type { RecordedOptions } from './run-record.js';

/**
 * plan.json: a plan made by `ti-credits plan`, as a second person approves it
 * and `apply --plan` sends it. Its `id` is the SHA-256 of its canonical
 * content (every other field, keys sorted), so that the approver can check
 * the plan they reviewed is the one sent, and `apply --plan` can refuse one
 * altered since.
 */
export interface PlanDocument {
  readonly version: 1;
  readonly id: string;
  /** When the plan was made, ISO 8601 UTC. */
  readonly madeAt: string;
  /** The OS user who made it. */
  readonly madeBy: string;
  /** The instance the plan was made against (its origin). */
  readonly target: string;
  readonly keyKind: 'live' | 'test' | 'unknown';
  /** The input the plan was made from; the plan folder holds a copy (`input`), which `apply --plan` reads. */
  readonly input: { readonly name: string; readonly sha256: string; readonly size: number };
  /** SHA-256 of the plan folder's baseline.csv: the values each change is made from. */
  readonly baselineSha256: string;
  /** The options the plan was made with, guardrails among them; never the key. */
  readonly options: RecordedOptions;
  readonly totals: PlanTotals;
  /** Every data row of the input, in file order. */
  readonly rows: readonly PlanRow[];
}

export interface PlanTotals {
  readonly rows: number;
  readonly changing: number;
  readonly unchanged: number;
  readonly drifted: number;
  readonly invalid: number;
  /** Over the rows changing currentBalance, as exact decimal text: Σ before + net = Σ after. */
  readonly balance: { readonly before: string; readonly after: string; readonly added: string; readonly removed: string; readonly net: string };
  readonly expiry: { readonly later: number; readonly earlier: number };
  readonly renamed: number;
  /** Requests spent reading the live values for the plan. */
  readonly readRequests: number;
}

export interface PlanRow {
  readonly line: number;
  readonly id: string | null;
  readonly clientId: string | null;
  /** `change`: will be sent; `unchanged`: already as asked; `drifted`: its batch moved since the file was prepared; `invalid`: never sent. */
  readonly state: 'change' | 'unchanged' | 'drifted' | 'invalid';
  readonly changes: readonly PlanChange[];
  /** What the batch held as read for the plan, for the fields the row changes; null when not read. */
  readonly live: CreditBatchUpdate | null;
  /** Why an invalid row is invalid. */
  readonly problem: string | null;
}

export interface PlanChange {
  readonly field: UpdatableField;
  readonly before: string | number | null;
  readonly after: string | number | null;
  /** Credits added, for a balance adjusted by `currentBalanceDelta`; null for a value set outright. */
  readonly delta: number | null;
  /** The change in words, as plan.csv writes it: `+250`, `-3.5 days`, `renamed`. */
  readonly change: string;
}

/**
 * What report.html shows of a finished `apply`: what happened, tied to the
 * plan it sent when it sent a saved one.
 */
export interface ReportDocument {
  readonly version: 1;
  readonly target: string | null;
  readonly madeBy: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** completed, refused, stopped, interrupted. */
  readonly status: string;
  /** The saved plan sent (`apply --plan`), if one was. */
  readonly planId: string | null;
  /** Rows per outcome, and `total`. */
  readonly rows: Readonly<Record<string, number>>;
  readonly requests: { readonly sent: number; readonly retries: number; readonly throttled: number };
  readonly balance: { readonly before: string; readonly after: string; readonly net: string } | null;
  /** Every row not updated (nor unchanged), with why. */
  readonly problems: readonly { readonly line: number; readonly id: string; readonly outcome: string; readonly error: string }[];
  /** What `verify` found, when it ran. */
  readonly verify: { readonly holds: number; readonly changed: number; readonly rows: readonly { readonly line: number; readonly id: string; readonly result: 'holds' | 'changed'; readonly written: CreditBatchUpdate; readonly live: CreditBatchUpdate | null }[] } | null;
}

/**
 * What each page's script reads of the document embedded in it, as JSON.
 * The writing side passes its documents as these (`renderPage` in
 * html-page.ts, from plan-html.ts and report-html.ts), so the compiler holds
 * the two sides together: a field the script reads that the document stops
 * holding fails the build, not the approver's page. Types only: nothing here
 * runs, in the browser or in Node.
 */

/** A batch's values as a row or an answer gives them: a balance, an expiry (ISO 8601 UTC), a name. */
export interface BatchValues {
  readonly currentBalance?: number | string;
  readonly expiresOn?: string | number;
  readonly name?: string | number;
}

export type BatchField = keyof BatchValues;

export interface PlanPageChange {
  readonly field: BatchField;
  readonly before: string | number | null;
  readonly after: string | number | null;
  /** Credits added, for a balance adjusted by `currentBalanceDelta`; null for a value set outright. */
  readonly delta: number | null;
  /** The change in words, as plan.csv writes it: `+250`, `-3.5 days`, `renamed`. */
  readonly change: string;
}

export type RowState = 'change' | 'unchanged' | 'drifted' | 'invalid';

export interface PlanPageRow {
  readonly line: number;
  readonly id: string | null;
  readonly clientId: string | null;
  readonly state: RowState;
  readonly changes: readonly PlanPageChange[];
  readonly live: BatchValues | null;
  readonly problem: string | null;
  /** The codes of an invalid row's problems, space-separated (the table of codes in docs/guide). */
  readonly code?: string | null;
  readonly name?: string | null;
  readonly clientName?: string | null;
  readonly status?: string | null;
  readonly allocated?: number | null;
}

/** plan.html's document: plan.json (report/plan-document.ts `PlanDocument`). */
export interface PlanPageData {
  readonly totals: {
    readonly rows: number;
    readonly changing: number;
    readonly unchanged: number;
    readonly drifted: number;
    readonly invalid: number;
    /** Exact decimal text. */
    readonly balance: { readonly before: string; readonly after: string; readonly added: string; readonly removed: string; readonly net: string };
    readonly expiry: { readonly earlier: number };
    readonly belowAllocated?: number;
    readonly revived?: number;
  };
  readonly rows: readonly PlanPageRow[];
}

export interface ReportPageProblem {
  readonly line: number;
  readonly id: string;
  readonly outcome: string;
  readonly error: string;
  /** Its code, or codes, as report.csv's `code` column (empty when it has none). */
  readonly code?: string;
  readonly name?: string | null;
  readonly clientName?: string | null;
  readonly baseline?: BatchValues | null;
  readonly live?: BatchValues | null;
  readonly target?: BatchValues | null;
}

export interface ReportPageVerified {
  readonly line: number;
  readonly id: string;
  readonly name?: string | null;
  readonly result: 'holds' | 'changed';
  readonly written: BatchValues;
  readonly live: BatchValues | null;
}

/** report.html's document (report/plan-document.ts `ReportDocument`). */
export interface ReportPageData {
  /** Rows per outcome, and `total`. */
  readonly rows: Readonly<Record<string, number>>;
  /** Exact decimal text. */
  readonly balance: { readonly before: string; readonly after: string; readonly net: string } | null;
  readonly problems: readonly ReportPageProblem[];
  readonly verify: { readonly holds: number; readonly changed: number; readonly rows: readonly ReportPageVerified[] } | null;
}

/** Each page by the name of its script's entry module (page/plan.ts, page/report.ts), with the document it reads. */
export interface PageData {
  readonly plan: PlanPageData;
  readonly report: ReportPageData;
}

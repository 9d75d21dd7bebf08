import type { Approval } from './approval.js';

/**
 * What the ledger keeps of one run: who ran what, where, from which file, on
 * whose approval, and what came of it. Never the key nor any form of it: only
 * its kind. Paths are relative to the reports root, so a reports folder
 * copied elsewhere keeps its ledger true.
 */
export interface LedgerRecord {
  /** The run folder, relative to the reports root ('/'-separated); a verify adds `#verify` to its run's folder. */
  readonly id: string;
  /** The run folder, relative to the reports root. */
  readonly folder: string;
  readonly command: LedgerCommand;
  /** `running` until its end is recorded; then summary.json's status. */
  readonly status: string;
  /** The origin requests went to. */
  readonly instance: string | null;
  readonly keyKind: 'live' | 'test' | 'unknown' | null;
  /** The OS user who ran it; null for a run folder rebuilt from before the ledger. */
  readonly operator: string | null;
  readonly input: { readonly path: string; readonly sha256: string; readonly delta: boolean } | null;
  /** The saved plan it made (`plan`) or sent (`apply --plan`). */
  readonly planId: string | null;
  /** Who approved that plan, as the ledger had it when the run started (a plan: its latest approval). */
  readonly approvedBy: string | null;
  readonly approval: ApprovalSeen | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Sessions of the run: 1, plus one per `apply --resume`. */
  readonly sessions: number;
  /** Rows per outcome, as summary.json counts them; null while running. */
  readonly counts: Readonly<Record<string, number>> | null;
  readonly requests: number | null;
  /** Over the rows whose currentBalance was set (a plan: would be set); null where not known (a blind run, a snapshot). */
  readonly balance: BalanceFigures | null;
  /** `--again`: why a file or plan already applied was applied again. */
  readonly again: string | null;
  /** `--self-approved`: why the person applying a plan may be the one who approved it. */
  readonly selfApproved: string | null;
}

export type LedgerCommand = 'apply' | 'plan' | 'snapshot' | 'rollover' | 'verify';

/** An approval as a run saw it: who, when, the short code, and whether its signature was checked. */
export interface ApprovalSeen {
  readonly by: string;
  readonly osUser: string;
  readonly at: string;
  readonly code: string;
  readonly signed: 'hmac-sha256' | 'ed25519' | null;
}

/** Exact whole numbers of credits (as text beyond 2^53). */
export interface BalanceFigures {
  readonly before: number | string;
  readonly after: number | string;
  readonly net: number | string;
  readonly added: number | string;
  readonly removed: number | string;
}

/** What a run's end adds to its record (a plan: its id, known once it is saved). */
export type RecordEnd = Pick<LedgerRecord, 'status' | 'finishedAt' | 'counts' | 'requests' | 'balance'> & { readonly planId?: string | null };

/** One line of ledger.jsonl. Every line carries `v`, which a torn line is recovered by. */
export type LedgerEvent =
  | { readonly v: 1; readonly t: 'start'; readonly record: LedgerRecord }
  | { readonly v: 1; readonly t: 'resume'; readonly id: string; readonly at: string }
  | { readonly v: 1; readonly t: 'end'; readonly id: string; readonly end: RecordEnd }
  | { readonly v: 1; readonly t: 'approve'; readonly approval: Approval };

/** What the ledger holds once its lines are read in order: the runs by id, the approvals by plan id. */
export interface LedgerState {
  readonly records: Map<string, LedgerRecord>;
  readonly approvals: Map<string, Approval[]>;
}

export function emptyState(): LedgerState {
  return { records: new Map(), approvals: new Map() };
}

/** Adds one line to the state. Each run's lines come from the one process holding its folder, in order. */
export function foldEvent(state: LedgerState, event: LedgerEvent): void {
  switch (event.t) {
    case 'start':
      state.records.set(event.record.id, event.record);
      return;
    case 'resume': {
      const record = state.records.get(event.id);
      if (record !== undefined) state.records.set(event.id, { ...record, status: 'running', finishedAt: null, sessions: record.sessions + 1 });
      return;
    }
    case 'end': {
      const record = state.records.get(event.id);
      if (record !== undefined) state.records.set(event.id, { ...record, ...event.end });
      return;
    }
    case 'approve': {
      const list = state.approvals.get(event.approval.planId) ?? [];
      list.push(event.approval);
      state.approvals.set(event.approval.planId, list);
    }
  }
}

/** Whether a line read back is one of the ledger's. */
export function isLedgerEvent(value: unknown): value is LedgerEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  if (event.v !== 1) return false;
  switch (event.t) {
    case 'start':
      return typeof event.record === 'object' && event.record !== null && typeof (event.record as Record<string, unknown>).id === 'string';
    case 'resume':
      return typeof event.id === 'string';
    case 'end':
      return typeof event.id === 'string' && typeof event.end === 'object' && event.end !== null;
    case 'approve':
      return typeof event.approval === 'object' && event.approval !== null && typeof (event.approval as Record<string, unknown>).planId === 'string';
    default:
      return false;
  }
}

/** The records newest first (by start, then id), each with the latest approval of the plan it made. */
export function recordsOf(state: LedgerState): LedgerRecord[] {
  return [...state.records.values()]
    .map((record) => {
      if (record.command !== 'plan' || record.planId === null) return record;
      const latest = state.approvals.get(record.planId)?.at(-1);
      return latest === undefined ? record : { ...record, approvedBy: latest.by, approval: approvalSeen(latest, latest.signature?.alg ?? null) };
    })
    .sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1));
}

export function approvalSeen(approval: Approval, signed: ApprovalSeen['signed']): ApprovalSeen {
  return { by: approval.by, osUser: approval.osUser, at: approval.at, code: approval.planId.slice(0, 8), signed };
}

/** Exact credits as JSON: a number while it is one exactly, text beyond. */
export function credits(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

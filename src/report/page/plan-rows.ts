import type { BatchField, BatchValues, PlanPageChange, PlanPageRow, RowState } from './data.js';
import { h, stamp, type Column, type Value } from './runtime.js';

/** The states a plan's row may be in, as plan.json names them. */
export const STATES: readonly RowState[] = ['change', 'unchanged', 'drifted', 'invalid'];

/** A row of the plan with its changes laid out by field, as the tables show it. */
export interface RowView {
  readonly line: number;
  readonly id: string | null;
  readonly clientId: string | null;
  readonly state: RowState;
  readonly problem: string | null;
  readonly code: string | null;
  readonly live: BatchValues | null;
  readonly changes: readonly PlanPageChange[];
  /** The batch's name as read, else the one a rename starts from. */
  readonly name: Value;
  readonly clientName: string | null;
  readonly status: string | null;
  readonly allocated: number | null;
  readonly balanceBefore: string | number | null;
  readonly balanceAfter: string | number | null;
  readonly balanceChange: number | null;
  readonly delta: number | null;
  readonly expiresBefore: string | number | null;
  readonly expiresAfter: string | number | null;
  /** Days the expiry moves, as a number to sort by; movedText as plan.csv writes it. */
  readonly moved: number | null;
  readonly movedText: string | null;
  readonly nameBefore: string | number | null;
  readonly nameAfter: string | number | null;
}

/** A row's changes laid out by field, for the tables. */
export function toView(row: PlanPageRow): RowView {
  let balanceBefore: RowView['balanceBefore'] = null;
  let balanceAfter: RowView['balanceAfter'] = null;
  let balanceChange: RowView['balanceChange'] = null;
  let delta: RowView['delta'] = null;
  let expiresBefore: RowView['expiresBefore'] = null;
  let expiresAfter: RowView['expiresAfter'] = null;
  let moved: RowView['moved'] = null;
  let movedText: RowView['movedText'] = null;
  let nameBefore: RowView['nameBefore'] = null;
  let nameAfter: RowView['nameAfter'] = null;
  for (const change of row.changes) {
    if (change.field === 'currentBalance') {
      balanceBefore = change.before;
      balanceAfter = change.after;
      balanceChange = typeof change.before === 'number' && typeof change.after === 'number' ? change.after - change.before : null;
      delta = change.delta;
    } else if (change.field === 'expiresOn') {
      expiresBefore = change.before;
      expiresAfter = change.after;
      const days = Number.parseFloat(change.change);
      moved = Number.isFinite(days) ? days : null;
      movedText = change.change;
    } else if (change.field === 'name') {
      nameBefore = change.before;
      nameAfter = change.after;
    }
  }
  return {
    line: row.line,
    id: row.id,
    clientId: row.clientId,
    state: row.state,
    problem: row.problem,
    code: row.code ?? null,
    live: row.live,
    changes: row.changes,
    name: row.name ?? nameBefore,
    clientName: row.clientName ?? null,
    status: row.status ?? null,
    allocated: row.allocated ?? null,
    balanceBefore,
    balanceAfter,
    balanceChange,
    delta,
    expiresBefore,
    expiresAfter,
    moved,
    movedText,
    nameBefore,
    nameAfter,
  };
}

/** The value of each field a row's changes name, before or after. */
export function side(changes: readonly PlanPageChange[], which: 'before' | 'after'): BatchValues {
  const update: { [F in BatchField]?: string | number } = {};
  for (const change of changes) {
    const value = change[which];
    if (value !== null) update[change.field] = value;
  }
  return update;
}

/** A client by name when the plan read the client list, else by id. */
export const clientColumn: Column<RowView> = {
  key: 'client',
  label: 'Client',
  kind: 'code',
  value: (row) => (row.clientName === null ? row.clientId : row.clientName),
  cell: (row) => (row.clientName === null ? row.clientId : h('span', { class: 'client-name', title: row.clientId, text: row.clientName })),
};

/** The batch's name, beside its id: the one a rename starts from. */
export const nameColumn: Column<RowView> = { key: 'name', label: 'Name', kind: 'text', className: 'name', value: (row) => row.name };

/** The expiry a row changes, before and after: in the table of changes and in the warnings about expiries. */
export const expiryColumns: readonly Column<RowView>[] = [
  {
    key: 'expires-before',
    label: 'Expires (UTC)',
    kind: 'code',
    value: (row) => row.expiresBefore,
    cell: (row) => (row.expiresBefore === null ? null : stamp(row.expiresBefore)),
  },
  {
    key: 'expires-after',
    label: 'New expiry (UTC)',
    kind: 'code',
    className: 'after',
    value: (row) => row.expiresAfter,
    cell: (row) => (row.expiresAfter === null ? null : stamp(row.expiresAfter)),
  },
];

/** How far a row moves the expiry. */
export const movedColumn: Column<RowView> = { key: 'moved', label: 'Moved', kind: 'number', value: (row) => row.moved, cell: (row) => row.movedText };

export const byLine: readonly Column<RowView>[] = [
  { key: 'line', label: 'Line', kind: 'number', value: (row) => row.line },
  { key: 'id', label: 'Batch id', kind: 'code', value: (row) => row.id },
  nameColumn,
  clientColumn,
];

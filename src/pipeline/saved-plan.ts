import type { Columns } from '../core/columns.js';
import { failure } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import { describeChange } from '../report/plan-file.js';
import type { PlanTotals } from '../report/plan-document.js';
import { PlanRows } from '../report/plan-rows.js';
import type { InvalidRow, ValidRow } from '../validate/row.js';
import type { PlannedRow } from './live/guard.js';
import type { Plan } from './plan.js';
import type { SavedPlan } from './mode.js';

/** The rows of a saved plan, gathered by the plan pass in file order (written to the plan folder as they come: see PlanRows). */
export class SavedPlanRows {
  readonly rows: PlanRows;

  constructor(folder: string) {
    this.rows = new PlanRows(folder);
  }

  /** A valid row as planned against its batch; `clientName`, when the plan read the client list. */
  add(row: ValidRow, planned: PlannedRow, clientName?: string): void {
    if (planned.kind === 'invalid') {
      this.rows.add({
        line: row.line,
        id: row.id,
        clientId: row.clientId ?? null,
        state: 'invalid',
        changes: [],
        live: null,
        problem: planned.problem.message,
        code: planned.problem.code,
      });
      return;
    }
    const facts = {
      name: planned.name ?? null,
      clientName: clientName ?? null,
      status: planned.status ?? null,
      allocated: planned.kind === 'change' ? (planned.allocated ?? null) : null,
    };
    const changes =
      planned.kind === 'change'
        ? planned.changes.map((change) => ({
            field: change.field,
            before: change.before ?? null,
            after: change.after ?? null,
            delta: change.delta ?? null,
            change: describeChange(change),
          }))
        : [];
    const state = planned.kind === 'unchanged' ? 'unchanged' : planned.drifted ? 'drifted' : 'change';
    this.rows.add({ line: row.line, id: row.id, clientId: planned.clientId, state, changes, live: planned.live ?? null, problem: null, ...facts });
  }

  invalid(row: InvalidRow, columns: Columns): void {
    const id = row.cells[columns.id]?.trim();
    const problem = row.problems.map((said) => said.message).join('; ');
    const code = row.problems.map((said) => said.code).join(' ');
    this.rows.add({ line: row.line, id: id === undefined || id === '' ? null : id, clientId: null, state: 'invalid', changes: [], live: null, problem, code });
  }
}

/** The totals plan.json and plan.html show: the plan's figures, the sums as exact decimal text. */
export function planTotals(plan: Plan, rows: number): PlanTotals {
  const changes = plan.changes;
  const balance = changes?.balance;
  return {
    rows,
    changing: plan.rows,
    unchanged: changes?.unchanged ?? 0,
    drifted: changes?.drifted ?? 0,
    invalid: plan.invalid,
    balance: {
      before: (balance?.before ?? 0n).toString(),
      after: (balance?.after ?? 0n).toString(),
      added: (balance?.added ?? 0n).toString(),
      removed: (balance?.removed ?? 0n).toString(),
      net: ((balance?.after ?? 0n) - (balance?.before ?? 0n)).toString(),
    },
    expiry: { later: changes?.expiry.later ?? 0, earlier: changes?.expiry.earlier ?? 0 },
    renamed: changes?.renamed ?? 0,
    readRequests: changes?.readRequests ?? 0,
    belowAllocated: changes?.belowAllocated.rows ?? 0,
    revived: changes?.revived.rows ?? 0,
  };
}

/**
 * A saved plan may be sent only where it was made, and while it is fresh:
 * an approval given yesterday is not one for today's balances.
 */
export function checkSavedPlan(plan: SavedPlan, target: string | undefined, now: Date): void {
  const { document } = plan;
  if (target !== document.target) {
    throw failure(RUN_WORDS, 'TIC-PLAN-OTHER-TARGET', { folder: plan.folder, madeFor: document.target, target: String(target) });
  }
  const ageMs = now.getTime() - Date.parse(document.madeAt);
  if (!(ageMs <= plan.maxAgeMs)) {
    // The age rounded up to the second: a limit is whole seconds, so the age shown is always past the one shown.
    const limitS = Math.round(plan.maxAgeMs / 1000);
    const limit = limitS < 60 ? `${limitS} s` : `${limitS} s, ${describeSeconds(limitS)}`;
    throw failure(RUN_WORDS, 'TIC-PLAN-TOO-OLD', { folder: plan.folder, madeAt: document.madeAt, age: describeSeconds(Math.ceil(ageMs / 1000)), limit });
  }
}

/** A whole number of seconds in the units that show it exactly: `45 s`, `2 min 5 s`, `25 h`, `1 h 0 min 12 s`. */
function describeSeconds(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [hours > 0 ? `${hours} h` : '', hours > 0 || minutes > 0 ? `${minutes} min` : '', `${rest} s`].filter((part) => part !== '');
  // Trailing zero parts say nothing: 25 h, not 25 h 0 min 0 s.
  while (parts.length > 1 && /^0 /.test(parts.at(-1) ?? '')) parts.pop();
  return parts.join(' ');
}

import type { Columns } from '../core/columns.js';
import { UPDATABLE_FIELDS, type CreditBatchUpdate, type UpdatableField } from '../core/credit-batch.js';
import type { FieldChange } from '../report/plan-file.js';
import type { PriorRun } from '../report/prior-run.js';
import type { RowVerdict } from '../validate/row.js';
import type { OnRecord } from './run-ledger.js';
import { isActive } from './selection.js';

/** What a run will change, known before its first request: what the operator confirms. */
export interface Plan {
  /** Rows that will be sent. */
  readonly rows: number;
  /** Rows that set each field. */
  readonly fields: Readonly<Record<UpdatableField, number>>;
  /** The sum of the currentBalance values being set: exact, however many rows. */
  readonly balanceSum: bigint;
  /** The earliest and latest expiresOn being set, as sent. */
  readonly expiry: { readonly earliest: string; readonly latest: string } | undefined;
  /** Valid rows not sent because the run being resumed already updated them. */
  readonly alreadyUpdated: number;
  /** Invalid rows, not sent (--skip-invalid). */
  readonly invalid: number;
  /** The id of the saved plan this is (made by `plan`, or sent by `apply --plan`). */
  readonly saved?: string | undefined;
  /** The plan as changes, old → new, when it was made against the live values; undefined for a blind run. */
  readonly changes: ChangeFigures | undefined;
  /** The columns carried to the report but never sent, by their names in the header. */
  readonly notes: readonly string[];
  /** What the run ledger says of it: the same file applied before, the approval of the saved plan sent. */
  readonly onRecord?: OnRecord | undefined;
  /** plan.csv, where every change is listed old → new, when the plan was made against the live values. */
  readonly planFile?: string | undefined;
}

/** One of the largest balance changes, shown in the plan. */
export interface BalanceChange {
  readonly line: number;
  readonly id: string;
  /** The batch's name as read, shown beside its id. */
  readonly name?: string | undefined;
  readonly before: number;
  readonly after: number;
}

/** An expiry a row moves, shown in the plan: those moved earlier, and those of batches not active. */
export interface ExpiryChange {
  readonly line: number;
  readonly id: string;
  readonly name?: string | undefined;
  readonly status?: string | undefined;
  readonly before: string;
  readonly after: string;
}

/** A row to send as a plan of a few changes lists it in full. */
export interface ListedChange {
  readonly line: number;
  readonly id: string;
  readonly name?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientName?: string | undefined;
  readonly changes: readonly FieldChange[];
}

/** What a plan says of a batch besides its values: its name, beside its id, and its status, for a change that would revive it. */
export interface BatchFacts {
  readonly name?: string | undefined;
  readonly status?: string | undefined;
}

/** What the plan knows of the row being added up besides its changes. */
export interface ChangedRow extends BatchFacts {
  readonly line: number;
  readonly id: string;
  readonly clientId?: string | undefined;
  readonly clientName?: string | undefined;
  /** The credits already allocated from its batch. */
  readonly allocated?: number | undefined;
  /** Its client's and credit account's ids, as one key. */
  readonly account?: string | undefined;
}

export interface ChangeFigures {
  /** Rows whose batch already holds every value asked: never sent. */
  readonly unchanged: number;
  /** Rows whose batch moved since the file was prepared: not sent unless it moves back by their turn. */
  readonly drifted: number;
  /** Requests spent reading the live values for the plan. */
  readonly readRequests: number;
  /** Requests one read of every client again takes while sending (by credit account where that is fewer): what each refresh costs. */
  readonly rereadRequests: number;
  /**
   * Over the rows that change currentBalance: the sums before and after (as
   * planned, for the balances adjusted by a delta), the credits added and
   * taken away, how many go up and down, the largest changes.
   */
  readonly balance: {
    readonly before: bigint;
    readonly after: bigint;
    readonly added: bigint;
    readonly removed: bigint;
    readonly up: number;
    readonly down: number;
    readonly largest: readonly BalanceChange[];
  };
  /** Rows whose planned balance falls below the credits already allocated from their batch. */
  readonly belowAllocated: { readonly rows: number; readonly first: readonly (BalanceChange & { readonly allocated: number })[] };
  /** Over the rows that change expiresOn; the first moved earlier, whose credits expire sooner. */
  readonly expiry: { readonly later: number; readonly earlier: number; readonly firstEarlier: readonly ExpiryChange[] };
  /** Rows moving the expiry of a batch whose status is not active later: they make its credits usable again. */
  readonly revived: { readonly rows: number; readonly first: readonly ExpiryChange[] };
  readonly renamed: number;
  /** Every row to send, old → new, while there are at most LISTED_MAX; undefined beyond. */
  readonly listed: readonly ListedChange[] | undefined;
  /** Credit accounts a balance is written to: their ledgers are read when the run is reconciled. */
  readonly accounts: number;
}

/** How many of the largest balance changes (and of each kind of row flagged) the plan shows. */
const LARGEST_SHOWN = 5;

/** A plan of this many changes or fewer lists each of them; beyond, its totals and largest changes say it. */
export const LISTED_MAX = 50;

/** Adds up the rows to send, one at a time, in constant memory. */
export class PlanBuilder {
  #rows = 0;
  #invalid = 0;
  readonly #fields: Record<UpdatableField, number> = Object.fromEntries(UPDATABLE_FIELDS.map((field) => [field, 0])) as Record<UpdatableField, number>;
  #balanceSum = 0n;
  #earliest: string | undefined;
  #latest: string | undefined;

  /** Counts a row: an invalid one as not sent, a valid one unless the run being resumed already updated it. */
  count(verdict: RowVerdict, prior: PriorRun | undefined): void {
    if (!verdict.valid) this.#invalid++;
    else if (prior?.updated.has(verdict.row.line) !== true) this.send(verdict.row.body);
  }

  invalid(): void {
    this.#invalid++;
  }

  /** Counts a row that will be sent with this body. */
  send(body: CreditBatchUpdate): void {
    this.#rows++;
    if (body.name !== undefined) this.#fields.name++;
    if (body.currentBalance !== undefined) {
      this.#fields.currentBalance++;
      this.#balanceSum += BigInt(body.currentBalance);
    }
    if (body.expiresOn !== undefined) {
      this.#fields.expiresOn++;
      // Every expiresOn sent has the same UTC form, so text order is time order.
      if (this.#earliest === undefined || body.expiresOn < this.#earliest) this.#earliest = body.expiresOn;
      if (this.#latest === undefined || body.expiresOn > this.#latest) this.#latest = body.expiresOn;
    }
  }

  build(alreadyUpdated: number, columns: Columns, changes?: ChangeFigures): Plan {
    // The columns read: the id, the fields, a balance's delta, the client and credit account, and the values the file was prepared from.
    const read = new Set<number>([
      columns.id,
      ...Object.values(columns.fields),
      ...Object.values(columns.before),
      ...(columns.clientId === undefined ? [] : [columns.clientId]),
      ...(columns.creditAccountId === undefined ? [] : [columns.creditAccountId]),
      ...(columns.delta === undefined ? [] : [columns.delta]),
    ]);
    return {
      notes: columns.carried.filter((index) => !read.has(index)).map((index) => columns.names[index] ?? ''),
      invalid: this.#invalid,
      rows: this.#rows,
      fields: { ...this.#fields },
      balanceSum: this.#balanceSum,
      expiry: this.#earliest === undefined || this.#latest === undefined ? undefined : { earliest: this.#earliest, latest: this.#latest },
      alreadyUpdated,
      changes,
    };
  }
}

/** Adds up the changes a plan makes against the live values, old → new. */
export class ChangeBuilder {
  #unchanged = 0;
  #drifted = 0;
  #balanceBefore = 0n;
  #balanceAfter = 0n;
  #added = 0n;
  #removed = 0n;
  #belowAllocated = 0;
  readonly #firstBelow: (BalanceChange & { readonly allocated: number })[] = [];
  #up = 0;
  #down = 0;
  #largest: BalanceChange[] = [];
  #later = 0;
  #earlier = 0;
  readonly #firstEarlier: ExpiryChange[] = [];
  #revived = 0;
  readonly #firstRevived: ExpiryChange[] = [];
  #renamed = 0;
  readonly #accounts = new Set<string>();
  /** Held while there are at most LISTED_MAX rows; dropped for good at the next, so that a million-row plan holds none. */
  #listed: ListedChange[] | undefined = [];

  unchanged(): void {
    this.#unchanged++;
  }

  drifted(): void {
    this.#drifted++;
  }

  /** A row that will be sent, with what it changes. */
  change(row: ChangedRow, changes: readonly FieldChange[]): void {
    const { allocated, account, name, status } = row;
    if (this.#listed !== undefined) {
      if (this.#listed.length < LISTED_MAX)
        this.#listed.push({ line: row.line, id: row.id, name, clientId: row.clientId, clientName: row.clientName, changes });
      else this.#listed = undefined;
    }
    for (const { field, before, after } of changes) {
      if (field === 'currentBalance') {
        if (account !== undefined) this.#accounts.add(account);
        const from = Number(before);
        const to = Number(after);
        this.#balanceBefore += BigInt(from);
        this.#balanceAfter += BigInt(to);
        if (to > from) {
          this.#up++;
          this.#added += BigInt(to - from);
        } else {
          this.#down++;
          this.#removed += BigInt(from - to);
        }
        this.#keepLargest({ line: row.line, id: row.id, name, before: from, after: to });
        if (allocated !== undefined && to < allocated) {
          this.#belowAllocated++;
          if (this.#firstBelow.length < LARGEST_SHOWN) this.#firstBelow.push({ line: row.line, id: row.id, name, before: from, after: to, allocated });
        }
      } else if (field === 'expiresOn') {
        const moved: ExpiryChange = { line: row.line, id: row.id, name, status, before: String(before), after: String(after) };
        if (Date.parse(String(after)) > Date.parse(String(before))) {
          this.#later++;
          // Moved later, an expiry of a batch not active makes its credits usable again: a revival, whatever file asked for it.
          if (status !== undefined && !isActive(status)) {
            this.#revived++;
            if (this.#firstRevived.length < LARGEST_SHOWN) this.#firstRevived.push(moved);
          }
        } else {
          this.#earlier++;
          if (this.#firstEarlier.length < LARGEST_SHOWN) this.#firstEarlier.push(moved);
        }
      } else {
        this.#renamed++;
      }
    }
  }

  build(readRequests: number, rereadRequests: number): ChangeFigures {
    return {
      unchanged: this.#unchanged,
      drifted: this.#drifted,
      readRequests,
      rereadRequests,
      balance: {
        before: this.#balanceBefore,
        after: this.#balanceAfter,
        added: this.#added,
        removed: this.#removed,
        up: this.#up,
        down: this.#down,
        largest: [...this.#largest],
      },
      belowAllocated: { rows: this.#belowAllocated, first: [...this.#firstBelow] },
      expiry: { later: this.#later, earlier: this.#earlier, firstEarlier: [...this.#firstEarlier] },
      revived: { rows: this.#revived, first: [...this.#firstRevived] },
      renamed: this.#renamed,
      listed: this.#listed === undefined ? undefined : [...this.#listed],
      accounts: this.#accounts.size,
    };
  }

  #keepLargest(change: BalanceChange): void {
    const size = (entry: BalanceChange): number => Math.abs(entry.after - entry.before);
    if (this.#largest.length === LARGEST_SHOWN && size(change) <= size(this.#largest[LARGEST_SHOWN - 1] as BalanceChange)) return;
    this.#largest.push(change);
    this.#largest.sort((a, b) => size(b) - size(a));
    this.#largest.length = Math.min(this.#largest.length, LARGEST_SHOWN);
  }
}

/** The plan as summary.json and run.log write it: the sums as exact decimal text. */
export function planFacts(plan: Plan): Record<string, unknown> {
  const { changes } = plan;
  return {
    ...plan,
    balanceSum: plan.balanceSum.toString(),
    changes:
      changes === undefined
        ? null
        : {
            ...changes,
            balance: {
              ...changes.balance,
              before: changes.balance.before.toString(),
              after: changes.balance.after.toString(),
              added: changes.balance.added.toString(),
              removed: changes.balance.removed.toString(),
              net: (changes.balance.after - changes.balance.before).toString(),
            },
          },
  };
}

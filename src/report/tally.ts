import type { AttemptRecord, RequestCounts } from '../core/run-facts.js';
import type { Outcome, RowOutcome } from './outcome.js';

/** How many problems the terminal shows; the report has them all. */
const PROBLEMS_KEPT = 10;
/** Distinct error shapes counted; beyond that they are lumped together. */
const ERRORS_KEPT = 100;

/** Failed rows whose errors have one shape: the same status and the same words once ids and numbers are set aside. */
export interface ErrorGroup {
  /** The message with each id as `<id>` and each number as `<n>`. */
  readonly shape: string;
  /** The first message of the shape, as it was. */
  readonly example: string;
  /** The messages of the group as one: what they all say, with `<id>` or `<n>` only where they differ. */
  shown: string;
  times: number;
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const NUMBERS = /\d+(?:\.\d+)?/g;

/**
 * What errors that differ only in the row they are about have in common:
 * "404: Credit batch <id> not found" for every missing batch. The status a
 * message starts with is kept, since it is what sets them apart.
 */
export function errorShape(message: string): string {
  const status = /^\d{3}: /.exec(message)?.[0] ?? '';
  return status + message.slice(status.length).replace(UUIDS, '<id>').replace(NUMBERS, '<n>');
}

/** An id or a number, or the placeholder already shown for one: the parts in which messages of one shape may differ. */
const VARYING = /(<id>|<n>|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+(?:\.\d+)?)/i;

/**
 * Two messages of one shape as one: each id or number they share kept as it
 * is, the others shown as `<id>` or `<n>` ("the API answered 200 but …"
 * stays so; "Credit batch <id> not found" shows which part is the row's).
 */
function mergeShown(shown: string, message: string): string {
  const ours = shown.split(VARYING);
  const theirs = message.split(VARYING);
  // split with a capture alternates text and the parts matched: the odd entries are ids, numbers or placeholders.
  return ours.map((part, index) => (index % 2 === 0 || part === theirs[index] ? part : part === '<id>' || part.includes('-') ? '<id>' : '<n>')).join('');
}

/** The key of `byStatus` for requests lost at an interruption (see countLostRequest). */
export const LOST = 'lost';

/** Running counts for the summary, fed as rows and requests finish. */
export class Tally {
  readonly rows: Record<Outcome, number>;
  requests = 0;
  retries = 0;
  /** Retries by what caused them: an HTTP status (429 among them), `timeout`, or a network error's code. */
  readonly retriesByCause: Record<string, number> = {};
  /** Requests by HTTP status; `network` for those that got no answer. */
  readonly byStatus: Record<string, number> = {};
  /** The first invalid rows, as `line N: problem [CODE]` lines. */
  readonly problems: string[] = [];
  /** The final word on each failed row, grouped by status and shape. */
  readonly errors = new Map<string, ErrorGroup>();

  /** `outcomes`: those the run's rows can have, each counted from 0. */
  constructor(outcomes: readonly Outcome[]) {
    this.rows = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  }

  countRow(row: RowOutcome): void {
    this.rows[row.outcome]++;
    if (row.outcome === 'invalid' && this.problems.length < PROBLEMS_KEPT && row.error !== undefined) {
      this.problems.push(`line ${row.line}: ${row.error}${row.code === undefined || row.code === '' ? '' : ` [${row.code}]`}`);
    }
    if (row.outcome === 'failed' && row.error !== undefined) this.#countError(row.httpStatus, row.error);
  }

  #countError(status: number | undefined, message: string): void {
    const shape = errorShape(message);
    const key = `${status ?? 'no answer'} ${shape}`;
    const group = this.errors.get(key);
    if (group !== undefined) {
      group.times++;
      group.shown = mergeShown(group.shown, message);
    } else if (this.errors.size < ERRORS_KEPT) this.errors.set(key, { shape, example: message, shown: message, times: 1 });
    else {
      const other = this.errors.get('other');
      if (other === undefined) this.errors.set('other', { shape: 'other errors', example: 'other errors', shown: 'other errors', times: 1 });
      else other.times++;
    }
  }

  /** Counts rows an earlier session of the run updated, which this one does not read again. */
  countUpdatedEarlier(rows: number): void {
    this.rows.updated += rows;
  }

  countAttempt(attempt: AttemptRecord): void {
    this.requests++;
    const status = attempt.status === undefined ? 'network' : String(attempt.status);
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  /**
   * Counts the requests of a row that was in flight when earlier sessions
   * died: they left, but no session recorded their answer. The report counts
   * them in the row's `attempts`; so do these counts, under `lost`.
   */
  countLostRequests(lost: number): void {
    this.requests += lost;
    this.byStatus[LOST] = (this.byStatus[LOST] ?? 0) + lost;
  }

  countRetry(cause: string): void {
    this.retries++;
    this.retriesByCause[cause] = (this.retriesByCause[cause] ?? 0) + 1;
  }

  /** Counts the requests of a resumed run's earlier sessions too. */
  addEarlierRequests(earlier: RequestCounts): void {
    this.requests += earlier.sent;
    this.retries += earlier.retries;
    for (const [cause, count] of Object.entries(earlier.retriesByCause)) this.retriesByCause[cause] = (this.retriesByCause[cause] ?? 0) + count;
    for (const [status, count] of Object.entries(earlier.byStatus)) this.byStatus[status] = (this.byStatus[status] ?? 0) + count;
  }

  get total(): number {
    return Object.values(this.rows).reduce((sum, count) => sum + count, 0);
  }
}

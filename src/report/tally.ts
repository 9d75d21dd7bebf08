import type { AttemptRecord, RequestCounts } from '../core/run-facts.js';
import type { Outcome, RowOutcome } from './outcome.js';

/** How many problems the terminal shows; the report has them all. */
const PROBLEMS_KEPT = 10;
/** Distinct error messages counted; beyond that they are lumped together. */
const ERRORS_KEPT = 100;

/** Running counts for the summary, fed as rows and requests finish. */
export class Tally {
  readonly rows: Record<Outcome, number>;
  requests = 0;
  retries = 0;
  /** Retries by what caused them: an HTTP status (429 among them), `timeout`, or a network error's code. */
  readonly retriesByCause: Record<string, number> = {};
  /** Requests by HTTP status; `network` for those that got no answer. */
  readonly byStatus: Record<string, number> = {};
  /** The first invalid rows, as `line N: problem` lines. */
  readonly problems: string[] = [];
  /** How often each error message was the final word on a failed row. */
  readonly errors = new Map<string, number>();

  /** `outcomes`: those the run's rows can have, each counted from 0. */
  constructor(outcomes: readonly Outcome[]) {
    this.rows = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  }

  countRow(row: RowOutcome): void {
    this.rows[row.outcome]++;
    if (row.outcome === 'invalid' && this.problems.length < PROBLEMS_KEPT && row.error !== undefined) {
      this.problems.push(`line ${row.line}: ${row.error}`);
    }
    if (row.outcome === 'failed' && row.error !== undefined) {
      const key = this.errors.has(row.error) || this.errors.size < ERRORS_KEPT ? row.error : 'other errors';
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
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

import type { ErrorKind } from './errors.js';

/**
 * What sending tells the rest of a run as it goes: produced by the send
 * stage, counted and recorded by the report stage. Kept here so that the two
 * stages need nothing of each other.
 */

/** One request as it went. */
export interface AttemptRecord {
  /** The input line the request is for; absent for requests no line asked for (a page of a client's batches). */
  readonly line?: number | undefined;
  /** What the request is about: a credit batch id, or a client id for a read. */
  readonly id: string;
  /** The item's requests so far, this one included. */
  readonly attempt: number;
  readonly durationMs: number;
  readonly status?: number | undefined;
  readonly kind?: ErrorKind | undefined;
  readonly error?: string | undefined;
}

/** A request about to be sent again: after a fault (`cause` is its status, `timeout` or a network code) or a 429. */
export interface RetryRecord {
  readonly line?: number | undefined;
  readonly id: string;
  readonly cause: string;
  readonly delayMs: number;
  readonly error: string;
  /** For a 429: whether it began a pause of every request, rather than falling within one. */
  readonly newPause?: boolean;
}

/** How a run was paced, for summary.json. */
export interface PacingStats {
  /** Requests per minute at the end: the API's limit as stated or learned, never above --rate; 0 if unpaced. */
  readonly ratePerMinute: number;
  /**
   * The API's limit as the run learned it: stated in its X-RateLimit-Limit,
   * or, when it stated none, the pace its 429s left the run at; null when it
   * said nothing either way. The next run against the same target starts from it.
   */
  readonly learnedRatePerMinute: number | null;
  /** The API's burst as learned: from its first X-RateLimit-Remaining, or 1 once it answered 429 without stating a limit; null when unknown. */
  readonly learnedBurst: number | null;
  /** The API answered 429 without stating its limit: the pace was lowered for it, and learned from its refusals. */
  readonly throttled: boolean;
  readonly pauses: number;
  readonly pausedMs: number;
}

/** Requests of a run, as summary.json counts them. */
export interface RequestCounts {
  readonly sent: number;
  readonly retries: number;
  /** Retries by what caused them: an HTTP status (429 among them), `timeout`, or a network error's code. */
  readonly retriesByCause: Readonly<Record<string, number>>;
  /** Requests by HTTP status; `network` for those that got no answer. */
  readonly byStatus: Readonly<Record<string, number>>;
}

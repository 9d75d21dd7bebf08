import { ApiError, InternalError, TiError, type ErrorKind } from './errors.js';

/**
 * The words of every error and row problem, each under a stable code a
 * person can look up (docs/guide/exit-codes-and-error-codes.md lists them,
 * generated from this catalogue) and a script can act on (report.csv's and
 * failed.csv's `code` column, `--json`). A stage states the facts, by code;
 * the words are written here, once.
 */

/** One entry of the catalogue: what kind of failure it is, its one-line title, and its words for given facts. */
export interface WordEntry<P> {
  /**
   * `row`: a problem of one row (the row is invalid, or not sent), never a whole run's error.
   * `internal`: a bug, what cannot happen (an InternalError, exit 70), coded so that a report of it can quote it.
   */
  readonly kind: ErrorKind | 'row' | 'internal';
  /** What the code means, for the table of codes. */
  readonly title: string;
  readonly message: (facts: P) => string;
  /** What to do about it, as one sentence. */
  readonly hint?: (facts: P) => string;
}

/** Declares a catalogue, keeping each entry's facts typed. */
export function defineWords<T extends Record<string, WordEntry<never>>>(entries: T): T {
  return entries;
}

/** The facts an entry's words take. */
export type FactsOf<E> = E extends WordEntry<infer P> ? P : never;

/** A catalogue's words said for given facts: the code, the message and the hint. */
export interface Said {
  readonly code: string;
  readonly message: string;
  readonly hint: string | undefined;
}

export function say<T extends Record<string, WordEntry<never>>, C extends keyof T & string>(catalogue: T, code: C, facts: FactsOf<T[C]>): Said {
  const entry = catalogue[code] as unknown as WordEntry<FactsOf<T[C]>>;
  return { code, message: entry.message(facts), hint: entry.hint?.(facts) };
}

/** A catalogue's error for given facts, of its entry's kind, carrying its code; `cause`, the error it explains, if any. */
export function failure<T extends Record<string, WordEntry<never>>, C extends keyof T & string>(
  catalogue: T,
  code: C,
  facts: FactsOf<T[C]>,
  cause?: unknown,
): TiError {
  const entry = catalogue[code] as unknown as WordEntry<FactsOf<T[C]>>;
  if (entry.kind === 'row' || entry.kind === 'internal') throw new Error(`${code} is a ${entry.kind === 'row' ? 'row problem' : 'bug'}, not a TiError`);
  const { message, hint } = say(catalogue, code, facts);
  return new TiError(entry.kind, message, { code, ...(hint === undefined ? {} : { hint }), ...(cause === undefined ? {} : { cause }) });
}

/** What an ApiError carries besides its words: see ApiError. */
export interface ApiDetails {
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
  readonly final?: boolean;
  readonly answerLost?: boolean;
}

/** A catalogue's ApiError for given facts: a failed exchange with the API, of its entry's kind, carrying its code. */
export function apiFailure<T extends Record<string, WordEntry<never>>, C extends keyof T & string>(
  catalogue: T,
  code: C,
  facts: FactsOf<T[C]>,
  details: ApiDetails = {},
): ApiError {
  const entry = catalogue[code] as unknown as WordEntry<FactsOf<T[C]>>;
  if (entry.kind === 'row' || entry.kind === 'internal') throw new Error(`${code} is a ${entry.kind === 'row' ? 'row problem' : 'bug'}, not an ApiError`);
  const { message, hint } = say(catalogue, code, facts);
  return new ApiError(entry.kind, message, { ...details, code, ...(hint === undefined ? {} : { hint }) });
}

/** A catalogue's bug for given facts: an InternalError carrying its code. */
export function bug<T extends Record<string, WordEntry<never>>, C extends keyof T & string>(catalogue: T, code: C, facts: FactsOf<T[C]>): InternalError {
  const entry = catalogue[code] as unknown as WordEntry<FactsOf<T[C]>>;
  if (entry.kind !== 'internal') throw new Error(`${code} is not a bug`);
  return new InternalError(say(catalogue, code, facts).message, code);
}

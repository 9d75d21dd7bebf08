import { TiError, type ErrorKind } from './errors.js';

/**
 * The words of every error and row problem, each under a stable code a
 * person can look up (docs/guide/exit-codes-and-error-codes.md lists them,
 * generated from this catalogue) and a script can act on (report.csv's and
 * failed.csv's `code` column, `--json`). A stage states the facts, by code;
 * the words are written here, once.
 */

/** One entry of the catalogue: what kind of failure it is, its one-line title, and its words for given facts. */
export interface WordEntry<P> {
  /** `row`: a problem of one row (the row is invalid, or not sent), never a whole run's error. */
  readonly kind: ErrorKind | 'row';
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
export function failure<T extends Record<string, WordEntry<never>>, C extends keyof T & string>(catalogue: T, code: C, facts: FactsOf<T[C]>, cause?: unknown): TiError {
  const entry = catalogue[code] as unknown as WordEntry<FactsOf<T[C]>>;
  if (entry.kind === 'row') throw new Error(`${code} is a row problem, not an error`);
  const { message, hint } = say(catalogue, code, facts);
  return new TiError(entry.kind, message, { code, ...(hint === undefined ? {} : { hint }), ...(cause === undefined ? {} : { cause }) });
}

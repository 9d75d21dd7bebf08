/**
 * Every failure a user or the API can cause is a TiError with a kind. The
 * kind, never the message text, decides what happens next: whether a row is
 * retried, whether the run stops, and which exit code the process returns.
 */
export type ErrorKind =
  /** The user's input or configuration is wrong; nothing was sent because of it. */
  | 'invalid'
  /** The API refused one row (400, 404, 409, 422...); other rows go on. */
  | 'rejected'
  /** A fault that may pass (network, timeout, 408, 429, 5xx); worth retrying. */
  | 'transient'
  /** The API refused the key (401, 403); no further request can succeed. */
  | 'auth'
  /** The run had to stop early for a reason other than the key. */
  | 'aborted'
  /**
   * The run folder could not be written (a full disk, a read-only one): the
   * run stopped at the first failed write, since a row sent then could not
   * be recorded. What was written stands, and --resume finishes the run.
   */
  | 'unwritable';

export class TiError extends Error {
  readonly kind: ErrorKind;
  /** What the user can do about it, as one sentence. */
  readonly hint: string | undefined;
  /** Its stable code in the catalogue of words (core/words/), e.g. TIC-PLAN-TOO-OLD. */
  readonly code: string | undefined;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; cause?: unknown; code?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TiError';
    this.kind = kind;
    this.hint = options.hint;
    this.code = options.code;
  }
}

/** A failed exchange with the API, with what the retry policy needs to know. */
export class ApiError extends TiError {
  /** The HTTP status, absent when no response arrived (network error, timeout). */
  readonly status: number | undefined;
  /** How long the server asked us to wait before trying again. */
  readonly retryAfterMs: number | undefined;
  /**
   * Whether another attempt may be made. Every transient failure is, except
   * one the row has already waited out its allowance for: that row fails now,
   * still counted as transient (the API may well take it later).
   */
  readonly retryable: boolean;
  /**
   * The request reached the API whole (its body was written out) but no
   * complete answer came back: the connection closed mid-answer, the answer
   * came too late or was too large. The API may have acted on it.
   */
  readonly answerLost: boolean;

  constructor(
    kind: ErrorKind,
    message: string,
    details: { status?: number; retryAfterMs?: number; hint?: string; cause?: unknown; final?: boolean; answerLost?: boolean; code?: string } = {},
  ) {
    super(kind, message, details);
    this.name = 'ApiError';
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = kind === 'transient' && details.final !== true;
    this.answerLost = details.answerLost === true;
  }
}

export function isTiError(error: unknown): error is TiError {
  return error instanceof TiError;
}

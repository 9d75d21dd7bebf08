import type { CreditBatch } from '../core/credit-batch.js';
import type { ErrorKind } from '../core/errors.js';
import { ApiError, TiError } from '../core/errors.js';
import type { RowOutcome } from '../report/outcome.js';
import type { ValidRow } from '../validate/row.js';
import type { ApiClient, ApiResponse } from './api-client.js';
import { readRateLimit, throttlePauseMs } from './rate-limit-headers.js';
import { classifyNetworkError, failureCause, readAnswer } from './read-answer.js';
import { withRetries, type RetryPolicy } from './retry.js';
import type { Throttle } from './throttle.js';

/** One request as it went: what the log and the counters are told. */
export interface AttemptRecord {
  readonly line: number;
  readonly id: string;
  /** The row's requests so far, this one included. */
  readonly attempt: number;
  readonly durationMs: number;
  readonly status?: number | undefined;
  readonly kind?: ErrorKind | undefined;
  readonly error?: string | undefined;
}

/** A request about to be sent again: after a fault (`cause` is its status, `timeout` or a network code) or a 429. */
export interface RetryRecord {
  readonly line: number;
  readonly cause: string;
  readonly delayMs: number;
  readonly error: string;
  /** For a 429: whether it began a pause of every request, rather than falling within one. */
  readonly newPause?: boolean;
}

export interface SendContext {
  readonly client: ApiClient;
  readonly throttle: Throttle;
  readonly policy: RetryPolicy;
  /** Longest a row may be held back by 429 pauses, in all, before it fails. */
  readonly maxThrottleWaitMs: number;
  /** Aborted when the run stops; its reason says why. */
  readonly signal: AbortSignal;
  /** Called once per row, before its first request: from then on the API may have applied it. */
  readonly onSending: (line: number) => void;
  readonly onAttempt: (attempt: AttemptRecord) => void;
  readonly onRetry: (retry: RetryRecord) => void;
  /** Called when a failure means no further request can succeed (key refused, redirect, unknown host). */
  readonly stopRun: (error: ApiError) => void;
}

/**
 * Sends one valid row and says what became of it; never rejects for an API
 * failure. Two loops, one inside the other: p-retry's (retry.ts) for faults,
 * bounded by --retries, and inside each of its attempts this one for 429s,
 * which wait for the throttle instead of spending the row's retries, bounded
 * by --max-throttle-wait.
 */
export async function sendRow(row: ValidRow, context: SendContext): Promise<RowOutcome> {
  const { signal, throttle } = context;
  const base = { line: row.line, cells: row.cells, sent: row.body };
  let attempts = 0;
  let throttledMs = 0;
  let lastError: ApiError | undefined;
  if (signal.aborted) return { ...base, outcome: 'skipped', attempts, error: notSent(signal) };

  const failed = (error: ApiError, started: number): ApiError => {
    lastError = error;
    context.onAttempt({ line: row.line, id: row.id, attempt: attempts, durationMs: elapsed(started), status: error.status, kind: error.kind, error: error.message });
    return error;
  };
  const sendUntilNotThrottled = async (): Promise<CreditBatch> => {
    for (;;) {
      const turn = await throttle.turn(signal, context.maxThrottleWaitMs - throttledMs);
      if (turn === undefined) throw throttledTooLong(lastError, context.maxThrottleWaitMs);
      throttledMs += turn.pausedMs;
      if (attempts === 0) context.onSending(row.line);
      attempts++;
      const started = performance.now();
      let response: ApiResponse;
      try {
        response = await context.client.putCreditBatch(row.id, row.body);
      } catch (error) {
        throw failed(classifyNetworkError(error), started);
      }
      throttle.observe(readRateLimit(response.headers), turn);
      try {
        const batch = readAnswer(response, row.id);
        context.onAttempt({ line: row.line, id: row.id, attempt: attempts, durationMs: elapsed(started), status: 200 });
        return batch;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        failed(error, started);
        if (error.status !== 429) throw error;
        // The limit is the key's, not the row's: every request waits, and this one goes again after.
        const pauseMs = throttlePauseMs(error.retryAfterMs, response.headers, Date.now());
        const newPause = throttle.pause(pauseMs);
        context.onRetry({ line: row.line, cause: '429', delayMs: pauseMs, error: error.message, newPause });
      }
    }
  };

  try {
    const result = await withRetries(sendUntilNotThrottled, context.policy, {
      signal,
      onRetry: (error, _attempt, delayMs) => context.onRetry({ line: row.line, cause: failureCause(error), delayMs, error: error.message }),
    });
    return { ...base, outcome: 'updated', attempts, httpStatus: 200, result };
  } catch (error) {
    if (error instanceof ApiError) {
      if (error.kind === 'auth' || error.kind === 'aborted') context.stopRun(error);
      return { ...base, outcome: 'failed', attempts, httpStatus: error.status, error: error.message, errorKind: error.kind };
    }
    if (!signal.aborted) throw error;
    if (attempts === 0 || lastError === undefined) return { ...base, outcome: 'skipped', attempts, error: notSent(signal) };
    return {
      ...base,
      outcome: 'failed',
      attempts,
      httpStatus: lastError.status,
      error: `${lastError.message}; not tried again because ${stopReason(signal)}`,
      errorKind: lastError.kind,
    };
  }
}

/** The row has waited out its allowance of 429 pauses: it fails now, and may be sent again later. */
function throttledTooLong(lastError: ApiError | undefined, maxThrottleWaitMs: number): ApiError {
  const allowance = `--max-throttle-wait allows one row (${Math.round(maxThrottleWaitMs / 1000)} s)`;
  const throttled = lastError?.status === 429;
  const said = throttled ? ` (${lastError.message})` : '';
  return new ApiError('transient', `the API kept throttling requests (429)${said} for longer than ${allowance}`, { ...(throttled ? { status: 429 } : {}), final: true });
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof TiError ? `the run stopped: ${reason.message}` : 'the run stopped';
}

function notSent(signal: AbortSignal): string {
  return `not sent because ${stopReason(signal)}`;
}

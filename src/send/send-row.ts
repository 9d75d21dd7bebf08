import type { ErrorKind } from '../errors.js';
import { ApiError, TiError } from '../errors.js';
import type { RowOutcome } from '../report/outcome.js';
import type { ValidRow } from '../validate/row.js';
import type { ApiClient } from './api-client.js';
import { attemptUpdate } from './attempt.js';
import type { Pacer } from './pacer.js';
import { withRetries, type RetryPolicy } from './retry.js';

/** One request as it went: what the log and the counters are told. */
export interface AttemptRecord {
  readonly line: number;
  readonly id: string;
  readonly attempt: number;
  readonly durationMs: number;
  readonly status?: number | undefined;
  readonly kind?: ErrorKind | undefined;
  readonly error?: string | undefined;
}

export interface SendContext {
  readonly client: ApiClient;
  readonly pacer: Pacer;
  readonly policy: RetryPolicy;
  /** Aborted when the run stops; its reason says why. */
  readonly signal: AbortSignal;
  readonly onAttempt: (attempt: AttemptRecord) => void;
  readonly onRetry: (line: number, error: ApiError, attemptNumber: number, delayMs: number) => void;
  /** Called when a failure means no further request can succeed (key refused, redirect, unknown host). */
  readonly stopRun: (error: ApiError) => void;
}

/** Sends one valid row, paced and retried, and says what became of it. Never rejects for an API failure. */
export async function sendRow(row: ValidRow, context: SendContext): Promise<RowOutcome> {
  const { signal } = context;
  const base = { line: row.line, cells: row.cells, sent: row.body };
  let attempts = 0;
  let lastError: ApiError | undefined;
  if (signal.aborted) return { ...base, outcome: 'skipped', attempts, error: notSent(signal) };
  try {
    const result = await withRetries(
      async (attemptNumber) => {
        await context.pacer.turn(signal);
        attempts = attemptNumber;
        const started = performance.now();
        try {
          const batch = await attemptUpdate(context.client, row);
          context.onAttempt({ line: row.line, id: row.id, attempt: attemptNumber, durationMs: elapsed(started), status: 200 });
          return batch;
        } catch (error) {
          if (error instanceof ApiError) {
            lastError = error;
            context.onAttempt({ line: row.line, id: row.id, attempt: attemptNumber, durationMs: elapsed(started), status: error.status, kind: error.kind, error: error.message });
          }
          throw error;
        }
      },
      context.policy,
      { signal, onRetry: (error, attemptNumber, delayMs) => context.onRetry(row.line, error, attemptNumber, delayMs) },
    );
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

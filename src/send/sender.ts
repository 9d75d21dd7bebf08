import { ApiError } from '../core/errors.js';
import type { SendOptions } from '../pipeline/run-options.js';
import type { RowOutcome } from '../report/outcome.js';
import type { ValidRow } from '../validate/row.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { Dispatcher } from './dispatcher.js';
import { sendRow, type AttemptRecord, type RetryRecord, type SendContext } from './send-row.js';
import { Throttle } from './throttle.js';

/** What the sender tells the rest of the run as it goes. */
export interface SenderEvents {
  /** A row is about to be handed to the API for the first time. */
  readonly onSending: (line: number) => void;
  readonly onAttempt: (attempt: AttemptRecord) => void;
  readonly onRetry: (retry: RetryRecord) => void;
  /** The pace now follows the server's X-RateLimit-Limit. */
  readonly onPaceChange: (ratePerMinute: number, previous: number) => void;
  /** A failure after which no request can succeed: the run must stop. */
  readonly onFatal: (error: ApiError) => void;
  /** Too many rows in a row failed after all their retries: the run must stop. */
  readonly onCircuitOpen: (error: ApiError, consecutiveFailures: number) => void;
}

/** How the run was paced, for summary.json. */
export interface PacingStats {
  /** Requests per minute at the end: --rate, or the server's lower limit. */
  readonly ratePerMinute: number;
  readonly pauses: number;
  readonly pausedMs: number;
}

/** The send stage as one piece: the API client, the pacing, the retries, the bounded concurrency and the circuit breaker. */
export class Sender {
  readonly #client: ApiClient;
  readonly #dispatcher: Dispatcher;
  readonly #throttle: Throttle;
  readonly #breaker: CircuitBreaker;
  readonly #context: SendContext;
  readonly #events: SenderEvents;

  constructor(options: SendOptions, signal: AbortSignal, events: SenderEvents) {
    this.#client = createApiClient(options.target, { timeoutMs: options.timeoutMs, concurrency: options.concurrency });
    this.#dispatcher = new Dispatcher(options.concurrency);
    this.#throttle = new Throttle({ ratePerMinute: options.ratePerMinute, burst: options.burst }, { onPaceChange: events.onPaceChange });
    this.#breaker = new CircuitBreaker(options.circuitBreaker);
    this.#events = events;
    this.#context = {
      client: this.#client,
      throttle: this.#throttle,
      policy: options.retry,
      maxThrottleWaitMs: options.maxThrottleWaitMs,
      signal,
      onSending: events.onSending,
      onAttempt: events.onAttempt,
      onRetry: events.onRetry,
      stopRun: events.onFatal,
    };
  }

  /** Queues a row; resolves once there is room for the next one. `onDone` gets the row's outcome. */
  submit(row: ValidRow, onDone: (outcome: RowOutcome) => void): Promise<void> {
    return this.#dispatcher.submit(async () => {
      const outcome = await sendRow(row, this.#context);
      onDone(outcome);
      if (this.#breaker.record(outcome)) this.#openCircuit(outcome);
    });
  }

  /** Waits for every row submitted to have its outcome. */
  drain(): Promise<void> {
    return this.#dispatcher.drain();
  }

  get pacing(): PacingStats {
    return { ratePerMinute: this.#throttle.ratePerMinute, pauses: this.#throttle.pauses, pausedMs: this.#throttle.pausedMs };
  }

  /** How long a 429 still holds every request back. */
  get pauseLeftMs(): number {
    return this.#throttle.pauseLeftMs;
  }

  close(): void {
    this.#client.close();
  }

  #openCircuit(last: RowOutcome): void {
    const rows = this.#breaker.consecutiveFailures;
    const error = new ApiError('aborted', `the last ${rows} rows sent all failed after every retry (the last: ${last.error ?? 'no answer'}); the API looks unavailable`, {
      hint: 'Once the API answers again, continue the run with the --resume command below.',
    });
    this.#events.onCircuitOpen(error, rows);
  }
}

import type { ApiError } from '../errors.js';
import type { SendOptions } from '../pipeline/run-options.js';
import type { RowOutcome } from '../report/outcome.js';
import type { ValidRow } from '../validate/row.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { Dispatcher } from './dispatcher.js';
import { Pacer } from './pacer.js';
import { sendRow, type AttemptRecord } from './send-row.js';

/** What the sender tells the rest of the run as it goes. */
export interface SenderEvents {
  readonly onAttempt: (attempt: AttemptRecord) => void;
  readonly onRetry: (line: number, error: ApiError, attemptNumber: number, delayMs: number) => void;
  /** A failure after which no request can succeed: the run must stop. */
  readonly onFatal: (error: ApiError) => void;
}

/** The send stage as one piece: the API client, the pacing, the retries and the bounded concurrency. */
export class Sender {
  readonly #client: ApiClient;
  readonly #dispatcher: Dispatcher;
  readonly #context: Parameters<typeof sendRow>[1];

  constructor(options: SendOptions, signal: AbortSignal, events: SenderEvents) {
    this.#client = createApiClient(options.target, { timeoutMs: options.timeoutMs, concurrency: options.concurrency });
    this.#dispatcher = new Dispatcher(options.concurrency);
    this.#context = {
      client: this.#client,
      pacer: new Pacer(options.ratePerMinute),
      policy: options.retry,
      signal,
      onAttempt: events.onAttempt,
      onRetry: events.onRetry,
      stopRun: events.onFatal,
    };
  }

  /** Queues a row; resolves once there is room for the next one. `onDone` gets the row's outcome. */
  submit(row: ValidRow, onDone: (outcome: RowOutcome) => void): Promise<void> {
    return this.#dispatcher.submit(async () => onDone(await sendRow(row, this.#context)));
  }

  /** Waits for every row submitted to have its outcome. */
  drain(): Promise<void> {
    return this.#dispatcher.drain();
  }

  close(): void {
    this.#client.close();
  }
}

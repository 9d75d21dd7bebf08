import { ApiError, TiError } from '../core/errors.js';
import type { AttemptRecord, PacingStats, RetryRecord } from '../core/run-facts.js';
import { apiFailure } from '../core/words.js';
import { API_WORDS } from '../core/words/api.js';
import { createApiClient, type ApiClient, type ApiResponse } from './api-client.js';
import { classifyNetworkError, failureCause } from './network-errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { systemClock, type Clock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import type { Operation, SendResult } from './operation.js';
import type { SendOptions } from './options.js';
import { readRateLimit, throttlePauseMs } from './rate-limit-headers.js';
import { stopsTheRun, withRetries } from './retry.js';
import { Throttle } from './throttle.js';

/** What the send stage tells the rest of the run as it goes. */
export interface ExecutorEvents {
  readonly onAttempt?: (attempt: AttemptRecord) => void;
  readonly onRetry?: (retry: RetryRecord) => void;
  /** The pace now follows the server's X-RateLimit-Limit. */
  readonly onPaceChange?: (ratePerMinute: number, previous: number) => void;
  /** The pace was lowered after a 429 that stated no limit. */
  readonly onPaceLowered?: (ratePerMinute: number, previous: number) => void;
  /** The server's burst, learned from its first answer when --burst was not given. */
  readonly onBurstLearned?: (burst: number) => void;
  /** A failure after which no request can succeed: the run must stop. */
  readonly onFatal?: (error: ApiError) => void;
  /** Too many items in a row failed after all their retries: the run must stop. */
  readonly onCircuitOpen?: (error: ApiError, consecutiveFailures: number) => void;
}

/** Where an item's requests stand, as its hooks are told before each one. */
export interface AttemptContext {
  /** 1 for the first request, 2 for the first retry… */
  readonly number: number;
  /**
   * Whether an earlier request of the item may have been acted on: it left
   * whole and no answer came back, or a 5xx came back (a gateway's 502/504
   * says nothing of what the API behind it did).
   */
  readonly mayHaveLanded: boolean;
}

export interface PerformHooks<W = never> {
  /**
   * A last check of whether the item should be sent, made as late as
   * possible: once its turn is granted, just before each request (the first,
   * and each retry: time passes in a backoff too). A value withholds the
   * item; undefined lets the request go.
   */
  readonly guard?: (attempt: AttemptContext) => Promise<W | undefined>;
  /**
   * Called just before each request, after the guard: from then on the API
   * may act on it. The request waits for what it returns to resolve (the
   * item's journal entry written).
   */
  readonly beforeAttempt?: (attempt: AttemptContext) => void | Promise<void>;
}

/** Carries a guard's verdict out of the retry loop, which ends at any error that is not an ApiError. */
class Withheld<W> extends Error {
  readonly detail: W;
  constructor(detail: W) {
    super('withheld by its guard');
    this.detail = detail;
  }
}

/**
 * The send stage: one API client, one pace shared by every request (the
 * limit is the key's), retries, bounded concurrency and a circuit breaker,
 * for requests of any operation. Nothing here knows what a row or a report is.
 */
export class Executor {
  readonly #client: ApiClient;
  readonly #dispatcher: Dispatcher;
  readonly #throttle: Throttle;
  readonly #breaker: CircuitBreaker;
  readonly #options: SendOptions;
  readonly #signal: AbortSignal;
  readonly #events: ExecutorEvents;
  readonly #clock: Clock;

  constructor(options: SendOptions, signal: AbortSignal, events: ExecutorEvents = {}, clock: Clock = systemClock) {
    this.#options = options;
    this.#signal = signal;
    this.#events = events;
    this.#clock = clock;
    this.#client = createApiClient(options.target, { timeoutMs: options.timeoutMs, concurrency: options.concurrency });
    this.#dispatcher = new Dispatcher(options.concurrency);
    this.#throttle = new Throttle(
      {
        ratePerMinute: options.ratePerMinute,
        maxRatePerMinute: options.maxRatePerMinute,
        startFrom: options.rateFrom,
        burst: options.burst,
        learnBurst: options.learnBurst,
      },
      {
        ...(events.onPaceChange === undefined ? {} : { onPaceChange: events.onPaceChange }),
        ...(events.onPaceLowered === undefined ? {} : { onPaceLowered: events.onPaceLowered }),
        ...(events.onBurstLearned === undefined ? {} : { onBurstLearned: events.onBurstLearned }),
      },
      clock,
    );
    this.#breaker = new CircuitBreaker(options.circuitBreaker);
  }

  /**
   * Queues one item, at most `concurrency` in flight; resolves once there is
   * room for the next, so that a caller reading a file waits rather than
   * queueing it whole. `onDone` is given the item's result; the item holds
   * its place until what `onDone` returns resolves.
   */
  submit<I, T, W = never>(
    operation: Operation<I, T>,
    item: I,
    onDone: (result: SendResult<T, W>) => void | Promise<void>,
    hooks: PerformHooks<W> = {},
  ): Promise<void> {
    return this.#dispatcher.submit(async () => onDone(await this.perform(operation, item, hooks)));
  }

  /** Waits for every item submitted to have its result. */
  drain(): Promise<void> {
    return this.#dispatcher.drain();
  }

  /**
   * Makes one item's request, paced and retried, and says what became of it;
   * never rejects for an API failure. Items performed directly (the pages of
   * a read, one after the other) share the pace and the breaker with those
   * submitted.
   */
  async perform<I, T, W = never>(operation: Operation<I, T>, item: I, hooks: PerformHooks<W> = {}): Promise<SendResult<T, W>> {
    const result = await this.#attempt(operation, item, hooks);
    if (result.kind === 'failed' && stopsTheRun(result.error)) this.#events.onFatal?.(result.error);
    if (this.#breaker.record(result, operation.reads === true)) this.#openCircuit(result);
    return result;
  }

  get pacing(): PacingStats {
    const throttle = this.#throttle;
    return {
      ratePerMinute: Math.round(throttle.ratePerMinute),
      learnedRatePerMinute: throttle.learnedRatePerMinute ?? null,
      learnedBurst: throttle.learnedBurst ?? null,
      throttled: throttle.throttled,
      pauses: throttle.pauses,
      pausedMs: throttle.pausedMs,
    };
  }

  /** How long a 429 still holds every request back. */
  get pauseLeftMs(): number {
    return this.#throttle.pauseLeftMs;
  }

  close(): void {
    this.#client.close();
  }

  /**
   * Gives up on the requests in flight: their connections are closed, so
   * that each ends now as a request whose answer was lost (the API may have
   * acted on it). Called once the run is stopping and the operator will not
   * wait for them.
   */
  abandon(): void {
    this.#client.close();
  }

  async #attempt<I, T, W>(operation: Operation<I, T>, item: I, hooks: PerformHooks<W>): Promise<SendResult<T, W>> {
    const signal = this.#signal;
    const { line, id } = operation.describe(item);
    const { maxThrottleWaitMs } = this.#options;
    let attempts = 0;
    let throttledMs = 0;
    // The pause the last 429 imposed, not yet charged to this item.
    let owedMs = 0;
    let answerLost = false;
    let mayHaveLanded = false;
    let lastError: ApiError | undefined;
    let lastHeaders: ApiResponse['headers'] = {};
    if (signal.aborted) return { kind: 'not-sent', reason: notSent(signal) };

    const attempt = async (): Promise<{ value: T; status: number }> => {
      // Each throttled retry is charged at least the pause its 429 imposed, even when this item's
      // turn did not wait it out (the pause had passed): a 429 is never free, so its retries are bounded.
      if (throttledMs + owedMs > maxThrottleWaitMs) throw throttledTooLong(lastError, maxThrottleWaitMs);
      const turn = await this.#throttle.turn(signal, maxThrottleWaitMs - throttledMs);
      if (turn === undefined) throw throttledTooLong(lastError, maxThrottleWaitMs);
      throttledMs += Math.max(turn.pausedMs, owedMs);
      owedMs = 0;
      const context: AttemptContext = { number: attempts + 1, mayHaveLanded };
      if (hooks.guard !== undefined) {
        const withheld = await hooks.guard(context);
        if (withheld !== undefined) throw new Withheld(withheld);
      }
      await hooks.beforeAttempt?.(context);
      attempts++;
      const started = this.#clock.now();
      const record = (status: number | undefined, error?: ApiError): void =>
        this.#events.onAttempt?.({
          line,
          id,
          attempt: attempts,
          durationMs: Math.round((this.#clock.now() - started) * 10) / 10,
          status,
          kind: error?.kind,
          error: error?.message,
        });
      let response: ApiResponse;
      try {
        response = await operation.request(this.#client, item);
      } catch (error) {
        lastError = classifyNetworkError(error);
        answerLost ||= lastError.answerLost;
        mayHaveLanded ||= lastError.answerLost;
        lastHeaders = {};
        record(undefined, lastError);
        throw lastError;
      }
      this.#throttle.observe(readRateLimit(response.headers), turn, response.status);
      try {
        const value = operation.read(response, item);
        record(response.status);
        return { value, status: response.status };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        lastError = error;
        mayHaveLanded ||= error.status !== undefined && error.status >= 500;
        lastHeaders = response.headers;
        record(error.status, error);
        throw error;
      }
    };

    try {
      const { value, status } = await withRetries(attempt, this.#options.retry, {
        signal,
        clock: this.#clock,
        onRetry: (error, _attempt, delayMs) => this.#events.onRetry?.({ line, id, cause: failureCause(error), delayMs, error: error.message }),
        onThrottled: (error) => {
          // The limit is the key's, not the item's: every request waits, and this one goes again after.
          const pauseMs = throttlePauseMs(error.retryAfterMs, lastHeaders, Date.now(), this.#throttle.minPauseMs);
          owedMs = pauseMs;
          const newPause = this.#throttle.pause(pauseMs);
          this.#events.onRetry?.({ line, id, cause: '429', delayMs: pauseMs, error: error.message, newPause });
        },
      });
      return { kind: 'done', value, attempts, status };
    } catch (error) {
      if (error instanceof Withheld) return { kind: 'withheld', detail: error.detail as W, attempts };
      if (error instanceof ApiError) return { kind: 'failed', error, attempts, interrupted: false, answerLost, mayHaveLanded };
      if (!signal.aborted) throw error;
      if (attempts === 0 || lastError === undefined) return { kind: 'not-sent', reason: notSent(signal) };
      // Only a failure worth another try waits for one, so what the stop cut short is always transient.
      const interrupted = apiFailure(
        API_WORDS,
        'TIC-API-NOT-RETRIED',
        { failure: lastError.message, reason: stopReason(signal) },
        lastError.status === undefined ? {} : { status: lastError.status },
      );
      return { kind: 'failed', error: interrupted, attempts, interrupted: true, answerLost, mayHaveLanded };
    }
  }

  #openCircuit(last: SendResult<unknown, unknown>): void {
    const failures = this.#breaker.consecutiveFailures;
    const said = last.kind === 'failed' ? last.error.message : 'no answer';
    const error = apiFailure(API_WORDS, 'TIC-API-UNAVAILABLE', { ...this.#breaker.failures, last: said });
    this.#events.onCircuitOpen?.(error, failures);
  }
}

/** The item has waited out its allowance of 429 pauses: it fails now, and may be sent again later. */
function throttledTooLong(lastError: ApiError | undefined, maxThrottleWaitMs: number): ApiError {
  const throttled = lastError?.status === 429;
  return apiFailure(
    API_WORDS,
    'TIC-API-THROTTLED-TOO-LONG',
    { failure: throttled ? lastError.message : undefined, seconds: Math.round(maxThrottleWaitMs / 1000) },
    { ...(throttled ? { status: 429 } : {}), final: true },
  );
}

function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof TiError ? `the run stopped: ${reason.message}` : 'the run stopped';
}

function notSent(signal: AbortSignal): string {
  return `not sent because ${stopReason(signal)}`;
}

import type { AttemptRecord } from '../core/run-facts.js';
import type { Executor } from '../send/executor.js';
import type { SendOptions } from '../send/options.js';
import type { RunSession } from './run-session.js';
import { onAbort } from '../core/abort.js';

/**
 * The send stage of a run, wired to the run's counts and log: every command
 * that makes requests opens it this way. The class is handed in because the
 * module (and got with it) is loaded only by runs that make requests.
 * `itemsLeft` says whether items remain to be handed to it: a tripped circuit
 * breaker stops the run only then.
 */
export function openExecutor<O>(
  ExecutorClass: typeof Executor,
  session: RunSession<O>,
  send: SendOptions,
  onRetrying?: (line: number) => void,
  itemsLeft: () => boolean = () => true,
  hardStop?: AbortSignal,
): Executor {
  const { logger } = session.log;
  const executor: Executor = new ExecutorClass(send, session.signal, {
    onAttempt: (attempt) => recordAttempt(session, attempt),
    onRetry: (retry) => {
      session.tally.countRetry(retry.cause);
      if (retry.cause !== '429') {
        if (retry.line !== undefined) onRetrying?.(retry.line);
        logger.warn({ event: 'retry', line: retry.line, id: retry.id, cause: retry.cause, delayMs: retry.delayMs, error: retry.error }, 'retrying');
      } else if (retry.newPause === true) {
        logger.warn(
          { event: 'throttle-pause', line: retry.line, pauseMs: retry.delayMs, ratePerMinute: executor.pacing.ratePerMinute, error: retry.error },
          'rate limit reached: every request paused',
        );
      }
    },
    onPaceChange: (ratePerMinute, previous) => logger.warn({ event: 'pace', ratePerMinute, previous }, "pace set to the API's X-RateLimit-Limit"),
    onPaceLowered: (ratePerMinute, previous) =>
      logger.warn({ event: 'pace-lowered', ratePerMinute, previous }, 'pace lowered: the API answered 429 without stating its limit'),
    onBurstLearned: (burst) => logger.info({ event: 'burst', burst }, "burst set to the API's, from its first X-RateLimit-Remaining"),
    onFatal: (error) => session.stop(error, 'stopped'),
    onCircuitOpen: (error, consecutiveFailures) => {
      const left = itemsLeft();
      logger.error({ event: 'circuit-breaker', consecutiveFailures, code: error.code, error: error.message, itemsLeft: left }, 'circuit breaker tripped');
      // With every item already handed over, a stop would skip none: the run ends as it is, each item
      // with its own outcome, rather than say it was stopped (exit 3) when every one was tried.
      if (left) session.stop(error, 'stopped');
    },
  });
  session.pacedBy(() => executor.pacing);
  // Asked a second time to stop, the run does not wait for the answers still to come: their rows stay in flight, for a resume to settle.
  onAbort(hardStop, () => executor.abandon());
  return executor;
}

/** One request as the run records it: counted for summary.json, and a line of run.log. */
export function recordAttempt<O>(session: RunSession<O>, attempt: AttemptRecord): void {
  session.tally.countAttempt(attempt);
  session.log.rows.info({ event: 'attempt', ...attempt }, 'request');
}

/**
 * A run's send stage, opened once and on first use: the live read and the
 * sending share its pace, its counts and its circuit breaker. The HTTP side
 * (got) is loaded only by runs that make requests, and while the file is
 * validated rather than after.
 */
export class SendStage<O = unknown> {
  readonly #session: RunSession<O>;
  readonly #send: SendOptions;
  readonly #module: Promise<typeof import('../send/executor.js')>;
  readonly #hardStop: AbortSignal | undefined;
  #executor: Executor | undefined;
  #allSubmitted = false;
  #onRetrying: ((line: number) => void) | undefined;

  constructor(session: RunSession<O>, send: SendOptions, hardStop?: AbortSignal) {
    this.#session = session;
    this.#send = send;
    this.#hardStop = hardStop;
    this.#module = import('../send/executor.js');
    // A failed load surfaces where it is awaited; a refused file never awaits it.
    this.#module.catch(() => {});
  }

  async open(): Promise<Executor> {
    this.#executor ??= openExecutor(
      (await this.#module).Executor,
      this.#session,
      this.#send,
      (line) => this.#onRetrying?.(line),
      () => !this.#allSubmitted,
      this.#hardStop,
    );
    return this.#executor;
  }

  /** Told of each row waiting to be tried again, for the progress shown. */
  onRetrying(listener: (line: number) => void): void {
    this.#onRetrying = listener;
  }

  /** Every item has been handed over: a tripped circuit breaker then stops nothing, since none would be skipped. */
  submittedAll(): void {
    this.#allSubmitted = true;
  }

  /** Waits for every item handed over to have its result. */
  async drain(): Promise<void> {
    await this.#executor?.drain();
  }

  get executor(): Executor | undefined {
    return this.#executor;
  }

  close(): void {
    this.#executor?.close();
  }
}

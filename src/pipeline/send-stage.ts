import type { AttemptRecord } from '../core/run-facts.js';
import type { Executor } from '../send/executor.js';
import type { SendOptions } from '../send/options.js';
import type { RunSession } from './run-session.js';

/**
 * The send stage of a run, wired to the run's counts and log: every command
 * that makes requests opens it this way. The class is handed in because the
 * module (and got with it) is loaded only by runs that make requests.
 * `itemsLeft` says whether items remain to be handed to it: a tripped circuit
 * breaker stops the run only then.
 */
export function openExecutor<O>(ExecutorClass: typeof Executor, session: RunSession<O>, send: SendOptions, onRetrying?: (line: number) => void, itemsLeft: () => boolean = () => true): Executor {
  const { logger } = session.log;
  const executor: Executor = new ExecutorClass(send, session.signal, {
    onAttempt: (attempt) => recordAttempt(session, attempt),
    onRetry: (retry) => {
      session.tally.countRetry(retry.cause);
      if (retry.cause !== '429') {
        if (retry.line !== undefined) onRetrying?.(retry.line);
        logger.warn({ event: 'retry', line: retry.line, id: retry.id, cause: retry.cause, delayMs: retry.delayMs, error: retry.error }, 'retrying');
      } else if (retry.newPause === true) {
        logger.warn({ event: 'throttle-pause', line: retry.line, pauseMs: retry.delayMs, ratePerMinute: executor.pacing.ratePerMinute, error: retry.error }, 'rate limit reached: every request paused');
      }
    },
    onPaceChange: (ratePerMinute, previous) => logger.warn({ event: 'pace', ratePerMinute, previous }, "pace set to the API's X-RateLimit-Limit"),
    onPaceLowered: (ratePerMinute, previous) => logger.warn({ event: 'pace-lowered', ratePerMinute, previous }, 'pace lowered: the API answered 429 without stating its limit'),
    onBurstLearned: (burst) => logger.info({ event: 'burst', burst }, "burst set to the API's, from its first X-RateLimit-Remaining"),
    onFatal: (error) => session.stop(error, 'stopped'),
    onCircuitOpen: (error, consecutiveFailures) => {
      const left = itemsLeft();
      logger.error({ event: 'circuit-breaker', consecutiveFailures, error: error.message, itemsLeft: left }, 'circuit breaker tripped');
      // With every item already handed over, a stop would skip none: the run ends as it is, each item
      // with its own outcome, rather than say it was stopped (exit 3) when every one was tried.
      if (left) session.stop(error, 'stopped');
    },
  });
  session.pacedBy(() => executor.pacing);
  return executor;
}

/** One request as the run records it: counted for summary.json, and a line of run.log. */
export function recordAttempt<O>(session: RunSession<O>, attempt: AttemptRecord): void {
  session.tally.countAttempt(attempt);
  session.log.rows.info({ event: 'attempt', ...attempt }, 'request');
}

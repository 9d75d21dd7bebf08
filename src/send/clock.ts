import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Time as the send stage sees it. Pacing is arithmetic on a clock; given one
 * it does not own, its tests can run on virtual time and assert exact
 * moments instead of wall-clock windows.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? {} : { signal }),
};

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

/**
 * The sleepers waiting on each signal, woken by one abort listener per
 * signal. Every request in flight may be asleep on the run's signal at once
 * (for a token, a 429 pause, a backoff); with a listener each, as
 * timers/promises adds, --concurrency 16 passes Node's limit of 10 listeners
 * and prints a MaxListenersExceededWarning. A sleeper leaves the set as soon
 * as its time is up, so nothing accumulates over a long run.
 */
const sleepers = new WeakMap<AbortSignal, Set<() => void>>();

function abortError(): DOMException {
  return new DOMException('The operation was aborted', 'AbortError');
}

function sleepersOf(signal: AbortSignal): Set<() => void> {
  let waiting = sleepers.get(signal);
  if (waiting === undefined) {
    const set = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        for (const wake of set) wake();
        set.clear();
      },
      { once: true },
    );
    sleepers.set(signal, set);
    waiting = set;
  }
  return waiting;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(abortError());
  const waiting = sleepersOf(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      waiting.delete(onAbort);
      resolve();
    }, ms);
    waiting.add(onAbort);
  });
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep,
};

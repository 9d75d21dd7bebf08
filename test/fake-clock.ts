import type { Clock } from '../src/send/clock.js';

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

/**
 * Virtual time for the send stage: `sleep` resolves only when the test moves
 * the clock past it, so tests assert exact moments, whatever the machine's load.
 */
export class FakeClock implements Clock {
  #now = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const aborted = (): DOMException => new DOMException('The operation was aborted', 'AbortError');
      if (signal?.aborted === true) return reject(aborted());
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((other) => other !== timer);
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Fires timers in order of their time, up to `until`, letting whatever they wake run before the next. */
  async runUntil(until = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      await settle();
      const next = this.#timers.reduce<Timer | undefined>(
        (earliest, timer) => (earliest === undefined || timer.at < earliest.at ? timer : earliest),
        undefined,
      );
      if (next === undefined || next.at > until) break;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
    }
    if (until !== Number.POSITIVE_INFINITY) this.#now = Math.max(this.#now, until);
    await settle();
  }
}

/** Lets every promise callback already due run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

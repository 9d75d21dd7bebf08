import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Runs tasks at most `concurrency` at a time (p-limit keeps the bound) while
 * keeping the queue short: `submit` resolves only once there is room for
 * the next, so the caller (the CSV stream) waits instead of queueing a
 * million rows in memory. A task settling wakes the one producer waiting
 * for room: one promise per task, never a race over every task in flight.
 */
export class Dispatcher {
  readonly #concurrency: number;
  readonly #limit: LimitFunction;
  readonly #unsettled = new Set<Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  /** The first task that threw (a bug), kept for drain() even once settled. */
  #failure: { readonly error: unknown } | undefined;

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
    this.#limit = pLimit(concurrency);
  }

  submit(task: () => Promise<void>): Promise<void> {
    const running: Promise<void> = this.#limit(task)
      // A task that throws is a bug; drain() reports it. Until then it must not crash the process unobserved.
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => {
        this.#unsettled.delete(running);
        this.#waiting.shift()?.();
      });
    this.#unsettled.add(running);
    if (this.#unsettled.size < this.#concurrency) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Resolves when every submitted task has settled; rejects with the first task that threw. */
  async drain(): Promise<void> {
    await Promise.all(this.#unsettled);
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}

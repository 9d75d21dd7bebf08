import pLimit from 'p-limit';

/**
 * Runs tasks at most `concurrency` at a time while keeping the queue short:
 * `submit` resolves only once there is room, so the caller (the CSV stream)
 * waits instead of queueing a million rows in memory.
 */
export class Dispatcher {
  readonly #limit;
  readonly #concurrency: number;
  readonly #unsettled = new Set<Promise<void>>();

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
    this.#limit = pLimit(concurrency);
  }

  async submit(task: () => Promise<void>): Promise<void> {
    const running: Promise<void> = this.#limit(task).finally(() => this.#unsettled.delete(running));
    // A task that throws is a bug; drain() reports it. Until then it must not crash the process unobserved.
    running.catch(() => {});
    this.#unsettled.add(running);
    while (this.#limit.pendingCount >= this.#concurrency) await Promise.race(this.#unsettled);
  }

  /** Resolves when every submitted task has settled; rejects with the first task that threw. */
  async drain(): Promise<void> {
    await Promise.all(this.#unsettled);
  }
}

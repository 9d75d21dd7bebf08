import { writeSummary, type Summary } from './summary.js';

/**
 * Rewrites summary.json on a cadence while rows are sent, with the counts so
 * far (status `running`). A run killed outright never writes its final
 * summary; this one then holds its counts up to the last checkpoint, and a
 * resumed run carries them on.
 */
export class SummaryCheckpoints {
  readonly #folder: string;
  readonly #current: () => Summary<unknown>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  /** One write at a time: two would race on the same temporary file. */
  #writing: Promise<void> = Promise.resolve();

  readonly #everyMs: number;

  constructor(folder: string, current: () => Summary<unknown>, onError: (error: unknown) => void, everyMs: number) {
    this.#folder = folder;
    this.#current = current;
    this.#onError = onError;
    this.#everyMs = everyMs;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#writing = this.#writing.then(() => writeSummary(this.#folder, this.#current())).catch(this.#onError);
    }, this.#everyMs);
    this.#timer.unref();
  }

  /** Stops the cadence and waits for a write under way, so that none lands after the final summary. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#writing;
  }
}

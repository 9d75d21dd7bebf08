import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection, asked of V8 every so often by the stages that
 * handle a million pages' batches or rows. V8 lets its old generation fill
 * with garbage to several times what is live before it collects, and keeps
 * the memory it grew to: a dry run of a million rows peaked 60 MB higher
 * than with a collection every 20,000 batches read and every 100,000 rows
 * planned. What is live on the heap stays a few MB (the live values are
 * typed arrays), so each collection takes a few milliseconds. `gc` is
 * exposed to a context made for the purpose; where it cannot be, nothing is
 * collected and only the memory differs.
 */
export class Collector {
  readonly #every: number;
  readonly #collect: () => void;
  #since = 0;

  /** Collects (`collect`: a full collection) once `every` more of whatever is counted have been handled. */
  constructor(every: number, collect = collectGarbage) {
    this.#every = every;
    this.#collect = collect;
  }

  count(handled: number): void {
    this.#since += handled;
    if (this.#since < this.#every) return;
    this.#since = 0;
    this.#collect();
  }
}

/** A full garbage collection, or nothing where gc cannot be had. */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

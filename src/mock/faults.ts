/** What the mock does instead of (or before) answering normally. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown }
  /** Drops the connection without an answer, before the update is applied. */
  | { readonly kind: 'reset' }
  /** Answers normally, this much later. */
  | { readonly kind: 'delay'; readonly ms: number };

export interface FaultOptions {
  /** Faults for given ids, used up one per request to that id, in order. */
  readonly script?: Readonly<Record<string, readonly Fault[]>>;
  /** Share of requests answered with one of `errorStatuses` (default 500, 502, 503, 504). */
  readonly errorRate?: number;
  readonly errorStatuses?: readonly number[];
  /** Retry-After, in seconds, sent with those answers; none when absent. */
  readonly errorRetryAfterSeconds?: number;
  /** Share of requests whose connection is dropped. */
  readonly resetRate?: number;
  /** Share of requests answered `slowMs` late (still applied, as a slow server would). */
  readonly slowRate?: number;
  readonly slowMs?: number;
  /** Added to every answer. */
  readonly latencyMs?: number;
  /** Seeds the random faults so a run can be repeated exactly. */
  readonly randomSeed?: number;
}

/** Decides, request by request, which fault (if any) the mock injects. */
export class FaultPlan {
  readonly #script = new Map<string, Fault[]>();
  readonly #options: FaultOptions;
  readonly #random: () => number;

  constructor(options: FaultOptions = {}) {
    this.#options = options;
    for (const [id, faults] of Object.entries(options.script ?? {})) this.#script.set(id.toLowerCase(), [...faults]);
    this.#random = mulberry32(options.randomSeed ?? 1);
  }

  next(id: string): Fault | undefined {
    const scripted = this.#script.get(id.toLowerCase())?.shift();
    if (scripted !== undefined) return scripted;
    const { errorRate = 0, resetRate = 0, errorStatuses = [500, 502, 503, 504], errorRetryAfterSeconds, slowRate = 0, slowMs = 0 } = this.#options;
    if (resetRate > 0 && this.#random() < resetRate) return { kind: 'reset' };
    if (errorRate > 0 && this.#random() < errorRate) {
      const status = errorStatuses[Math.floor(this.#random() * errorStatuses.length)] ?? 500;
      const headers = errorRetryAfterSeconds === undefined ? {} : { 'retry-after': String(errorRetryAfterSeconds) };
      return { kind: 'status', status, headers, body: { error: 'injected_fault', message: `Injected ${status}` } };
    }
    if (slowRate > 0 && this.#random() < slowRate) return { kind: 'delay', ms: slowMs };
    return undefined;
  }

  get latencyMs(): number {
    return this.#options.latencyMs ?? 0;
  }
}

/** A small seeded generator: the same seed gives the same faults on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

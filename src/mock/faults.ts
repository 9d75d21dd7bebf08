/** What the mock does instead of (or before) answering normally. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown }
  /** Drops the connection without an answer, before the update is applied. */
  | { readonly kind: 'reset' }
  /** Answers normally, this much later. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Handles the request (an update is applied), then drops the connection instead of answering: the API acted, and the client never hears of it. */
  | { readonly kind: 'lost' }
  /** Handles the request (an update is applied), then answers `status` instead: a gateway's 504 for a write the API made. */
  | { readonly kind: 'landed'; readonly status: number };

/**
 * Ways a list answer can be wrong, for tests of a client that reads pages
 * defensively. Each applies to every list the mock answers (credit batches,
 * clients and credit actions); no command-line flag sets them.
 */
export interface PagingFaults {
  /** Added to every list's `total` (which never goes below 0), so that it disagrees with the items the pages hold. */
  readonly totalSkew?: number;
  /** Every page after the first starts with the last item of the page before, as when a batch is added while a client pages through. */
  readonly repeatLastItem?: boolean;
  /** This page (1-based) holds no items yet says `hasMore: true`. */
  readonly emptyPage?: number;
  /** `hasMore` stays true on the last page and on every page past it (which are empty): only an empty page can end the reading. */
  readonly endlessHasMore?: boolean;
}

export interface FaultOptions {
  /**
   * Faults used up one per request, in order, keyed by what the request
   * names: the credit batch id of a PUT, the clientId of a credit batch list,
   * the creditAccountId of a credit action list, `clients` for the client
   * list, `ping` for the ping.
   */
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
  /** Seeds the random faults (and the learners' redemptions) so a run can be repeated exactly. */
  readonly randomSeed?: number;
  /** Ways the lists answer wrongly. */
  readonly paging?: PagingFaults;
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

  /** The fault for the next request naming `key` (see `FaultOptions.script`). */
  next(key: string): Fault | undefined {
    const scripted = this.#script.get(key.toLowerCase())?.shift();
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

  get paging(): PagingFaults {
    return this.#options.paging ?? {};
  }
}

/** A small seeded generator: the same seed gives the same numbers on every run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import type { ApiError } from '../../core/errors.js';
import { apiFailure, bug } from '../../core/words.js';
import { RUN_WORDS } from '../../core/words/run.js';
import type { Executor } from '../../send/executor.js';
import { eachClientBatch } from '../operations/read-client-batches.js';
import { Collector } from '../collect.js';
import { Interned } from './interned.js';
import { LiveStore, type LiveBatch } from './live-store.js';

export type { LiveBatch } from './live-store.js';

/** A client's batches could not be read: nothing that depends on them can be checked. */
export interface ReadFailure {
  readonly clientId: string;
  readonly error: ApiError;
}

/**
 * What is read at once: a client's batches, or only those of one of its
 * credit accounts when every row of the client names its account (the list
 * endpoint takes one): a client of thousands of batches is then read a
 * fraction at a time.
 */
export interface ReadScope {
  readonly clientId: string;
  readonly creditAccountId?: string | undefined;
}

/** Where reading the live values stands, kept current as pages come in. */
export interface ReadProgress {
  /** Scopes (clients, or credit accounts) to read, and read whole so far. */
  readonly scopes: number;
  readonly scopesRead: number;
  readonly pages: number;
  readonly batches: number;
  /** Pages the scopes begun say they hold in all (from each list's total); more may come from scopes not begun. */
  readonly pagesKnown: number;
}

/** How large a client is, as a whole read of it found: what decides whether it is read again by credit account. */
export interface ClientShape {
  readonly pages: number;
  /** The most batches one page held: the list's page size. */
  readonly perPage: number;
  readonly byAccount: ReadonlyMap<string, number>;
}

const scopeKey = (scope: ReadScope): string =>
  scope.creditAccountId === undefined ? scope.clientId.toLowerCase() : `${scope.clientId.toLowerCase()}/${scope.creditAccountId.toLowerCase()}`;

/**
 * The live credit batches of the clients a file names, read through the send
 * stage (a scope at a time: a client, or one of its credit accounts), and
 * read again when a check needs a batch fresher than `maxStalenessMs`. A
 * batch is as old as the request of the page that listed it, so that the
 * last pages of a long read are not taken for as old as its first. Only the
 * batches `keep` accepts are held: a client may have many more batches than
 * the file names.
 */
export class LiveBatches {
  readonly #executor: Executor;
  readonly #maxStalenessMs: number;
  readonly #now: () => number;
  readonly #keep: (id: string) => boolean;
  readonly #interned = new Interned();
  /**
   * Each batch kept as its latest read listed it, with that read (a sequence
   * number) and when the request of the page that listed it began: how old
   * its values are.
   */
  readonly #batches: LiveStore;
  /** Per scope: its latest read (a sequence number) and when it began. */
  readonly #reads = new Map<string, { readonly read: number; readonly at: number }>();
  /** The latest read of each scope, by its number: a batch whose read is not among them is gone (its scope was read since, without it). */
  readonly #latest = new Set<number>();
  /** When the request of each page of a read began, for the reads being made and the latest of each scope. */
  readonly #pageTimes = new Map<number, number[]>();
  /** A scope being read again: every check that needs it waits for the same read. */
  readonly #rereading = new Map<string, Promise<ReadFailure | { readonly at: number }>>();
  #sequence = 0;
  /** Reads begun before this moment serve no check: see `readAfter`. */
  #notBefore = Number.NEGATIVE_INFINITY;
  /** Requests spent reading, every page and retry counted. */
  requests = 0;
  readonly #progress = { scopes: 0, scopesRead: 0, pages: 0, batches: 0, pagesKnown: 0 };
  /** What a client's whole read found: its pages, the most batches a page held, and its batches by credit account. */
  readonly #shapes = new Map<string, ClientShape>();
  /** Every 20,000 batches listed, about 9 MB of answers: see Collector. */
  readonly #collector = new Collector(20_000);

  /** `expected`: how many batches `keep` may accept, at most (the file's rows): room is made for them at once. */
  constructor(
    executor: Executor,
    options: { readonly maxStalenessMs: number; readonly now: () => number; readonly keep: (id: string) => boolean; readonly expected?: number },
  ) {
    this.#executor = executor;
    this.#maxStalenessMs = options.maxStalenessMs;
    this.#now = options.now;
    this.#keep = options.keep;
    this.#batches = new LiveStore(this.#interned, options.expected);
  }

  /** Where the reading stands (the same object, kept current). */
  get progress(): ReadProgress {
    return this.#progress;
  }

  /** Reads each scope's batches, a few at once; the first failure, if any. */
  async readAll(scopes: readonly ReadScope[], concurrency: number): Promise<ReadFailure | undefined> {
    const queue = [...scopes];
    this.#progress.scopes += queue.length;
    let failure: ReadFailure | undefined;
    const worker = async (): Promise<void> => {
      for (let scope = queue.shift(); scope !== undefined && failure === undefined; scope = queue.shift()) {
        const read = await this.#read(scope);
        if ('error' in read) failure ??= read;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return failure;
  }

  /** The batch as last read, or undefined when its scope's latest read did not list it. */
  get(id: string): LiveBatch | undefined {
    const entry = this.#batches.find(id);
    return entry >= 0 && this.#latest.has(this.#batches.readOf(entry)) ? this.#batches.batchOf(entry) : undefined;
  }

  /**
   * From now on, only reads begun after this moment serve a check. Called once
   * the plan is confirmed: the time a person spends reading the plan at the
   * question is time in which learners redeem credits, so values read for the
   * plan are never those a row is sent against, however young.
   */
  readAfter(): void {
    this.#notBefore = this.#now();
  }

  /** What the latest whole read of a client found of its size, or undefined when it was not read whole. */
  shapeOf(clientId: string): ClientShape | undefined {
    return this.#shapes.get(clientId.toLowerCase());
  }

  /** Now, on the scale of the reads' times. */
  now(): number {
    return this.#now();
  }

  /** Whether values read at `at` may still serve a check: read after `readAfter`, and young enough. */
  isFresh(at: number): boolean {
    return at >= this.#notBefore && this.#now() - at <= this.#maxStalenessMs;
  }

  /**
   * Makes sure batch `id` of `scope` was read no longer than `maxStalenessMs`
   * ago, after `readAfter`, and after `notBefore` (a request whose fate a
   * read must tell), reading its scope again if not. Resolves with when the
   * values that serve were read (on the `now` scale), or why they could not be.
   */
  async fresh(scope: ReadScope, id: string, notBefore = Number.NEGATIVE_INFINITY): Promise<ReadFailure | { readonly at: number }> {
    const key = scopeKey(scope);
    const last = this.#reads.get(key);
    // Listed by the latest read: as old as its page; not listed by it: as old as that read.
    const at = last === undefined ? undefined : (this.#listedAt(id, last.read) ?? last.at);
    if (at !== undefined && this.isFresh(at) && at >= notBefore) return { at };
    let rereading = this.#rereading.get(key);
    if (rereading === undefined) {
      this.#progress.scopes++;
      rereading = this.#read(scope).finally(() => this.#rereading.delete(key));
      this.#rereading.set(key, rereading);
    }
    const read = await rereading;
    if ('error' in read) return read;
    const latest = this.#reads.get(key)?.read;
    return { at: (latest === undefined ? undefined : this.#listedAt(id, latest)) ?? read.at };
  }

  /** When the page that listed batch `id` in read `read` was requested; undefined when that read did not list it. */
  #listedAt(id: string, read: number): number | undefined {
    const entry = this.#batches.find(id);
    return entry >= 0 && this.#batches.readOf(entry) === read ? this.#pageTimes.get(read)?.[this.#batches.pageOf(entry)] : undefined;
  }

  async #read(scope: ReadScope): Promise<ReadFailure | { readonly at: number }> {
    const { clientId } = scope;
    const at = this.#now();
    const key = scopeKey(scope);
    const client = clientId.toLowerCase();
    const read = ++this.#sequence;
    // A batch already held is gathered apart, and replaces what is held only once the list is read whole: a list that
    // fails halfway is forgotten whole. One held by no read is stored at once, under this read, which no check sees
    // before it is the latest read of its scope.
    let kept: LiveStore | undefined;
    // When the request of each page began: the first as the read did; each next one once the one before was handled.
    const times = [at];
    this.#pageTimes.set(read, times);
    let expected: number | undefined;
    const shape = { pages: 0, perPage: 0, byAccount: new Map<string, number>() };
    const result = await eachClientBatch(this.#executor, clientId, scope.creditAccountId, (page) => {
      this.#progress.pages++;
      this.#progress.batches += page.batches.length;
      this.#collector.count(page.batches.length);
      // The first page says how many pages the list holds; it is counted once, for the time left.
      if (expected === undefined && page.total !== undefined && page.batches.length > 0) {
        expected = Math.ceil(page.total / page.batches.length);
        this.#progress.pagesKnown += expected;
      }
      const pageOf = times.length - 1;
      shape.pages++;
      shape.perPage = Math.max(shape.perPage, page.batches.length);
      for (const batch of page.batches) {
        const account = batch.creditAccountId?.toLowerCase();
        if (account !== undefined) shape.byAccount.set(account, (shape.byAccount.get(account) ?? 0) + 1);
        if (!this.#keep(batch.id)) continue;
        const listed: { -readonly [K in keyof LiveBatch]: LiveBatch[K] } = {
          allocatedCredits: batch.allocatedCredits,
          updatedAt: batch.updatedAt,
          creditAccountId: batch.creditAccountId,
          clientId: batch.clientId === undefined || batch.clientId.toLowerCase() === client ? clientId : batch.clientId,
          // A status is one of a few words: the store numbers them (see Interned).
          status: typeof batch.status === 'string' ? batch.status : undefined,
        };
        // A value the API did not give stays absent: never read as one.
        if (batch.name !== undefined) listed.name = batch.name;
        if (batch.expiresOn !== undefined) listed.expiresOn = batch.expiresOn;
        if (batch.currentBalance !== undefined) listed.currentBalance = batch.currentBalance;
        if (!this.#batches.add(batch.id, listed, read, pageOf)) (kept ??= new LiveStore(this.#interned)).set(batch.id, listed, read, pageOf);
      }
      times.push(this.#now());
    });
    if (result.kind === 'done' || result.kind === 'failed') this.requests += result.attempts;
    if (result.kind !== 'done') this.#pageTimes.delete(read);
    if (result.kind === 'not-sent') return { clientId, error: apiFailure(RUN_WORDS, 'TIC-READ-NOT-MADE', { reason: result.reason }) };
    if (result.kind === 'failed') return { clientId, error: result.error };
    // Reads have no guard: nothing withholds them.
    if (result.kind !== 'done') throw bug(RUN_WORDS, 'TIC-INTERNAL-READ-WITHHELD', {});
    // A list that failed halfway is forgotten whole: a batch listed again with other values is not taken on trust.
    if (kept !== undefined) this.#batches.merge(kept);
    const replaced = this.#reads.get(key)?.read;
    if (replaced !== undefined) {
      this.#latest.delete(replaced);
      this.#pageTimes.delete(replaced);
    }
    this.#reads.set(key, { read, at });
    this.#latest.add(read);
    if (scope.creditAccountId === undefined) this.#shapes.set(client, shape);
    this.#progress.scopesRead++;
    return { at };
  }
}

import type { CreditBatch } from '../../core/credit-batch.js';

/**
 * What is kept of a live credit batch: the values a row can change or be
 * checked against, its client, its status (a plan flags a change that
 * revives a batch not active), and, for the credit ledger to be reconciled
 * after sending, its credit account and when it last changed. The API's
 * other fields would more than double the memory a million batches take; a
 * status is one of a few words, held once (`statusOf`).
 */
export type LiveBatch = Pick<CreditBatch, 'id' | 'clientId'> &
  Partial<Pick<CreditBatch, 'name' | 'expiresOn' | 'currentBalance' | 'allocatedCredits' | 'updatedAt' | 'creditAccountId'>> & {
    /** Set in the object's literal, undefined or not: a property added later would cost a million batches 40 MB more, not 8. */
    readonly status?: string | undefined;
  };
import { ApiError } from '../../core/errors.js';
import type { Executor } from '../../send/executor.js';
import { readClientBatches } from '../operations/read-client-batches.js';

/** A client's batches could not be read: nothing that depends on them can be checked. */
export interface ReadFailure {
  readonly clientId: string;
  readonly error: ApiError;
}

interface Entry {
  readonly batch: LiveBatch;
  /** The client it was listed for. */
  readonly client: string;
  /** The read of its client it came from: an entry from an older read of that client is gone. */
  readonly read: number;
}

/**
 * The live credit batches of the clients a file names, read through the send
 * stage, and read again when a check needs them fresher than
 * `maxStalenessMs`. Only the batches `keep` accepts are held: a client may
 * have many more batches than the file names.
 */
export class LiveBatches {
  readonly #executor: Executor;
  readonly #maxStalenessMs: number;
  readonly #now: () => number;
  readonly #keep: (id: string) => boolean;
  readonly #batches = new Map<string, Entry>();
  /** Per client: its latest read (a sequence number) and when it was made. */
  readonly #reads = new Map<string, { readonly read: number; readonly at: number }>();
  /** A client being read again: every check that needs it waits for the same read. */
  readonly #rereading = new Map<string, Promise<ReadFailure | { readonly at: number }>>();
  #sequence = 0;
  /** Reads begun before this moment serve no check: see `readAfter`. */
  #notBefore = Number.NEGATIVE_INFINITY;
  /** Requests spent reading, every page and retry counted. */
  requests = 0;

  constructor(executor: Executor, options: { readonly maxStalenessMs: number; readonly now: () => number; readonly keep: (id: string) => boolean }) {
    this.#executor = executor;
    this.#maxStalenessMs = options.maxStalenessMs;
    this.#now = options.now;
    this.#keep = options.keep;
  }

  /** Reads each client's batches, a few clients at once; the first failure, if any. */
  async readAll(clients: Iterable<string>, concurrency: number): Promise<ReadFailure | undefined> {
    const queue = [...clients];
    let failure: ReadFailure | undefined;
    const worker = async (): Promise<void> => {
      for (let client = queue.shift(); client !== undefined && failure === undefined; client = queue.shift()) {
        const read = await this.#read(client);
        if ('error' in read) failure ??= read;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return failure;
  }

  /** The batch as last read, or undefined when its client's latest read did not list it. */
  get(id: string): LiveBatch | undefined {
    const entry = this.#batches.get(id.toLowerCase());
    if (entry === undefined) return undefined;
    return this.#reads.get(entry.client)?.read === entry.read ? entry.batch : undefined;
  }

  /** The clients read so far. */
  get clients(): readonly string[] {
    return [...this.#reads.keys()];
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

  /** Now, on the scale of the reads' times. */
  now(): number {
    return this.#now();
  }

  /** Whether values read at `at` may still serve a check: read after `readAfter`, and young enough. */
  isFresh(at: number): boolean {
    return at >= this.#notBefore && this.#now() - at <= this.#maxStalenessMs;
  }

  /**
   * Makes sure the client's batches were read no longer than `maxStalenessMs`
   * ago, after `readAfter`, and after `notBefore` (a request whose fate a
   * read must tell), reading them again if not. Resolves with when
   * the read that serves was begun (on the `now` scale), or why it failed.
   */
  async fresh(clientId: string, notBefore = Number.NEGATIVE_INFINITY): Promise<ReadFailure | { readonly at: number }> {
    const key = clientId.toLowerCase();
    const last = this.#reads.get(key);
    if (last !== undefined && this.isFresh(last.at) && last.at >= notBefore) return { at: last.at };
    let rereading = this.#rereading.get(key);
    if (rereading === undefined) {
      rereading = this.#read(clientId).finally(() => this.#rereading.delete(key));
      this.#rereading.set(key, rereading);
    }
    return rereading;
  }

  async #read(clientId: string): Promise<ReadFailure | { readonly at: number }> {
    const at = this.#now();
    const result = await readClientBatches(this.#executor, clientId);
    if (result.kind === 'done' || result.kind === 'failed') this.requests += result.attempts;
    if (result.kind === 'not-sent') return { clientId, error: new ApiError('aborted', result.reason) };
    if (result.kind === 'failed') return { clientId, error: result.error };
    // Reads have no guard: nothing withholds them.
    if (result.kind !== 'done') throw new Error('a read was withheld');
    const read = ++this.#sequence;
    const client = clientId.toLowerCase();
    for (const batch of result.value) {
      if (!this.#keep(batch.id)) continue;
      const kept: LiveBatch = {
        id: batch.id,
        name: batch.name,
        expiresOn: batch.expiresOn,
        currentBalance: batch.currentBalance,
        allocatedCredits: batch.allocatedCredits,
        updatedAt: batch.updatedAt,
        creditAccountId: batch.creditAccountId,
        clientId: batch.clientId === undefined || batch.clientId.toLowerCase() === client ? clientId : batch.clientId,
        status: statusOf(batch.status),
      };
      this.#batches.set(batch.id.toLowerCase(), { batch: kept, client, read });
    }
    this.#reads.set(client, { read, at });
    return { at };
  }
}

/** Each status as one string, however many batches hold it: a million batches share a few words. */
const STATUSES = new Map<string, string>();

function statusOf(status: string | undefined): string | undefined {
  if (typeof status !== 'string') return undefined;
  const known = STATUSES.get(status);
  if (known !== undefined) return known;
  // A status is a word of the API's; an answer inventing a new one for every batch is not kept in memory forever.
  if (STATUSES.size < 64) STATUSES.set(status, status);
  return status;
}

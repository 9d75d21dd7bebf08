import type { ListedBatch } from '../../core/credit-batch.js';

/**
 * What is kept of a live credit batch: the values a row can change or be
 * checked against (each absent when the API did not give it), and its
 * client. The API's other fields (status, dates, account) would more than
 * double the memory a million batches take.
 */
export type LiveBatch = Pick<ListedBatch, 'id' | 'name' | 'expiresOn' | 'currentBalance' | 'allocatedCredits' | 'clientId'>;
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
  readonly #rereading = new Map<string, Promise<ReadFailure | undefined>>();
  #sequence = 0;
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
        failure ??= await this.#read(client);
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

  /** Makes sure the client's batches were read no longer than `maxStalenessMs` ago, reading them again if not. */
  async fresh(clientId: string): Promise<ReadFailure | undefined> {
    const key = clientId.toLowerCase();
    const last = this.#reads.get(key);
    if (last !== undefined && this.#now() - last.at <= this.#maxStalenessMs) return undefined;
    let rereading = this.#rereading.get(key);
    if (rereading === undefined) {
      rereading = this.#read(clientId).finally(() => this.#rereading.delete(key));
      this.#rereading.set(key, rereading);
    }
    return rereading;
  }

  async #read(clientId: string): Promise<ReadFailure | undefined> {
    const at = this.#now();
    const result = await readClientBatches(this.#executor, clientId);
    if (result.kind === 'done' || result.kind === 'failed') this.requests += result.attempts;
    if (result.kind === 'not-sent') return { clientId, error: new ApiError('aborted', result.reason) };
    if (result.kind === 'failed') return { clientId, error: result.error };
    if (result.kind !== 'done') return undefined;
    const read = ++this.#sequence;
    const client = clientId.toLowerCase();
    for (const batch of result.value) {
      if (!this.#keep(batch.id)) continue;
      const kept: { -readonly [K in keyof LiveBatch]: LiveBatch[K] } = { id: batch.id, allocatedCredits: batch.allocatedCredits, clientId: batch.clientId === undefined || batch.clientId.toLowerCase() === client ? clientId : batch.clientId };
      // A value the API did not give stays absent: never read as one.
      if (batch.name !== undefined) kept.name = batch.name;
      if (batch.expiresOn !== undefined) kept.expiresOn = batch.expiresOn;
      if (batch.currentBalance !== undefined) kept.currentBalance = batch.currentBalance;
      this.#batches.set(batch.id.toLowerCase(), { batch: kept, client, read });
    }
    this.#reads.set(client, { read, at });
    return undefined;
  }
}

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreditBatch, CreditBatchUpdate } from '../core/credit-batch.js';
import { failure } from '../core/words.js';
import { MOCK_WORDS } from '../core/words/mock.js';
import { CreditLedger } from './ledger.js';

/** A client as the mock's client list shows it. */
export interface MockClient {
  readonly id: string;
  readonly name: string;
}

/** Items in order, read a slice at a time; an array is one. */
export interface Listing<T> {
  readonly length: number;
  slice(start: number, end: number): T[];
}

/**
 * The keys of one list's batches, put in list order only when the list is read
 * after a batch was added. A batch added is pushed onto the end and sorting
 * makes a new array, so the first n keys of an array once handed out never
 * change: a listing keeps the array and its length instead of a copy.
 */
interface ListIndex {
  keys: string[];
  sorted: boolean;
}

/** The mock's credit batches, in memory. */
export class CreditBatchStore {
  readonly #batches = new Map<string, CreditBatch>();
  /**
   * The batches of each client, and of each client's credit account, by
   * lower-case ids. An update never changes a batch's clientId,
   * creditAccountId, createdAt or id, so a list, once sorted, holds until a
   * batch is added: a page costs its own size, not a pass over the client's
   * batches.
   */
  readonly #lists = new Map<string, ListIndex>();
  /** Each client's id as the first of its batches spells it, by lower-case id. */
  readonly #clientIds = new Map<string, string>();
  /** Client names a seed gives (a batch's `clientName`), by lower-case id. */
  readonly #clientNames = new Map<string, string>();
  /** When set, an unknown id is created by its first update instead of answering 404. */
  readonly autoCreate: boolean;
  /** Every redemption and every credit given, as the API's credit ledger records them. */
  readonly ledger = new CreditLedger();
  /**
   * The last moment an event was stamped with, in ms. Each event (an update,
   * a redemption, credits given) is stamped at least 1 ms after the one
   * before, and after every time the seed holds, so that the server's times
   * order its events as they happened: a redemption just before a read, or
   * just after a write, is told apart from one between them by its time, as
   * the API's reconciliation needs. It keeps to the wall clock while events
   * come fewer than 1,000 a second.
   */
  #clock = Number.NEGATIVE_INFINITY;

  constructor(seed: readonly SeedBatch[] = [], options: { autoCreate?: boolean } = {}) {
    this.autoCreate = options.autoCreate ?? false;
    for (const batch of seed) {
      if (typeof batch.id !== 'string') throw failure(MOCK_WORDS, 'TIC-MOCK-SEED-NO-ID', {});
      if (typeof batch.clientName === 'string' && typeof batch.clientId === 'string') this.#clientNames.set(batch.clientId.toLowerCase(), batch.clientName);
      // Two batches of one id would leave the lists unable to say which one the API holds.
      if (this.get(batch.id) !== undefined) throw failure(MOCK_WORDS, 'TIC-MOCK-SEED-DUPLICATE', { id: batch.id });
      const added = complete(batch.id, batch);
      this.#add(added);
      const updatedAt = Date.parse(added.updatedAt);
      if (updatedAt > this.#clock) this.#clock = updatedAt;
    }
  }

  get(id: string): CreditBatch | undefined {
    return this.#batches.get(id.toLowerCase());
  }

  /** Applies an update already checked by the server; undefined when the id is unknown and not auto-created. */
  update(id: string, change: CreditBatchUpdate, now: Date): CreditBatch | undefined {
    const existing = this.get(id);
    if (existing === undefined && !this.autoCreate) return undefined;
    const at = this.#stamp(now);
    const base = existing ?? complete(id, {}, now);
    const updated: CreditBatch = { ...base, ...change, updatedAt: at };
    if (updated.status !== 'archived') updated.status = Date.parse(updated.expiresOn) < Date.parse(at) ? 'expired' : 'active';
    if (existing === undefined) this.#add(updated);
    else this.#batches.set(id.toLowerCase(), updated);
    return updated;
  }

  /**
   * A learner's redemption: lowers the balance by `credits` (never below 0)
   * and bumps updatedAt, whatever the batch's status, so that a test may
   * change a batch behind the client's back at the moment it chooses. The
   * credits taken are recorded in the ledger as a debit with the batch as its
   * source. Undefined when the id is unknown.
   */
  redeem(id: string, credits: number, now: Date): CreditBatch | undefined {
    if (!Number.isSafeInteger(credits) || credits < 0) throw new RangeError(`credits to redeem must be a whole number of 0 or more, not ${credits}`);
    const existing = this.get(id);
    if (existing === undefined) return undefined;
    const at = this.#stamp(now);
    const redeemed: CreditBatch = { ...existing, currentBalance: Math.max(0, existing.currentBalance - credits), updatedAt: at };
    this.#batches.set(id.toLowerCase(), redeemed);
    const taken = existing.currentBalance - redeemed.currentBalance;
    if (taken > 0) this.ledger.recordRedemption(existing, taken, existing.currentBalance, at);
    return redeemed;
  }

  /**
   * Credits given to a batch from its credit account (a redemption refunded,
   * an allocation): raises the balance by `credits` and bumps updatedAt,
   * recorded in the ledger as a credit with the batch as its target. A test
   * hook, as `redeem` is. Undefined when the id is unknown.
   */
  credit(id: string, credits: number, now: Date): CreditBatch | undefined {
    if (!Number.isSafeInteger(credits) || credits < 1) throw new RangeError(`credits to give must be a whole number of 1 or more, not ${credits}`);
    const existing = this.get(id);
    if (existing === undefined) return undefined;
    const at = this.#stamp(now);
    const credited: CreditBatch = { ...existing, currentBalance: existing.currentBalance + credits, updatedAt: at };
    this.#batches.set(id.toLowerCase(), credited);
    this.ledger.recordCredit(existing, credits, existing.currentBalance, at);
    return credited;
  }

  /** A client's batches, optionally of one credit account, oldest first (createdAt, then id): the order the list endpoint pages through. */
  listByClient(clientId: string, creditAccountId?: string): CreditBatch[] {
    const listing = this.listingByClient(clientId, creditAccountId);
    return listing.slice(0, listing.length);
  }

  /** The same list, to be read a page at a time, as it stands now. */
  listingByClient(clientId: string, creditAccountId?: string): Listing<CreditBatch> {
    const list = this.#lists.get(listKey(clientId, creditAccountId));
    if (list === undefined) return [];
    if (!list.sorted) {
      const createdAt = new Map(list.keys.map((key) => [key, Date.parse(this.#batches.get(key)?.createdAt ?? '')]));
      list.keys = list.keys.toSorted((a, b) => (createdAt.get(a) ?? 0) - (createdAt.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
      list.sorted = true;
    }
    // Copying the keys for every page made a page cost the client's size: reading a client of 100,000 batches cost the mock quadratic time.
    const { keys } = list;
    const length = keys.length;
    return {
      length,
      slice: (start, end) => keys.slice(start, Math.min(end, length)).flatMap((key) => this.#batches.get(key) ?? []),
    };
  }

  /**
   * Every client that has a batch, by id. The store knows clients only
   * through their batches' clientIds: a client the seed names no name for
   * is named after its id.
   */
  clients(): MockClient[] {
    return [...this.#clientIds.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, id]) => ({ id, name: this.#clientNames.get(key) ?? `Client ${id.slice(0, 8)}` }));
  }

  get size(): number {
    return this.#batches.size;
  }

  all(): CreditBatch[] {
    return [...this.#batches.values()];
  }

  /** `now`, or 1 ms after the last event if that is not later: the time of a new event. */
  #stamp(now: Date): string {
    this.#clock = Math.max(now.getTime(), this.#clock + 1);
    return new Date(this.#clock).toISOString();
  }

  #add(batch: CreditBatch): void {
    const key = batch.id.toLowerCase();
    this.#batches.set(key, batch);
    if (!this.#clientIds.has(batch.clientId.toLowerCase())) this.#clientIds.set(batch.clientId.toLowerCase(), batch.clientId);
    for (const name of [listKey(batch.clientId), listKey(batch.clientId, batch.creditAccountId)]) {
      const list = this.#lists.get(name);
      if (list === undefined) this.#lists.set(name, { keys: [key], sorted: true });
      else {
        list.keys.push(key);
        list.sorted = false;
      }
    }
  }
}

/** A credit batch of a seed, which may name its client as the client list shows it. */
export type SeedBatch = Partial<CreditBatch> & { readonly clientName?: string };

/** Which list: a client's, or one of its credit accounts'. */
function listKey(clientId: string, creditAccountId?: string): string {
  return creditAccountId === undefined ? clientId.toLowerCase() : `${clientId.toLowerCase()}\u0000${creditAccountId.toLowerCase()}`;
}

function complete(id: string, batch: Partial<CreditBatch>, now = new Date('2026-01-01T00:00:00.000Z')): CreditBatch {
  const balance = batch.currentBalance ?? 100;
  return {
    id,
    name: batch.name ?? `Credit batch ${id.slice(0, 8)}`,
    expiresOn: batch.expiresOn ?? '2027-12-31T23:59:59.000Z',
    startingBalance: batch.startingBalance ?? balance,
    currentBalance: balance,
    clientId: batch.clientId ?? randomUUID(),
    status: batch.status ?? 'active',
    createdAt: batch.createdAt ?? now.toISOString(),
    updatedAt: batch.updatedAt ?? now.toISOString(),
    creditAccountId: batch.creditAccountId ?? randomUUID(),
    allocatedCredits: batch.allocatedCredits ?? 0,
  };
}

/** Reads a seed file: a JSON array of credit batches, each with at least an id, and optionally its client's name (`clientName`). */
export async function loadSeed(path: string): Promise<SeedBatch[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw failure(MOCK_WORDS, 'TIC-MOCK-SEED-UNREADABLE', { path, detail: (error as Error).message });
  }
  if (!Array.isArray(parsed)) throw failure(MOCK_WORDS, 'TIC-MOCK-SEED-NOT-ARRAY', { path });
  return parsed as SeedBatch[];
}

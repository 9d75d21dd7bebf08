import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreditBatch, CreditBatchUpdate } from '../core/credit-batch.js';
import { TiError } from '../core/errors.js';

/** The mock's credit batches, in memory. */
export class CreditBatchStore {
  readonly #batches = new Map<string, CreditBatch>();
  /** When set, an unknown id is created by its first update instead of answering 404. */
  readonly autoCreate: boolean;

  constructor(seed: readonly Partial<CreditBatch>[] = [], options: { autoCreate?: boolean } = {}) {
    this.autoCreate = options.autoCreate ?? false;
    for (const batch of seed) {
      if (typeof batch.id !== 'string') throw new TiError('invalid', 'every credit batch in the mock seed needs an id');
      this.#batches.set(batch.id.toLowerCase(), complete(batch.id, batch));
    }
  }

  get(id: string): CreditBatch | undefined {
    return this.#batches.get(id.toLowerCase());
  }

  /** Applies an update already checked by the server; undefined when the id is unknown and not auto-created. */
  update(id: string, change: CreditBatchUpdate, now: Date): CreditBatch | undefined {
    const existing = this.get(id) ?? (this.autoCreate ? complete(id, {}, now) : undefined);
    if (existing === undefined) return undefined;
    const updated: CreditBatch = { ...existing, ...change, updatedAt: now.toISOString() };
    if (updated.status !== 'archived') updated.status = Date.parse(updated.expiresOn) < now.getTime() ? 'expired' : 'active';
    this.#batches.set(id.toLowerCase(), updated);
    return updated;
  }

  get size(): number {
    return this.#batches.size;
  }

  all(): CreditBatch[] {
    return [...this.#batches.values()];
  }
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

/** Reads a seed file: a JSON array of credit batches, each with at least an id. */
export async function loadSeed(path: string): Promise<Partial<CreditBatch>[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TiError('invalid', `the mock seed ${path} cannot be read: ${(error as Error).message}`, { hint: 'Give a JSON file holding an array of credit batches.' });
  }
  if (!Array.isArray(parsed)) throw new TiError('invalid', `the mock seed ${path} is not a JSON array of credit batches`);
  return parsed as Partial<CreditBatch>[];
}

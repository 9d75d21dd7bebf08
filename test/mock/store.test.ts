import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import { CreditBatchStore, loadSeed } from '../../src/mock/store.js';

const CLIENT = 'c0000000-0000-4000-8000-000000000001';
const OTHER = 'c0000000-0000-4000-8000-000000000002';
const ACCOUNT = 'a0000000-0000-4000-8000-000000000001';

function batch(id: string, clientId: string, createdAt: string, extra: Partial<CreditBatch> = {}): Partial<CreditBatch> {
  return { id, clientId, createdAt, creditAccountId: ACCOUNT, ...extra };
}

describe('mock store lists', () => {
  const store = new CreditBatchStore([
    batch('00000000-0000-4000-8000-00000000000c', CLIENT, '2026-03-01T00:00:00.000Z'),
    batch('00000000-0000-4000-8000-00000000000b', CLIENT, '2026-01-01T00:00:00.000Z', { creditAccountId: 'A0000000-0000-4000-8000-00000000000F' }),
    batch('00000000-0000-4000-8000-00000000000a', CLIENT, '2026-03-01T00:00:00.000Z'),
    batch('00000000-0000-4000-8000-00000000000d', OTHER, '2025-01-01T00:00:00.000Z'),
  ]);

  it("lists a client's batches oldest first, by id among those made at the same moment, whatever the clientId's case", () => {
    assert.deepEqual(
      store.listByClient(CLIENT.toUpperCase()).map((b) => b.id.slice(-1)),
      ['b', 'a', 'c'],
    );
    assert.deepEqual(
      store.listByClient(OTHER).map((b) => b.id.slice(-1)),
      ['d'],
    );
    assert.deepEqual(store.listByClient('c0000000-0000-4000-8000-000000000009'), []);
  });

  it('filters by credit account, in any case', () => {
    assert.deepEqual(
      store.listByClient(CLIENT, ACCOUNT).map((b) => b.id.slice(-1)),
      ['a', 'c'],
    );
    assert.deepEqual(
      store.listByClient(CLIENT, 'a0000000-0000-4000-8000-00000000000f').map((b) => b.id.slice(-1)),
      ['b'],
    );
  });

  it('puts a batch created by an update in its place, and lists the values updates left', () => {
    const local = new CreditBatchStore([batch('00000000-0000-4000-8000-000000000002', CLIENT, '2026-01-01T00:00:00.000Z')], { autoCreate: true });
    const created = local.update('00000000-0000-4000-8000-000000000001', { currentBalance: 5 }, new Date('2026-06-01T00:00:00.000Z'));
    assert.ok(created !== undefined);
    local.update('00000000-0000-4000-8000-000000000002', { currentBalance: 9 }, new Date('2026-06-02T00:00:00.000Z'));
    assert.deepEqual(
      local.listByClient(CLIENT).map((b) => [b.id.slice(-1), b.currentBalance]),
      [['2', 9]],
    );
    assert.deepEqual(
      local.listByClient(created.clientId).map((b) => [b.id.slice(-1), b.currentBalance]),
      [['1', 5]],
    );
  });

  it('reads a list a slice at a time, with the values the batches hold when the slice is read', () => {
    const local = new CreditBatchStore(['3', '1', '2'].map((n) => batch(`00000000-0000-4000-8000-00000000000${n}`, CLIENT, `2026-0${n}-01T00:00:00.000Z`)));
    const listing = local.listingByClient(CLIENT, ACCOUNT.toUpperCase());
    local.redeem('00000000-0000-4000-8000-000000000002', 40, new Date('2026-06-01T00:00:00.000Z'));
    assert.equal(listing.length, 3);
    assert.deepEqual(
      listing.slice(1, 3).map((b) => [b.id.slice(-1), b.currentBalance]),
      [
        ['2', 60],
        ['3', 100],
      ],
    );
    assert.deepEqual(local.listingByClient(OTHER), []);
  });

  it('derives the clients from the batches: each once, by id, named after it', () => {
    assert.deepEqual(store.clients(), [
      { id: CLIENT, name: 'Client c0000000' },
      { id: OTHER, name: 'Client c0000000' },
    ]);
    assert.deepEqual(new CreditBatchStore().clients(), []);
  });

  it('refuses a seed holding an id twice', () => {
    assert.throws(() => new CreditBatchStore([{ id: 'x' }, { id: 'X' }]), { code: 'TIC-MOCK-SEED-DUPLICATE', message: /holds credit batch X more than once/ });
  });
});

describe('mock store redemptions', () => {
  const ID = '00000000-0000-4000-8000-000000000001';

  it('lowers one balance, never below 0, and bumps updatedAt', () => {
    const store = new CreditBatchStore([{ id: ID, currentBalance: 10, startingBalance: 50, allocatedCredits: 3, updatedAt: '2026-01-01T00:00:00.000Z' }]);
    const after = store.redeem(ID.toUpperCase(), 4, new Date('2026-05-01T12:00:00.000Z'));
    assert.deepEqual([after?.currentBalance, after?.updatedAt], [6, '2026-05-01T12:00:00.000Z']);
    assert.equal(store.get(ID)?.currentBalance, 6);
    assert.equal(store.redeem(ID, 100, new Date('2026-05-02T00:00:00.000Z'))?.currentBalance, 0);
    assert.deepEqual([store.get(ID)?.startingBalance, store.get(ID)?.allocatedCredits], [50, 3]);
  });

  it('answers undefined for an unknown id, and refuses a credit count that is not a whole number of 0 or more', () => {
    const store = new CreditBatchStore([{ id: ID }]);
    assert.equal(store.redeem('00000000-0000-4000-8000-000000000009', 1, new Date()), undefined);
    assert.throws(() => store.redeem(ID, -1, new Date()), RangeError);
    assert.throws(() => store.redeem(ID, 1.5, new Date()), RangeError);
  });
});

describe('the sample seed', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));

  it('holds the batches the sample files name: 12, of 3 clients with 4 each, consistent balances', async () => {
    const seed = await loadSeed(`${root}fixtures/sample-seed.json`);
    const store = new CreditBatchStore(seed);
    const sampleIds = (parse(await readFile(`${root}fixtures/sample.csv`), { columns: true }) as { id: string }[]).map((row) => row.id);
    const rolloverIds = (parse(await readFile(`${root}fixtures/rollover.csv`), { columns: true }) as { id: string }[]).map((row) => row.id);
    assert.deepEqual(
      store.all().map((b) => b.id),
      sampleIds,
    );
    assert.ok(rolloverIds.every((id) => store.get(id) !== undefined));
    assert.deepEqual(
      store.clients().map((client) => store.listByClient(client.id).length),
      [4, 4, 4],
    );
    assert.ok(new Set(store.all().map((b) => b.creditAccountId)).size >= 3);
    for (const b of store.all()) {
      assert.ok(b.allocatedCredits <= b.startingBalance && b.currentBalance <= b.startingBalance, b.id);
      // The status each batch had when it last changed.
      assert.equal(b.status, Date.parse(b.expiresOn) < Date.parse(b.updatedAt) ? 'expired' : 'active', b.id);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdTable } from '../../src/pipeline/live/id-table.js';
import type { LiveBatch } from '../../src/pipeline/live/live-batches.js';
import { Interned } from '../../src/pipeline/live/interned.js';
import { LiveStore } from '../../src/pipeline/live/live-store.js';

const uuid = (index: number): string => `3f2a9c1e-5b7d-4e8f-9a0b-${index.toString(16).padStart(12, '0')}`;

/** Batches holding every kind of value the store keeps apart: absent fields, texts beyond Latin-1, moments in and out of toISOString's form. */
const AWKWARD: readonly LiveBatch[] = [
  { clientId: 'c1' },
  {
    clientId: 'c1',
    name: '',
    expiresOn: '2027-03-31T23:59:59.000Z',
    currentBalance: 0,
    allocatedCredits: 0,
    updatedAt: '2026-12-05T10:00:00.123Z',
    creditAccountId: 'a1',
    status: 'active',
  },
  {
    clientId: 'C1',
    name: 'Crédit ✓ 名前 \u{1F600}',
    expiresOn: '2027-03-31T23:59:59Z',
    currentBalance: 9_007_199_254_740_991,
    updatedAt: '2026-12-05T10:00:00.123456789Z',
  },
  { clientId: 'c2', name: `lone ${'\ud800'} surrogate`, expiresOn: '2027-02-29T00:00:00.000Z', allocatedCredits: 12, status: 'expired' },
  { clientId: 'c2', name: 'Ünïcode in Latin-1 ÿ', expiresOn: '+275760-09-13T00:00:00.000Z', updatedAt: '0999-12-31T23:59:59.999Z' },
  { clientId: 'c2', name: 'x'.repeat(70_000), expiresOn: '2024-02-29T24:00:00.000Z', currentBalance: 5, updatedAt: '2026-13-01T00:00:00.000Z' },
  { clientId: 'c3', expiresOn: 'not a date at all', updatedAt: '2026-12-05T10:00:00.000+01:00', creditAccountId: 'A1', status: '' },
  { clientId: 'c4', currentBalance: -0, allocatedCredits: 4_294_967_296 },
  { clientId: 'c4', currentBalance: 4_294_967_295, allocatedCredits: 2.5 },
];

describe('the live values kept in columns (LiveStore)', () => {
  it('gives back every batch exactly as stored, field for field, absent fields absent', () => {
    const store = new LiveStore();
    AWKWARD.forEach((batch, index) => store.set(uuid(index), batch, index + 1, 2000 - index));
    AWKWARD.forEach((batch, index) => {
      const entry = store.find(uuid(index));
      assert.ok(entry >= 0);
      assert.deepEqual(store.batchOf(entry), batch, `batch ${index}`);
      assert.equal(store.readOf(entry), index + 1);
      assert.equal(store.pageOf(entry), 2000 - index);
    });
    assert.equal(store.size, AWKWARD.length);
  });

  it('numbers the first 256 statuses and keeps any further one as text, each given back as stored', () => {
    const interned = new Interned();
    const store = new LiveStore(interned);
    const statuses = Array.from({ length: 300 }, (_, index) => (index % 2 === 0 ? `status ${index}` : `état ✓ ${index}`));
    statuses.forEach((status, index) => store.set(uuid(index), { clientId: 'c', name: `n${index}`, updatedAt: 'when', status }, 1, 0));
    assert.equal(interned.statusNumber('another'), undefined);
    statuses.forEach((status, index) =>
      assert.deepEqual(store.batchOf(store.find(uuid(index))), { clientId: 'c', name: `n${index}`, updatedAt: 'when', status }),
    );
    const read = new LiveStore(interned);
    read.set(uuid(0), { clientId: 'c', status: statuses[299] as string }, 2, 0);
    read.set(uuid(1), { clientId: 'c', status: statuses[3] as string }, 2, 0);
    store.merge(read);
    assert.deepEqual(
      [store.batchOf(store.find(uuid(0))), store.batchOf(store.find(uuid(1)))],
      [
        { clientId: 'c', status: statuses[299] },
        { clientId: 'c', status: statuses[3] },
      ],
    );
  });

  it('refuses a page beyond those a list may have', () => {
    assert.throws(() => new LiveStore().set(uuid(1), { clientId: 'c' }, 1, 65_536), /beyond the pages/);
  });

  it('finds an id whatever its letter case, and tells an id never stored', () => {
    const store = new LiveStore();
    const id = 'ABCDEF01-2345-4678-9ABC-DEF012345678';
    store.set(id, { clientId: 'c1', currentBalance: 3 }, 1, 0);
    assert.equal(store.find(id.toLowerCase()), store.find(id));
    assert.equal(store.find(uuid(1)), -1);
  });

  it('keeps ids of any other shape too, letter case aside', () => {
    const store = new LiveStore();
    store.set('Batch-7', { clientId: 'c1', name: 'seven' }, 1, 0);
    store.set(uuid(7), { clientId: 'c1', name: 'uuid seven' }, 1, 0);
    assert.deepEqual(store.batchOf(store.find('batch-7')), { clientId: 'c1', name: 'seven' });
    assert.deepEqual(store.batchOf(store.find(uuid(7))), { clientId: 'c1', name: 'uuid seven' });
  });

  it('replaces a batch stored again, its texts longer or shorter, and stays exact through the texts being compacted', () => {
    const store = new LiveStore();
    const count = 3_000;
    const expected = new Map<string, LiveBatch>();
    for (let round = 0; round < 6; round++) {
      for (let index = 0; index < count; index++) {
        // Names grow and shrink from round to round: most are moved, the rest written in place; 2 MB of garbage compacts.
        const batch: LiveBatch = { clientId: `c${index % 4}`, name: `${'n'.repeat(((index + round * 37) % 400) + 1)}${round}`, currentBalance: index * round };
        store.set(uuid(index), batch, round, round);
        expected.set(uuid(index), batch);
      }
    }
    assert.equal(store.size, count);
    for (const [id, batch] of expected) assert.deepEqual(store.batchOf(store.find(id)), batch);
  });

  it('keeps a balance beyond its column apart, and forgets it once replaced', () => {
    const store = new LiveStore();
    store.set(uuid(1), { clientId: 'c', currentBalance: 2 ** 40, allocatedCredits: 2 ** 33 }, 1, 0);
    store.set(uuid(1), { clientId: 'c', currentBalance: 7 }, 2, 0);
    assert.deepEqual(store.batchOf(store.find(uuid(1))), { clientId: 'c', currentBalance: 7 });
    store.set(uuid(1), { clientId: 'c', allocatedCredits: 2 ** 33 }, 3, 0);
    assert.deepEqual(store.batchOf(store.find(uuid(1))), { clientId: 'c', allocatedCredits: 2 ** 33 });
  });

  it('adds a batch only when nothing is stored of its id', () => {
    const store = new LiveStore();
    assert.equal(store.add(uuid(1), { clientId: 'c', name: 'first' }, 1, 0), true);
    assert.equal(store.add(uuid(1).toUpperCase(), { clientId: 'c', name: 'second' }, 2, 0), false);
    assert.deepEqual([store.batchOf(store.find(uuid(1))), store.readOf(store.find(uuid(1)))], [{ clientId: 'c', name: 'first' }, 1]);
  });

  it('grows past the room made at first', () => {
    const store = new LiveStore(new Interned(), 10);
    for (let index = 0; index < 5_000; index++) store.set(uuid(index), { clientId: 'c', currentBalance: index, name: `b${index}` }, 1, index);
    for (let index = 0; index < 5_000; index++)
      assert.deepEqual(store.batchOf(store.find(uuid(index))), { clientId: 'c', currentBalance: index, name: `b${index}` });
  });

  it('merges a read gathered apart over what it holds, the rest untouched', () => {
    const interned = new Interned();
    const store = new LiveStore(interned);
    for (let index = 0; index < 10; index++) store.set(uuid(index), { clientId: 'c', name: `old ${index}`, currentBalance: index }, 1, 1);
    const read = new LiveStore(interned);
    for (let index = 5; index < 15; index++)
      read.set(
        uuid(index),
        { clientId: 'c', name: `new ${'é'.repeat(index)} ✓`, expiresOn: '2028-01-01T00:00:00.000Z', currentBalance: 2 ** 40 + index },
        2,
        2,
      );
    store.merge(read);
    assert.equal(store.size, 15);
    for (let index = 0; index < 15; index++) {
      const entry = store.find(uuid(index));
      if (index < 5) assert.deepEqual([store.batchOf(entry), store.readOf(entry)], [{ clientId: 'c', name: `old ${index}`, currentBalance: index }, 1]);
      else
        assert.deepEqual(
          [store.batchOf(entry), store.readOf(entry)],
          [{ clientId: 'c', name: `new ${'é'.repeat(index)} ✓`, expiresOn: '2028-01-01T00:00:00.000Z', currentBalance: 2 ** 40 + index }, 2],
        );
    }
  });
});

describe('ids to numbers (IdTable)', () => {
  it('numbers ids in the order first added, one number per id whatever its case, across growth', () => {
    const table = new IdTable(4);
    for (let index = 0; index < 20_000; index++) assert.equal(table.add(uuid(index * 7919)), index);
    for (let index = 0; index < 20_000; index++) assert.equal(table.add(uuid(index * 7919).toUpperCase()), index);
    assert.equal(table.size, 20_000);
    assert.equal(table.find(uuid(1)), -1);
  });

  it('tells ids apart that differ in a single bit, and adopts another table’s ids', () => {
    const table = new IdTable();
    const ids = [
      '00000000-0000-4000-8000-000000000000',
      '00000000-0000-4000-8000-000000000001',
      '80000000-0000-4000-8000-000000000000',
      '00000000-0000-4000-8000-100000000000',
      'not-a-uuid',
    ];
    ids.forEach((id, index) => assert.equal(table.add(id), index));
    const other = new IdTable();
    other.add(uuid(99));
    ids.forEach((_, index) => assert.equal(other.adopt(table, index), index + 1));
    ids.forEach((id, index) => assert.equal(other.find(id), index + 1));
  });
});

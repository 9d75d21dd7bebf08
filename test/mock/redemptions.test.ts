import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import { mulberry32 } from '../../src/mock/faults.js';
import { Redemptions } from '../../src/mock/redemptions.js';
import { startMockApi, type MockRequest } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { call, clientBatches, listPath } from './http.js';

const CLIENT = 'aaaaaaaa-0000-4000-8000-000000000001';
const FUTURE = '2099-12-31T23:59:59.000Z';

/** Four batches: two a learner can redeem from (balances 50 and 30), one archived, one at 0. */
function store(): CreditBatchStore {
  return new CreditBatchStore(
    clientBatches(CLIENT, 4, (index) => ({ expiresOn: FUTURE, currentBalance: [50, 30, 80, 0][index] ?? 0, status: index === 2 ? 'archived' : 'active' })),
  );
}

const balances = (batches: readonly CreditBatch[]): number[] => batches.map((batch) => batch.currentBalance);
const sum = (batches: readonly CreditBatch[]): number => batches.reduce((total, batch) => total + batch.currentBalance, 0);

describe('learner redemptions', () => {
  it('redeem the credits due at the rate, one at a time, from active batches with credits left', () => {
    const local = store();
    // After the seed's times: the store stamps no event earlier than a time it already holds.
    let now = Date.parse('2026-05-01T00:00:00.000Z');
    const redemptions = new Redemptions(local, 60, mulberry32(1), () => now);
    assert.equal(redemptions.redeemDue(), 0);
    now += 999;
    assert.equal(redemptions.redeemDue(), 0);
    now += 1;
    assert.equal(redemptions.redeemDue(), 1);
    now += 9_500;
    // 10.5 s in all at one a second: 10 due, 1 already redeemed; the half credit waits for the next call.
    assert.equal(redemptions.redeemDue(), 9);
    now += 500;
    assert.equal(redemptions.redeemDue(), 1);
    assert.equal(sum(local.all()), 160 - 11);
    const [first, second, archived, empty] = local.all();
    assert.ok((first?.currentBalance ?? 0) < 50 && (second?.currentBalance ?? 0) < 30, 'both open batches were redeemed from');
    assert.deepEqual([archived?.currentBalance, empty?.currentBalance, empty?.updatedAt], [80, 0, '2026-01-01T00:00:00.000Z']);
    assert.equal(first?.updatedAt, new Date(now).toISOString());
  });

  it('empty every open batch and stop there; credits due while none has any are not owed later', () => {
    const local = store();
    let now = 0;
    const redemptions = new Redemptions(local, 6_000, mulberry32(7), () => now);
    now = 60_000;
    assert.equal(redemptions.redeemDue(), 80);
    assert.deepEqual(balances(local.all()), [0, 0, 80, 0]);
    local.update(local.all()[0]?.id ?? '', { currentBalance: 5 }, new Date(now));
    now += 10;
    assert.equal(redemptions.redeemDue(), 1);
    assert.deepEqual(balances(local.all()), [4, 0, 80, 0]);
  });

  it('leave expired batches alone, even those whose status is not yet expired', () => {
    const local = new CreditBatchStore([
      { id: 'past', currentBalance: 10, expiresOn: '2020-01-01T00:00:00.000Z', status: 'active' },
      { id: 'marked', currentBalance: 10, expiresOn: FUTURE, status: 'expired' },
    ]);
    let now = Date.parse('2026-06-01T00:00:00.000Z');
    const redemptions = new Redemptions(local, 60, mulberry32(1), () => now);
    now += 60_000;
    assert.equal(redemptions.redeemDue(), 0);
    assert.deepEqual(balances(local.all()), [10, 10]);
  });

  it('pick the same batches for the same seed', () => {
    const run = (seed: number): number[] => {
      const local = new CreditBatchStore(clientBatches(CLIENT, 10, () => ({ expiresOn: FUTURE, currentBalance: 100 })));
      let now = 0;
      const redemptions = new Redemptions(local, 600, mulberry32(seed), () => now);
      now = 6_000;
      redemptions.redeemDue();
      return balances(local.all());
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
    assert.equal(
      run(3).reduce((a, b) => a + b),
      1000 - 60,
    );
  });

  it('refuse a rate that is not above 0', () => {
    assert.throws(() => new Redemptions(store(), 0, mulberry32(1)), RangeError);
    assert.throws(() => new Redemptions(store(), Number.NaN, mulberry32(1)), RangeError);
  });

  it('run on the mock with redeemPerMinute, lowering balances the list then shows, and stop when it closes', { timeout: 10_000 }, async () => {
    const mock = await startMockApi({ store: store(), redeemPerMinute: 600_000 });
    const before = sum(mock.store.all());
    // 10,000 a second: the first ticks of the timer empty both open batches.
    while (sum(mock.store.all()) > 80) await sleep(20);
    const listed = (await call(mock.origin, listPath(CLIENT))).body.data.APICreditBatchesByClientAndCreditAccount.creditBatches;
    await mock.close();
    assert.deepEqual(balances(listed), [0, 0, 80, 0]);
    assert.equal(before - sum(mock.store.all()), 80);
    const settled = mock.store.all().map((batch) => batch.updatedAt);
    mock.store.update(mock.store.all()[0]?.id ?? '', { currentBalance: 10 }, new Date());
    await sleep(250);
    assert.equal(mock.store.all()[0]?.currentBalance, 10, 'no redemption after close');
    assert.deepEqual(
      mock.store
        .all()
        .slice(1)
        .map((batch) => batch.updatedAt),
      settled.slice(1),
    );
  });

  it('refuse on the mock a rate below 0, and a perPage that is not a whole number of 1 or more', async () => {
    await assert.rejects(startMockApi({ redeemPerMinute: -1 }), RangeError);
    await assert.rejects(startMockApi({ perPage: 0 }), RangeError);
    await assert.rejects(startMockApi({ perPage: 2.5 }), RangeError);
  });
});

describe('onRequest', () => {
  it('sees each request before it is handled, so that a test can redeem just before a given PUT is applied', async () => {
    const local = store();
    const [first, second] = local.all();
    const seen: [string, number | 'reset'][] = [];
    const onRequest = (request: MockRequest): void => {
      seen.push([request.method, request.answer]);
      if (request.id === second?.id) local.redeem(request.id ?? '', 7, new Date());
    };
    const mock = await startMockApi({ store: local, onRequest });
    try {
      const put = (id: string) => call(mock.origin, `/incoming/v2/clients/creditBatches/${id}`, { method: 'PUT', body: { name: 'Renamed' } });
      await put(first?.id ?? '');
      const answer = await put(second?.id ?? '');
      await call(mock.origin, listPath(CLIENT));
      // The redemption landed before the update: its answer carries the redeemed balance.
      assert.equal(answer.body.data.UpdateCreditBatch.currentBalance, 23);
      assert.equal(local.get(first?.id ?? '')?.currentBalance, 50);
      assert.deepEqual(seen, [
        ['PUT', 0],
        ['PUT', 0],
        ['GET', 0],
      ]);
    } finally {
      await mock.close();
    }
  });

  it('is called with the nth request, records kept or not', async () => {
    const local = store();
    const id = local.all()[0]?.id ?? '';
    let count = 0;
    const onRequest = (): void => {
      count += 1;
      if (count === 3) local.redeem(id, 50, new Date());
    };
    const mock = await startMockApi({ store: local, recordRequests: false, onRequest });
    try {
      const balance = async () =>
        (await call(mock.origin, listPath(CLIENT))).body.data.APICreditBatchesByClientAndCreditAccount.creditBatches[0].currentBalance;
      assert.deepEqual([await balance(), await balance(), await balance()], [50, 50, 0]);
      assert.deepEqual(mock.requests, []);
    } finally {
      await mock.close();
    }
  });
});

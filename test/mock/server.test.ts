import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FaultPlan } from '../../src/mock/faults.js';
import { MOCK_API_KEY, startMockApi, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';

const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const ARCHIVED = '00000000-0000-4000-8000-000000000001';
let mock: MockApi;
after(() => mock.close());

async function put(id: string, body: unknown, key = MOCK_API_KEY): Promise<{ status: number; body: any }> {
  if (mock === undefined) {
    mock = await startMockApi({
      store: new CreditBatchStore([
        { id: ID, currentBalance: 50 },
        { id: ARCHIVED, status: 'archived' },
      ]),
      forbiddenKeys: ['ti_test_ro'],
    });
  }
  const response = await fetch(`${mock.origin}/incoming/v2/clients/creditBatches/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('mock API', () => {
  it('updates a batch and answers with the documented shape', async () => {
    const { status, body } = await put(ID, { currentBalance: 7, name: 'New' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body.data.UpdateCreditBatch).sort(), [
      'allocatedCredits',
      'clientId',
      'createdAt',
      'creditAccountId',
      'currentBalance',
      'expiresOn',
      'id',
      'name',
      'startingBalance',
      'status',
      'updatedAt',
    ]);
    assert.equal(body.data.UpdateCreditBatch.currentBalance, 7);
    assert.equal(mock.store.get(ID)?.name, 'New');
  });
  it('answers 401 to a wrong key and 403 to a key without permission', async () => {
    assert.equal((await put(ID, { currentBalance: 1 }, 'nope')).status, 401);
    assert.equal((await put(ID, { currentBalance: 1 }, 'ti_test_ro')).status, 403);
    assert.equal(mock.store.get(ID)?.currentBalance, 7);
  });
  it('answers 404 for an unknown id, 409 for an archived batch', async () => {
    assert.equal((await put('11111111-1111-4111-8111-111111111111', { currentBalance: 1 })).status, 404);
    assert.equal((await put(ARCHIVED, { currentBalance: 1 })).status, 409);
  });
  it('answers 400 to a malformed body and 422 to values it rejects', async () => {
    assert.equal((await put(ID, '{nope')).status, 400);
    assert.equal((await put(ID, { balance: 1 })).status, 400);
    assert.equal((await put(ID, {})).status, 400);
    assert.equal((await put(ID, { currentBalance: -1 })).status, 422);
    assert.equal((await put(ID, { currentBalance: 1.5 })).status, 422);
    assert.equal((await put(ID, { expiresOn: '2027-03-31' })).status, 422);
    assert.equal((await put(ID, { name: '  ' })).status, 422);
    assert.equal(mock.store.get(ID)?.currentBalance, 7);
  });
  it('logs every request with its answer', () => {
    assert.deepEqual(
      mock.requests.map((request) => request.answer),
      [200, 401, 403, 404, 409, 400, 400, 400, 422, 422, 422, 422],
    );
  });
});

describe('mock faults', () => {
  it('injects scripted faults per id, then answers normally', async () => {
    const local = await startMockApi({
      store: new CreditBatchStore([], { autoCreate: true }),
      faults: { script: { [ID]: [{ kind: 'status', status: 503, headers: { 'retry-after': '2' } }, { kind: 'reset' }] } },
    });
    try {
      const send = () =>
        fetch(`${local.origin}/incoming/v2/clients/creditBatches/${ID}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${MOCK_API_KEY}` },
          body: '{"currentBalance":1}',
        });
      const first = await send();
      assert.equal(first.status, 503);
      assert.equal(first.headers.get('retry-after'), '2');
      await assert.rejects(send());
      assert.equal((await send()).status, 200);
      assert.deepEqual(
        local.requests.map((request) => request.answer),
        [503, 'reset', 200],
      );
    } finally {
      await local.close();
    }
  });
  it('injects random faults at the configured rate, the same for the same seed', async () => {
    const answers = async () => {
      const local = await startMockApi({ store: new CreditBatchStore([], { autoCreate: true }), faults: { errorRate: 0.3, randomSeed: 42 } });
      try {
        for (let i = 0; i < 200; i++) {
          await fetch(`${local.origin}/incoming/v2/clients/creditBatches/${ID}`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${MOCK_API_KEY}` },
            body: '{"currentBalance":1}',
          });
        }
        return local.requests.map((request) => request.answer);
      } finally {
        await local.close();
      }
    };
    const first = await answers();
    const errors = first.filter((answer) => answer !== 200).length;
    assert.ok(errors > 30 && errors < 90, `${errors} errors of 200`);
    assert.ok(first.every((answer) => [200, 500, 502, 503, 504].includes(answer as number)));
    assert.deepEqual(await answers(), first);
  });
  it('sends Retry-After with the random 5xx answers when told, and answers some requests late', () => {
    const plan = new FaultPlan({ errorRate: 1, errorStatuses: [503], errorRetryAfterSeconds: 3 });
    assert.deepEqual(plan.next(ID), {
      kind: 'status',
      status: 503,
      headers: { 'retry-after': '3' },
      body: { error: 'injected_fault', message: 'Injected 503' },
    });
    const slow = new FaultPlan({ slowRate: 1, slowMs: 5000 });
    assert.deepEqual(slow.next(ID), { kind: 'delay', ms: 5000 });
    const faults = new FaultPlan({ slowRate: 0.25, slowMs: 100, randomSeed: 7 });
    const late = Array.from({ length: 400 }, () => faults.next(ID)).filter((fault) => fault?.kind === 'delay').length;
    assert.ok(late > 60 && late < 140, `${late} of 400 answered late`);
  });
});

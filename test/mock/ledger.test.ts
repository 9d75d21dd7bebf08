import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/mock/faults.js';
import { Redemptions } from '../../src/mock/redemptions.js';
import type { MockApi, MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { call } from './http.js';
import { mockApiStarter } from '../helpers.js';

const CLIENT = 'aaaaaaaa-0000-4000-8000-000000000001';
const ACCOUNT = 'acc00000-0000-4000-8000-000000000001';
const OTHER_ACCOUNT = 'acc00000-0000-4000-8000-000000000002';
const [A, B] = ['b0000000-0000-4000-8000-00000000000a', 'b0000000-0000-4000-8000-00000000000b'];
const SEEDED_AT = '2026-01-01T00:00:00.000Z';
const FIELDS = [
  'id',
  'client',
  'action',
  'amount',
  'target',
  'targetType',
  'targetBalanceIn',
  'targetBalanceOut',
  'initiator',
  'initiatorType',
  'creditAccountName',
  'source',
  'sourceType',
  'sourceBalanceIn',
  'sourceBalanceOut',
  'timestamp',
  'updatedAt',
];

function store(): CreditBatchStore {
  return new CreditBatchStore([
    { id: A, clientId: CLIENT, creditAccountId: ACCOUNT, currentBalance: 100, expiresOn: '2099-01-01T00:00:00.000Z', updatedAt: SEEDED_AT },
    { id: B, clientId: CLIENT, creditAccountId: OTHER_ACCOUNT, currentBalance: 50, expiresOn: '2099-01-01T00:00:00.000Z', updatedAt: SEEDED_AT },
  ]);
}

const startMockApi = mockApiStarter();
async function mockOf(options: Omit<MockOptions, 'store'> = {}, local = store()): Promise<MockApi> {
  const mock = await startMockApi({ ...options, store: local });
  return mock;
}

const actionsPath = (query: Readonly<Record<string, string>>, clientId = CLIENT, account = ACCOUNT): string =>
  `/incoming/v2/clients/${clientId}/creditAccount/${account}/creditActions?${new URLSearchParams(query)}`;
const put = (mock: MockApi, id: string, body: unknown) => call(mock.origin, `/incoming/v2/clients/creditBatches/${id}`, { method: 'PUT', body });

describe('the mock credit ledger', () => {
  it('records a redemption as a debit in the documented shape: the batch its source, the credits, its balance in and out, the time its updatedAt', () => {
    const local = store();
    const after = local.redeem(A, 7, new Date('2026-05-01T12:00:00.000Z'));
    local.redeem(A, 0, new Date('2026-05-01T12:00:01.000Z'));
    const [action, ...rest] = local.ledger.actions(CLIENT, ACCOUNT, 'debit');
    assert.deepEqual(rest, [], 'redeeming nothing records nothing');
    assert.deepEqual(Object.keys(action ?? {}), FIELDS);
    assert.deepEqual(
      { ...action, id: typeof action?.id, target: typeof action?.target, initiator: typeof action?.initiator },
      {
        id: 'string',
        client: CLIENT,
        action: 'debit',
        amount: 7,
        target: 'string',
        targetType: 'user',
        targetBalanceIn: 0,
        targetBalanceOut: 7,
        initiator: 'string',
        initiatorType: 'user',
        creditAccountName: 'Credit account acc00000',
        source: A,
        sourceType: 'creditBatch',
        sourceBalanceIn: 100,
        sourceBalanceOut: 93,
        timestamp: after?.updatedAt,
        updatedAt: after?.updatedAt,
      },
    );
    assert.equal(after?.updatedAt, '2026-05-01T12:00:00.000Z');
  });

  it('records only the credits taken when a redemption meets a balance too low, and credits given as a credit with the batch as its target', () => {
    const local = store();
    local.redeem(B, 80, new Date('2026-05-01T12:00:00.000Z'));
    local.credit(B, 5, new Date('2026-05-01T12:00:00.000Z'));
    const [debit] = local.ledger.actions(CLIENT, OTHER_ACCOUNT, 'debit');
    const [credit] = local.ledger.actions(CLIENT, OTHER_ACCOUNT, 'credit');
    assert.deepEqual([debit?.amount, debit?.sourceBalanceIn, debit?.sourceBalanceOut], [50, 50, 0]);
    assert.deepEqual(
      [credit?.action, credit?.amount, credit?.target, credit?.targetType, credit?.targetBalanceIn, credit?.targetBalanceOut, credit?.source],
      ['credit', 5, B, 'creditBatch', 0, 5, OTHER_ACCOUNT],
    );
    assert.equal(local.get(B)?.currentBalance, 5);
    assert.deepEqual(local.ledger.actions(CLIENT, ACCOUNT, 'debit'), []);
  });

  it('records the redemptions of --redeem-rate', () => {
    const local = store();
    let now = Date.parse('2026-05-01T00:00:00.000Z');
    const redemptions = new Redemptions(local, 60, mulberry32(3), () => now);
    now += 5_000;
    assert.equal(redemptions.redeemDue(), 5);
    const debits = [...local.ledger.actions(CLIENT, ACCOUNT, 'debit'), ...local.ledger.actions(CLIENT, OTHER_ACCOUNT, 'debit')];
    assert.equal(
      debits.reduce((sum, action) => sum + action.amount, 0),
      5,
    );
    assert.equal(150 - (local.get(A)?.currentBalance ?? 0) - (local.get(B)?.currentBalance ?? 0), 5);
  });

  it('stamps every event at least 1 ms after the one before and after the seed, so that the order of events is the order of their times', () => {
    const local = store();
    const at = new Date('2026-05-01T12:00:00.000Z');
    const first = local.update(A, { name: 'x' }, at);
    const redeemed = local.redeem(A, 1, at);
    const second = local.update(A, { name: 'y' }, new Date('2026-04-01T00:00:00.000Z'));
    assert.deepEqual(
      [first?.updatedAt, redeemed?.updatedAt, second?.updatedAt],
      ['2026-05-01T12:00:00.000Z', '2026-05-01T12:00:00.001Z', '2026-05-01T12:00:00.002Z'],
    );
    const early = store();
    assert.equal(early.redeem(A, 1, new Date('2025-01-01T00:00:00.000Z'))?.updatedAt, '2026-01-01T00:00:00.001Z', 'never before a time the seed holds');
  });

  it('serves the ledger of one account and action type, paged, oldest first unless told otherwise', async () => {
    const local = store();
    for (let second = 0; second < 5; second++) local.redeem(A, second + 1, new Date(Date.UTC(2026, 4, 1, 12, 0, second)));
    local.redeem(B, 1, new Date('2026-05-01T13:00:00.000Z'));
    const mock = await mockOf({ perPage: 2 }, local);
    const amounts = async (query: Record<string, string>, account = ACCOUNT): Promise<{ amounts: number[]; pageInfo: unknown }> => {
      const { status, body } = await call(mock.origin, actionsPath({ clientId: CLIENT, ...query }, CLIENT, account));
      assert.equal(status, 200);
      const list = body.data.APICreditActionsByClientIdAndAccountIdAndActionType;
      assert.deepEqual(Object.keys(list), ['clientId', 'creditAccountId', 'creditActions', 'pageInfo']);
      return { amounts: list.creditActions.map((action: { amount: number }) => action.amount), pageInfo: list.pageInfo };
    };
    assert.deepEqual(await amounts({ actionType: 'debit' }), { amounts: [1, 2], pageInfo: { perPage: 2, cursor: '2', total: 5, hasMore: true } });
    assert.deepEqual(await amounts({ actionType: 'debit', page: '3' }), { amounts: [5], pageInfo: { perPage: 2, cursor: null, total: 5, hasMore: false } });
    assert.deepEqual(await amounts({ actionType: 'credit' }), { amounts: [], pageInfo: { perPage: 2, cursor: null, total: 0, hasMore: false } });
    assert.deepEqual((await amounts({ actionType: 'debit' }, OTHER_ACCOUNT)).amounts, [1]);
    assert.deepEqual(
      (await amounts({ actionType: 'debit' }, 'acc00000-0000-4000-8000-000000000009')).amounts,
      [],
      'an account the mock does not know has an empty ledger',
    );

    const newest = await mockOf({ perPage: 2, ledger: { order: 'newest-first', pageInfo: 'cursor-only' } }, local);
    const pages = [];
    for (const page of ['1', '2', '3'])
      pages.push(
        (await call(newest.origin, actionsPath({ clientId: CLIENT, actionType: 'debit', page }))).body.data.APICreditActionsByClientIdAndAccountIdAndActionType,
      );
    assert.deepEqual(
      pages.map((list) => list.creditActions.map((action: { amount: number }) => action.amount)),
      [[5, 4], [3, 2], [1]],
    );
    assert.deepEqual(
      pages.map((list) => list.pageInfo),
      [
        { cursor: '2', hasMore: true },
        { cursor: '3', hasMore: true },
        { cursor: null, hasMore: false },
      ],
    );
  });

  it('refuses a query without the documented parameters', async () => {
    const mock = await mockOf();
    const cases: [Record<string, string>, RegExp][] = [
      [{ actionType: 'debit' }, /clientId query parameter is required/],
      [{ clientId: 'bbbbbbbb-0000-4000-8000-000000000002', actionType: 'debit' }, /differs from the client in the path/],
      [{ clientId: CLIENT }, /actionType query parameter is required/],
      [{ clientId: CLIENT, actionType: 'refund' }, /actionType must be debit or credit, not "refund"/],
      [{ clientId: CLIENT, actionType: 'debit', page: '0' }, /page must be a whole number of 1 or more/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await call(mock.origin, actionsPath(query));
      assert.equal(status, 400, JSON.stringify(query));
      assert.match(body.message, message);
    }
    const twice = await call(mock.origin, `${actionsPath({ clientId: CLIENT, actionType: 'debit' })}&actionType=credit`);
    assert.match(twice.body.message, /actionType may be given only once/);
    assert.equal((await call(mock.origin, actionsPath({ clientId: CLIENT, actionType: 'debit' }), { method: 'PUT', body: {} })).status, 405);
  });

  it('answers 403 to a key without the permission: a forbidden key everywhere, or every key on a forbidden route alone', async () => {
    const forbidden = await mockOf({ forbiddenKeys: ['ti_test_ro'] });
    const denied = await call(forbidden.origin, actionsPath({ clientId: CLIENT, actionType: 'debit' }), { key: 'ti_test_ro' });
    assert.deepEqual([denied.status, denied.body.message], [403, 'This API key may not read credit actions']);
    assert.equal((await call(forbidden.origin, actionsPath({ clientId: CLIENT, actionType: 'debit' }), { key: 'ti_test_unknown' })).status, 401);

    const noLedger = await mockOf({ forbiddenRoutes: ['actions'] });
    const refused = await call(noLedger.origin, actionsPath({ clientId: CLIENT, actionType: 'debit' }));
    assert.deepEqual([refused.status, refused.body.message], [403, 'This API key may not read credit actions']);
    assert.equal((await put(noLedger, A, { currentBalance: 90 })).status, 200, 'the same key may still write');
    assert.equal((await call(noLedger.origin, `/incoming/v2/clients/${CLIENT}/creditBatches?clientId=${CLIENT}`)).status, 200);
    assert.equal((await call(noLedger.origin, actionsPath({ clientId: CLIENT, actionType: 'debit' }), { key: null })).status, 401, 'no key is still 401');
  });

  it('injects faults scripted for the credit account, and rate-limits the ledger with the other routes', async () => {
    const mock = await mockOf({ faults: { script: { [ACCOUNT]: [{ kind: 'status', status: 503 }] } }, rateLimit: { perMinute: 6, burst: 2 } });
    const path = actionsPath({ clientId: CLIENT, actionType: 'debit' });
    assert.deepEqual([(await call(mock.origin, path)).status, (await call(mock.origin, path)).status, (await call(mock.origin, path)).status], [503, 200, 429]);
  });

  it('slips a redemption between the last read and a PUT when told: in the ledger, later than the read, earlier than the write', async () => {
    const mock = await mockOf({ slipRedemptions: { credits: 7, ids: [A.toUpperCase()] } });
    const read = mock.store.get(A)?.updatedAt ?? '';
    const written = await put(mock, A, { currentBalance: 150 });
    const again = await put(mock, A, { currentBalance: 150 });
    const other = await put(mock, B, { currentBalance: 60 });
    assert.equal(written.status, 200);
    assert.equal(written.body.data.UpdateCreditBatch.currentBalance, 150, 'the PUT sets the balance over the redemption');
    const [slipped, ...rest] = mock.store.ledger.actions(CLIENT, ACCOUNT, 'debit');
    assert.deepEqual(rest, [], 'once per batch');
    assert.equal(again.body.data.UpdateCreditBatch.currentBalance, 150);
    assert.deepEqual([slipped?.source, slipped?.amount, slipped?.sourceBalanceIn, slipped?.sourceBalanceOut], [A, 7, 100, 93]);
    assert.ok(
      read < (slipped?.timestamp ?? '') && (slipped?.timestamp ?? '') < written.body.data.UpdateCreditBatch.updatedAt,
      `${read} < ${slipped?.timestamp} < ${written.body.data.UpdateCreditBatch.updatedAt}`,
    );
    assert.deepEqual(
      [other.body.data.UpdateCreditBatch.currentBalance, mock.store.ledger.actions(CLIENT, OTHER_ACCOUNT, 'debit')],
      [60, []],
      'a batch not named is left alone',
    );

    const every = await mockOf({ slipRedemptions: { credits: 1 } });
    await put(every, B, { name: 'renamed' });
    await put(every, B, { name: 'renamed again' });
    assert.deepEqual(
      [every.store.get(B)?.currentBalance, every.store.ledger.actions(CLIENT, OTHER_ACCOUNT, 'debit').length],
      [49, 1],
      'without ids, before the first PUT of every batch, once',
    );
    const refused = await put(every, A, { currentBalance: -1 });
    assert.deepEqual([refused.status, every.store.ledger.actions(CLIENT, ACCOUNT, 'debit').length], [422, 0], 'not before a PUT the mock refuses');
    await assert.rejects(startMockApi({ slipRedemptions: { credits: 0 } }), /slipRedemptions.credits must be a whole number of 1 or more/);
  });
});

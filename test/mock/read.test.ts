import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMockApi, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { call, clientBatches, listPath } from './http.js';

const CLIENT = 'aaaaaaaa-0000-4000-8000-000000000001';
const SMALL = 'bbbbbbbb-0000-4000-8000-000000000002';
const ACCOUNT = 'acc00000-0000-4000-8000-000000000001';
const OTHER_ACCOUNT = 'acc00000-0000-4000-8000-000000000002';
/** Seven batches of CLIENT, the even ones in ACCOUNT; seeded out of order, so that the list's order is the mock's doing. */
const SEVEN = clientBatches(CLIENT, 7, (index) => ({ creditAccountId: index % 2 === 0 ? ACCOUNT : OTHER_ACCOUNT }));
const seed = [...SEVEN].reverse().concat(clientBatches(SMALL, 2));

describe('mock credit batch list', () => {
  let mock: MockApi;
  before(async () => {
    mock = await startMockApi({ store: new CreditBatchStore(seed), perPage: 3, forbiddenKeys: ['ti_test_ro'] });
  });
  after(() => mock.close());

  it('answers the documented shape: the batches of one page, oldest first, and pageInfo', async () => {
    const { status, body } = await call(mock.origin, listPath(CLIENT));
    assert.equal(status, 200);
    const answer = body.data.APICreditBatchesByClientAndCreditAccount;
    assert.deepEqual(Object.keys(body), ['data']);
    assert.deepEqual(Object.keys(body.data), ['APICreditBatchesByClientAndCreditAccount']);
    assert.deepEqual(Object.keys(answer), ['clientId', 'creditAccountId', 'creditBatches', 'pageInfo']);
    assert.equal(answer.clientId, CLIENT);
    assert.equal(answer.creditAccountId, null);
    assert.deepEqual(answer.pageInfo, { perPage: 3, cursor: '2', total: 7, hasMore: true });
    assert.deepEqual(
      answer.creditBatches,
      [0, 1, 2].map((index) => mock.store.get(SEVEN[index]?.id ?? '')),
    );
  });

  it('pages through every batch once, in a stable order, the last page saying hasMore false', async () => {
    const pages = [];
    for (const page of ['1', '2', '3', '4'])
      pages.push((await call(mock.origin, listPath(CLIENT, { page }))).body.data.APICreditBatchesByClientAndCreditAccount);
    assert.deepEqual(
      pages.map((page) => page.creditBatches.map((b: { id: string }) => b.id.slice(-1))),
      [['0', '1', '2'], ['3', '4', '5'], ['6'], []],
    );
    assert.deepEqual(
      pages.map((page) => page.pageInfo),
      [
        { perPage: 3, cursor: '2', total: 7, hasMore: true },
        { perPage: 3, cursor: '3', total: 7, hasMore: true },
        { perPage: 3, cursor: null, total: 7, hasMore: false },
        { perPage: 3, cursor: null, total: 7, hasMore: false },
      ],
    );
  });

  it('filters by creditAccountId, counting only the batches that match, and names the filter', async () => {
    const first = (await call(mock.origin, listPath(CLIENT, { creditAccountId: ACCOUNT }))).body.data.APICreditBatchesByClientAndCreditAccount;
    const second = (await call(mock.origin, listPath(CLIENT, { creditAccountId: ACCOUNT, page: '2' }))).body.data.APICreditBatchesByClientAndCreditAccount;
    assert.equal(first.creditAccountId, ACCOUNT);
    assert.deepEqual(
      [...first.creditBatches, ...second.creditBatches].map((b: { id: string }) => b.id.slice(-1)),
      ['0', '2', '4', '6'],
    );
    assert.deepEqual(
      [first.pageInfo, second.pageInfo],
      [
        { perPage: 3, cursor: '2', total: 4, hasMore: true },
        { perPage: 3, cursor: null, total: 4, hasMore: false },
      ],
    );
  });

  it('answers an unknown client with an empty list', async () => {
    const unknown = 'cccccccc-0000-4000-8000-000000000003';
    const { status, body } = await call(mock.origin, listPath(unknown));
    assert.equal(status, 200);
    assert.deepEqual(body, {
      data: {
        APICreditBatchesByClientAndCreditAccount: {
          clientId: unknown,
          creditAccountId: null,
          creditBatches: [],
          pageInfo: { perPage: 3, cursor: null, total: 0, hasMore: false },
        },
      },
    });
  });

  it('shows what updates and redemptions left, in the same order', async () => {
    const id = SEVEN[1]?.id ?? '';
    assert.equal((await call(mock.origin, `/incoming/v2/clients/creditBatches/${id}`, { method: 'PUT', body: { currentBalance: 42 } })).status, 200);
    const batches = (await call(mock.origin, listPath(CLIENT))).body.data.APICreditBatchesByClientAndCreditAccount.creditBatches;
    assert.deepEqual(
      batches.map((b: { id: string; currentBalance: number }) => [b.id.slice(-1), b.currentBalance]),
      [
        ['0', 100],
        ['1', 42],
        ['2', 102],
      ],
    );
  });

  it('refuses with 400 a missing, empty or different clientId, and a page or filter it cannot read', async () => {
    const path = `/incoming/v2/clients/${CLIENT}/creditBatches`;
    const refusals: [string, string][] = [
      ['', 'The clientId query parameter is required'],
      ['?clientId=', 'The clientId query parameter is required'],
      [`?clientId=${SMALL}`, `The clientId query parameter (${SMALL}) differs from the client in the path (${CLIENT})`],
      [`?clientId=${CLIENT}&clientId=${CLIENT}`, 'clientId may be given only once'],
      [`?clientId=${CLIENT}&creditAccountId=`, 'creditAccountId may not be empty: leave it out to list every credit account'],
      [`?clientId=${CLIENT}&creditAccountId=${ACCOUNT}&creditAccountId=${ACCOUNT}`, 'creditAccountId may be given only once'],
      [`?clientId=${CLIENT}&page=2&page=3`, 'page may be given only once'],
    ];
    for (const page of ['0', '-1', '1.5', '1e1', 'two', '', ' 1', '9007199254740993'])
      refusals.push([`?clientId=${CLIENT}&page=${encodeURIComponent(page)}`, `page must be a whole number of 1 or more, not "${page}"`]);
    for (const [query, message] of refusals) {
      assert.deepEqual(await call(mock.origin, path + query).then(({ status, body }) => [status, body]), [400, { error: 'bad_request', message }], query);
    }
  });

  it('takes the clientId in any case, and ignores query parameters the API does not document', async () => {
    const { status, body } = await call(mock.origin, `/incoming/v2/clients/${CLIENT}/creditBatches?clientId=${CLIENT.toUpperCase()}&perPage=50`);
    assert.equal(status, 200);
    assert.equal(body.data.APICreditBatchesByClientAndCreditAccount.pageInfo.perPage, 3);
  });

  it('logs the query and the clientId of each list request', () => {
    const lists = mock.requests.filter((request) => request.clientId === CLIENT);
    assert.ok(lists.length > 10);
    assert.deepEqual(lists[0]?.query, { clientId: CLIENT });
    assert.equal(lists[0]?.id, undefined);
    assert.deepEqual(mock.requests.find((request) => request.method === 'PUT')?.query, {});
  });

  it('answers 401 to a wrong or missing key and 403 to a key without permission, before checking the query', async () => {
    assert.equal((await call(mock.origin, listPath(CLIENT), { key: 'nope' })).status, 401);
    assert.equal((await call(mock.origin, `/incoming/v2/clients/${CLIENT}/creditBatches`, { key: null })).status, 401);
    assert.deepEqual(await call(mock.origin, listPath(CLIENT), { key: 'ti_test_ro' }).then(({ status, body }) => [status, body]), [
      403,
      { error: 'forbidden', message: 'This API key may not read credit batches' },
    ]);
  });
});

describe('mock client list', () => {
  const clients = ['dddddddd-0000-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000003'];
  const seed = clients.flatMap((client, index) =>
    clientBatches(client, 2).map((batch) => ({ ...batch, ...(index === 0 ? {} : { clientName: `Named ${client.slice(0, 1)}` }) })),
  );

  it('lists the clients of the batches in the documented shape, named as the seed names them, `count` a page', async () => {
    const mock = await startMockApi({ store: new CreditBatchStore(seed) });
    try {
      const first = await call(mock.origin, '/incoming/v2/clients?count=2');
      const second = await call(mock.origin, '/incoming/v2/clients?count=2&page=2');
      const list = first.body.data.Clients;
      assert.deepEqual(Object.keys(list).sort(), ['aggregations', 'clients', 'pageInfo']);
      assert.deepEqual(list.pageInfo, { perPage: 2, currentPage: 1, total: 3, hasMore: true });
      assert.deepEqual(list.aggregations[0].buckets[0].count, 3);
      assert.deepEqual(
        list.clients.map((client: { id: string; name: string }) => [client.id, client.name]),
        [
          ['aaaaaaaa-0000-4000-8000-000000000001', 'Named a'],
          ['cccccccc-0000-4000-8000-000000000003', 'Named c'],
        ],
      );
      // Each record is the documented large one: what a client must not keep.
      assert.deepEqual(Object.keys(list.clients[0]).sort(), ['appearance', 'courses', 'features', 'id', 'learningPaths', 'licenses', 'name', 'schoolName']);
      assert.ok(JSON.stringify(list.clients[0]).length > 5000);
      assert.deepEqual(second.body.data.Clients.pageInfo, { perPage: 2, currentPage: 2, total: 3, hasMore: false });
      assert.deepEqual(
        second.body.data.Clients.clients.map((client: { name: string }) => client.name),
        ['Client dddddddd'],
      );
    } finally {
      await mock.close();
    }
  });

  it('filters by the documented query, holds its own page size at most, and refuses a page or count that is not one', async () => {
    const mock = await startMockApi({ store: new CreditBatchStore(seed), perPage: 2 });
    try {
      const matched = await call(mock.origin, '/incoming/v2/clients?query=NAMED%20C');
      assert.deepEqual(
        matched.body.data.Clients.clients.map((client: { id: string }) => client.id),
        ['cccccccc-0000-4000-8000-000000000003'],
      );
      assert.deepEqual(matched.body.data.Clients.pageInfo, { perPage: 2, currentPage: 1, total: 1, hasMore: false });
      assert.equal((await call(mock.origin, '/incoming/v2/clients?count=50')).body.data.Clients.pageInfo.perPage, 2, 'its own page size, not the count asked');
      for (const [query, message] of [
        ['page=0', 'page must be a whole number of 1 or more, not "0"'],
        ['count=x', 'count must be a whole number of 1 or more, not "x"'],
        ['page=1&page=2', 'page may be given only once'],
      ]) {
        assert.deepEqual(await call(mock.origin, `/incoming/v2/clients?${query}`).then(({ status, body }) => [status, body]), [
          400,
          { error: 'bad_request', message },
        ]);
      }
      assert.equal((await call(mock.origin, '/incoming/v2/clients', { key: 'nope' })).status, 401);
    } finally {
      await mock.close();
    }
  });

  it("pages with the Pagination page's meta object when told to", async () => {
    const mock = await startMockApi({ store: new CreditBatchStore(seed), perPage: 2, clientsPaging: 'meta' });
    try {
      const first = await call(mock.origin, '/incoming/v2/clients');
      assert.deepEqual(first.body.meta, { page: 1, perPage: 2, totalCount: 3, totalPages: 2, nextCursor: '2' });
      assert.equal(first.body.data.Clients.pageInfo, undefined);
      assert.equal((await call(mock.origin, '/incoming/v2/clients?page=2')).body.meta.nextCursor, null);
    } finally {
      await mock.close();
    }
  });

  it('holds 100 a page unless told otherwise', async () => {
    const mock = await startMockApi();
    try {
      assert.deepEqual((await call(mock.origin, '/incoming/v2/clients')).body.data.Clients.pageInfo, {
        perPage: 100,
        currentPage: 1,
        total: 0,
        hasMore: false,
      });
    } finally {
      await mock.close();
    }
  });
});

describe('mock ping and routes', () => {
  let mock: MockApi;
  before(async () => {
    mock = await startMockApi({ forbiddenKeys: ['ti_test_ro'] });
  });
  after(() => mock.close());

  it('answers a ping with a good key {"valid":true}, and refuses a bad or powerless one', async () => {
    assert.deepEqual(await call(mock.origin, '/incoming/v2/ping').then(({ status, body }) => [status, body]), [200, { valid: true }]);
    assert.deepEqual(await call(mock.origin, '/incoming/v2/ping', { key: 'nope' }).then(({ status, body }) => [status, body]), [
      401,
      { error: 'unauthorized', message: 'Invalid or missing API key' },
    ]);
    assert.equal((await call(mock.origin, '/incoming/v2/ping', { key: null })).status, 401);
    assert.equal((await call(mock.origin, '/incoming/v2/ping', { key: 'ti_test_ro' })).status, 403);
  });

  it('answers 405 with Allow to a method a route does not take, and 404 to a path that is no route', async () => {
    const cases: [string, string, string][] = [
      ['POST', '/incoming/v2/ping', 'GET'],
      ['PUT', `/incoming/v2/clients/${CLIENT}/creditBatches?clientId=${CLIENT}`, 'GET'],
      ['DELETE', '/incoming/v2/clients', 'GET'],
      ['GET', '/incoming/v2/clients/creditBatches/00000000-0000-4000-8000-000000000001', 'PUT'],
    ];
    for (const [method, path, allow] of cases) {
      const { status, headers, body } = await call(mock.origin, path, { method });
      assert.deepEqual([status, headers.get('allow'), body], [405, allow, { error: 'method_not_allowed', message: `Use ${allow}` }], `${method} ${path}`);
    }
    for (const path of [
      '/incoming/v2/clients/',
      `/incoming/v2/clients/${CLIENT}/creditBatches/x`,
      '/incoming/v2/pings',
      '/incoming/v2/clients/creditBatches/%E0%A4%A',
    ]) {
      assert.equal((await call(mock.origin, path)).status, 404, path);
    }
  });
});

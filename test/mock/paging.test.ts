import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PagingFaults } from '../../src/mock/faults.js';
import { pageOf } from '../../src/mock/paging.js';
import { MOCK_API_KEY, startMockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { call, clientBatches, listPath } from './http.js';

const CLIENT = 'aaaaaaaa-0000-4000-8000-000000000001';
const LETTERS = ['a', 'b', 'c', 'd', 'e'];

/** Pages 1 to `count` of LETTERS, two a page: the items and pageInfo of each. */
function pages(count: number, faults: PagingFaults = {}) {
  return Array.from({ length: count }, (_, index) => pageOf(LETTERS, index + 1, 2, faults));
}

describe('list pages', () => {
  it('cut the items perPage at a time; cursor names the next page while there is one', () => {
    assert.deepEqual(pages(4), [
      { items: ['a', 'b'], pageInfo: { perPage: 2, cursor: '2', total: 5, hasMore: true } },
      { items: ['c', 'd'], pageInfo: { perPage: 2, cursor: '3', total: 5, hasMore: true } },
      { items: ['e'], pageInfo: { perPage: 2, cursor: null, total: 5, hasMore: false } },
      { items: [], pageInfo: { perPage: 2, cursor: null, total: 5, hasMore: false } },
    ]);
    assert.deepEqual(pageOf(['a', 'b'], 1, 2).pageInfo.hasMore, false);
  });

  it('fault totalSkew: total disagrees with the items, never below 0', () => {
    assert.deepEqual(
      pages(3, { totalSkew: 2 }).map((page) => page.pageInfo.total),
      [7, 7, 7],
    );
    assert.equal(pageOf(LETTERS, 1, 2, { totalSkew: -9 }).pageInfo.total, 0);
    assert.deepEqual(
      pages(3, { totalSkew: -1 }).map((page) => page.items),
      [['a', 'b'], ['c', 'd'], ['e']],
    );
  });

  it('fault repeatLastItem: each page after the first starts with the last item of the one before', () => {
    assert.deepEqual(
      pages(4, { repeatLastItem: true }).map((page) => [page.items, page.pageInfo.hasMore]),
      [
        [['a', 'b'], true],
        [['b', 'c', 'd'], true],
        [['d', 'e'], false],
        [[], false],
      ],
    );
  });

  it('fault emptyPage: that page holds nothing yet says there is more', () => {
    assert.deepEqual(
      pages(3, { emptyPage: 2 }).map((page) => [page.items, page.pageInfo.hasMore, page.pageInfo.cursor]),
      [
        [['a', 'b'], true, '2'],
        [[], true, '3'],
        [['e'], false, null],
      ],
    );
  });

  it('fault endlessHasMore: the last page and every page past it say there is more', () => {
    assert.deepEqual(
      pages(5, { endlessHasMore: true }).map((page) => [page.items, page.pageInfo.hasMore, page.pageInfo.cursor]),
      [
        [['a', 'b'], true, '2'],
        [['c', 'd'], true, '3'],
        [['e'], true, '4'],
        [[], true, '5'],
        [[], true, '6'],
      ],
    );
  });
});

describe('mock paging faults', () => {
  /** What a client reading every page until hasMore is false or a page is empty would collect: ids, and the totals announced. */
  async function readAll(faults: PagingFaults): Promise<{ ids: string[]; totals: number[]; pages: number }> {
    const mock = await startMockApi({ store: new CreditBatchStore(clientBatches(CLIENT, 5)), perPage: 2, faults: { paging: faults } });
    try {
      const ids: string[] = [];
      const totals: number[] = [];
      for (let page = 1; page <= 10; page++) {
        const { creditBatches, pageInfo } = (await call(mock.origin, listPath(CLIENT, { page: String(page) }))).body.data
          .APICreditBatchesByClientAndCreditAccount;
        ids.push(...creditBatches.map((b: { id: string }) => b.id.slice(-1)));
        totals.push(pageInfo.total);
        if (!pageInfo.hasMore || creditBatches.length === 0) return { ids, totals, pages: page };
      }
      throw new Error('the reading never ended');
    } finally {
      await mock.close();
    }
  }

  it('apply to the list answers as to the pages', async () => {
    assert.deepEqual(await readAll({}), { ids: ['0', '1', '2', '3', '4'], totals: [5, 5, 5], pages: 3 });
    assert.deepEqual(await readAll({ totalSkew: 1 }), { ids: ['0', '1', '2', '3', '4'], totals: [6, 6, 6], pages: 3 });
    assert.deepEqual(await readAll({ repeatLastItem: true }), { ids: ['0', '1', '1', '2', '3', '3', '4'], totals: [5, 5, 5], pages: 3 });
    assert.deepEqual(await readAll({ emptyPage: 2 }), { ids: ['0', '1'], totals: [5, 5], pages: 2 });
    assert.deepEqual(await readAll({ endlessHasMore: true }), { ids: ['0', '1', '2', '3', '4'], totals: [5, 5, 5, 5], pages: 4 });
  });

  it('apply to the client list too', async () => {
    const mock = await startMockApi({ store: new CreditBatchStore(clientBatches(CLIENT, 1)), faults: { paging: { totalSkew: 3, endlessHasMore: true } } });
    try {
      const { clients, pageInfo } = (await call(mock.origin, '/incoming/v2/clients?page=2')).body.data.Clients;
      assert.deepEqual([clients, pageInfo], [[], { perPage: 100, currentPage: 2, total: 4, hasMore: true }]);
    } finally {
      await mock.close();
    }
  });
});

describe('mock faults and limits on reads', () => {
  it('keys scripted faults by clientId for a list, "clients" for the client list and "ping" for the ping', async () => {
    const mock = await startMockApi({
      store: new CreditBatchStore(clientBatches(CLIENT, 1)),
      faults: {
        script: {
          [CLIENT.toUpperCase()]: [{ kind: 'status', status: 503, headers: { 'retry-after': '2' } }, { kind: 'reset' }],
          clients: [{ kind: 'status', status: 500 }],
          ping: [{ kind: 'status', status: 502, body: { error: 'bad_gateway' } }],
        },
      },
    });
    try {
      const first = await call(mock.origin, listPath(CLIENT));
      assert.deepEqual([first.status, first.headers.get('retry-after'), first.body], [503, '2', { error: 'injected_fault', message: 'Injected 503' }]);
      await assert.rejects(call(mock.origin, listPath(CLIENT)));
      assert.equal((await call(mock.origin, listPath(CLIENT))).status, 200);
      assert.equal((await call(mock.origin, '/incoming/v2/clients')).status, 500);
      assert.deepEqual(await call(mock.origin, '/incoming/v2/ping').then(({ status, body }) => [status, body]), [502, { error: 'bad_gateway' }]);
      assert.equal((await call(mock.origin, '/incoming/v2/ping')).status, 200);
      assert.deepEqual(
        mock.requests.map((request) => request.answer),
        [503, 'reset', 200, 500, 502, 200],
      );
    } finally {
      await mock.close();
    }
  });

  it('spend the same per-key limit as updates: reads and writes alike are refused with 429 beyond it', async () => {
    const mock = await startMockApi({
      store: new CreditBatchStore(clientBatches(CLIENT, 1)),
      rateLimit: { perMinute: 6, burst: 3 },
      apiKeys: [MOCK_API_KEY, 'ti_test_second'],
    });
    try {
      const id = mock.store.all()[0]?.id ?? '';
      const list = await call(mock.origin, listPath(CLIENT));
      const ping = await call(mock.origin, '/incoming/v2/ping');
      const clients = await call(mock.origin, '/incoming/v2/clients');
      assert.deepEqual(
        [list, ping, clients].map((answer) => [answer.status, answer.headers.get('x-ratelimit-remaining')]),
        [
          [200, '2'],
          [200, '1'],
          [200, '0'],
        ],
      );
      const refused = [
        await call(mock.origin, '/incoming/v2/ping'),
        await call(mock.origin, listPath(CLIENT)),
        await call(mock.origin, `/incoming/v2/clients/creditBatches/${id}`, { method: 'PUT', body: { currentBalance: 1 } }),
      ];
      // The wait is the 10 s a token takes at 6 a minute, less the time these requests took: 10, or 9 on a busy machine.
      for (const answer of refused) {
        const wait = Number(answer.headers.get('retry-after'));
        assert.ok(wait === 10 || wait === 9, `Retry-After: ${wait}`);
        assert.deepEqual(
          [answer.status, answer.body],
          [429, { error: 'rate_limit_exceeded', message: `Rate limit exceeded; retry in ${wait} seconds`, retryAfter: wait }],
        );
      }
      // Another key has its own bucket.
      assert.equal((await call(mock.origin, '/incoming/v2/ping', { key: 'ti_test_second' })).status, 200);
    } finally {
      await mock.close();
    }
  });
});

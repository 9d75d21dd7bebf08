import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import type { PagingFaults } from '../../src/mock/faults.js';
import type { ListPaging } from '../../src/mock/clients.js';
import { MOCK_API_KEY, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { readClients } from '../../src/pipeline/operations/read-clients.js';
import { readClientPage } from '../../src/send/clients-answer.js';
import { Executor } from '../../src/send/executor.js';
import type { SendOptions } from '../../src/send/options.js';
import { clientBatches } from '../mock/http.js';
import { mockApiStarter } from '../helpers.js';

const CLIENTS = [
  '11111111-0000-4000-8000-000000000001',
  '22222222-0000-4000-8000-000000000002',
  '33333333-0000-4000-8000-000000000003',
  '44444444-0000-4000-8000-000000000004',
  '55555555-0000-4000-8000-000000000005',
];
const NAMES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
const startMockApi = mockApiStarter();

async function mockOf(options: { perPage?: number; paging?: PagingFaults; clientsPaging?: ListPaging } = {}): Promise<MockApi> {
  const seed = CLIENTS.flatMap((client, index) => clientBatches(client, 1).map((batch) => ({ ...batch, clientName: NAMES[index] as string })));
  const mock = await startMockApi({
    store: new CreditBatchStore(seed),
    perPage: options.perPage ?? 2,
    faults: { paging: options.paging ?? {} },
    ...(options.clientsPaging === undefined ? {} : { clientsPaging: options.clientsPaging }),
  });
  return mock;
}

function executorFor(origin: string): Executor {
  const options: SendOptions = {
    target: { origin, apiKey: MOCK_API_KEY },
    concurrency: 2,
    ratePerMinute: 0,
    maxRatePerMinute: 0,
    rateFrom: 'told',
    burst: 20,
    learnBurst: false,
    timeoutMs: 5000,
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
    maxThrottleWaitMs: 60_000,
    circuitBreaker: 10,
  };
  return new Executor(options, new AbortController().signal);
}

const everyClient = CLIENTS.map((id, index) => ({ id, name: NAMES[index] }));

describe('reading the clients list', () => {
  it('reads every page in the documented shape, keeping only ids and names, and asks 50 a page', async () => {
    const mock = await mockOf();
    const result = await readClients(executorFor(mock.origin));
    assert.equal(result.kind, 'done');
    assert.deepEqual(result.kind === 'done' ? [...result.value] : [], everyClient);
    assert.deepEqual(
      mock.requests.map((request) => request.query),
      [1, 2, 3].map((page) => ({ page: String(page), count: '50' })),
      'three pages of 2: the mock holds its own page size, whatever is asked',
    );
  });

  it("reads the Pagination page's meta object as well", async () => {
    const mock = await mockOf({ clientsPaging: 'meta' });
    const result = await readClients(executorFor(mock.origin));
    assert.deepEqual(result.kind === 'done' ? [...result.value] : result, everyClient);
    assert.equal(mock.requests.length, 3);
  });

  it('passes --match as the documented query', async () => {
    const mock = await mockOf();
    const result = await readClients(executorFor(mock.origin), { query: 'glob' });
    assert.deepEqual(result.kind === 'done' ? [...result.value] : result, [{ id: CLIENTS[1], name: 'Globex' }]);
    assert.equal(mock.requests[0]?.query.query, 'glob');
  });

  it('counts a client listed on two pages once, and ends at an empty page when hasMore never turns false', async () => {
    for (const paging of [{ repeatLastItem: true }, { endlessHasMore: true }]) {
      const mock = await mockOf({ paging });
      const result = await readClients(executorFor(mock.origin));
      assert.deepEqual(result.kind === 'done' ? [...result.value] : result, everyClient, JSON.stringify(paging));
    }
  });

  it('refuses at once a list that passes the total it gave, however long it says there is more', async () => {
    let asked = 0;
    const server = createServer((request, response) => {
      const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
      asked++;
      const clients = Array.from({ length: 50 }, (_, index) => ({
        id: `00000000-0000-4000-8000-${String(page * 100 + index).padStart(12, '0')}`,
        name: `C${index}`,
      }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { Clients: { pageInfo: { perPage: 50, currentPage: page, total: 3, hasMore: true }, clients } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const result = await readClients(executorFor(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`));
      assert.match(result.kind === 'failed' ? result.error.message : '', /the API listed 50 clients but said it has 3/);
      assert.equal(asked, 1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a list whose count disagrees with its total, or that stops early at an empty page', async () => {
    const skewed = await readClients(executorFor((await mockOf({ paging: { totalSkew: 1 } })).origin));
    assert.equal(skewed.kind, 'failed');
    assert.match(skewed.kind === 'failed' ? skewed.error.message : '', /listed 5 clients but said it has 6/);
    const hole = await readClients(executorFor((await mockOf({ paging: { emptyPage: 2 } })).origin));
    assert.match(hole.kind === 'failed' ? hole.error.message : '', /listed 2 clients but said it has 5/);
  });

  it('reads on to an empty page when the answer says nothing of its paging, and refuses a client listed with two names', async () => {
    const pages = [[{ id: CLIENTS[0], name: 'A' }], [{ id: CLIENTS[1], name: 'B' }], [], [{ id: CLIENTS[2], name: 'never read' }]];
    const renamed = [[{ id: CLIENTS[0], name: 'A' }], [{ id: CLIENTS[0], name: 'A, renamed' }]];
    for (const [list, expected] of [
      [
        pages,
        [
          { id: CLIENTS[0], name: 'A' },
          { id: CLIENTS[1], name: 'B' },
        ],
      ],
      [renamed, /listed client 11111111-0000-4000-8000-000000000001 twice, with different names/],
    ] as const) {
      const server = createServer((request, response) => {
        const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: { Clients: { clients: list[page - 1] ?? [] } } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const address = server.address();
        const result = await readClients(executorFor(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`));
        if (expected instanceof RegExp) assert.match(result.kind === 'failed' ? result.error.message : '', expected);
        else assert.deepEqual(result.kind === 'done' ? [...result.value] : result, expected);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });
});

describe('a page of clients', () => {
  const answer = (body: unknown, status = 200) => ({ status, headers: {}, body: JSON.stringify(body) });

  it('reads either paging shape the documentation gives', () => {
    const clients = [{ id: CLIENTS[0], name: 'Acme', courses: [{ id: 'x' }], licenses: [] }];
    assert.deepEqual(
      readClientPage(answer({ data: { Clients: { pageInfo: { perPage: 50, currentPage: 1, total: 7, hasMore: true }, aggregations: [], clients } } })),
      {
        clients: [{ id: CLIENTS[0], name: 'Acme' }],
        total: 7,
        hasMore: true,
        perPage: 50,
      },
    );
    const meta = (nextCursor: string | null) =>
      readClientPage(answer({ data: { Clients: { clients } }, meta: { page: 1, perPage: 25, totalCount: 7, totalPages: 1, nextCursor } }));
    assert.deepEqual(meta(null), { clients: [{ id: CLIENTS[0], name: 'Acme' }], total: 7, hasMore: false, perPage: 25 });
    assert.equal(meta('abc').hasMore, true);
    assert.deepEqual(readClientPage(answer({ data: { Clients: { clients: [{ id: CLIENTS[1], name: null }], pageInfo: { perPage: 0 } } } })), {
      clients: [{ id: CLIENTS[1], name: undefined }],
      total: undefined,
      hasMore: undefined,
      perPage: undefined,
    });
  });

  it('refuses an answer without the list, a client without an id, or a name that is not text', () => {
    assert.throws(() => readClientPage(answer({ data: { APIClients: { clients: [] } } })), /without the list of clients/);
    assert.throws(() => readClientPage(answer({ data: { Clients: { clients: [{ name: 'x' }] } } })), /a client without an id/);
    assert.throws(() => readClientPage(answer({ data: { Clients: { clients: [{ id: 'c1', name: 7 }] } } })), /client c1 with a name that is not text/);
    assert.throws(() => readClientPage(answer({ message: 'no' }, 403)), /not allowed to read clients/);
  });
});

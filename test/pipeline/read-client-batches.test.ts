import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import type { CreditBatch, ListedBatch } from '../../src/core/credit-batch.js';
import type { FaultOptions } from '../../src/mock/faults.js';
import { MOCK_API_KEY, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { MAX_PAGES, readClientBatches } from '../../src/pipeline/operations/read-client-batches.js';
import { Executor } from '../../src/send/executor.js';
import type { SendResult } from '../../src/send/operation.js';
import type { SendOptions } from '../../src/send/options.js';
import { hostileServer } from '../hostile-server.js';
import { mockApiStarter } from '../helpers.js';

const CLIENT = randomUUID();
const OTHER = randomUUID();
const startMockApi = mockApiStarter();

/** A mock holding `count` batches of CLIENT (and a few of another client), answering lists `perPage` at a time. */
async function mockOf(count: number, perPage: number, faults: FaultOptions = {}): Promise<MockApi> {
  const seed: Partial<CreditBatch>[] = [
    ...Array.from({ length: count }, (_, index) => ({ id: randomUUID(), clientId: CLIENT, currentBalance: index })),
    ...Array.from({ length: 3 }, () => ({ id: randomUUID(), clientId: OTHER })),
  ];
  const mock = await startMockApi({ store: new CreditBatchStore(seed), perPage, faults });
  return mock;
}

function executorFor(mock: MockApi, events: ConstructorParameters<typeof Executor>[2] = {}): Executor {
  const options: SendOptions = {
    target: { origin: mock.origin, apiKey: MOCK_API_KEY },
    concurrency: 2,
    ratePerMinute: 0,
    maxRatePerMinute: 0,
    rateFrom: 'told',
    burst: 20,
    learnBurst: false,
    timeoutMs: 5000,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
    maxThrottleWaitMs: 60_000,
    circuitBreaker: 10,
  };
  return new Executor(options, new AbortController().signal, events);
}

/**
 * A server answering each page of a client's list with `pages[page - 1]` (its batches), and `pageInfo` (by
 * default the last page saying there is no more); `asked`: the pages asked for, in order.
 */
async function listServer(
  pages: readonly (readonly Record<string, unknown>[])[],
  pageInfo: (page: number) => unknown = (page) => ({ perPage: 1, hasMore: page < pages.length }),
): Promise<{ origin: string; server: Server; asked: number[] }> {
  const asked: number[] = [];
  const server = createServer((request, response) => {
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    asked.push(page);
    const creditBatches = pages[page - 1] ?? [];
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: { APICreditBatchesByClientAndCreditAccount: { clientId: CLIENT, creditBatches, pageInfo: pageInfo(page) } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { origin: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, server, asked };
}

const idsOf = (batches: readonly { readonly id: string }[]): string[] => batches.map((batch) => batch.id).sort();

describe('reading the credit batches of one client (the worked example of a new operation)', () => {
  it('reads every page, from page 1 until hasMore is false, and holds exactly what the mock holds', async () => {
    const mock = await mockOf(23, 5);
    const executor = executorFor(mock);
    const result = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.equal(result.kind, 'done');
    assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), idsOf(mock.store.listByClient(CLIENT)));
    assert.deepEqual(
      mock.requests.map((request) => [request.method, request.clientId, request.query.page, request.query.clientId]),
      [1, 2, 3, 4, 5].map((page) => ['GET', CLIENT, String(page), CLIENT]),
    );
  });

  it("reads every page of a list paged with the Pagination page's meta object, or whose pageInfo leaves hasMore out or holds it as text: never cut short", async () => {
    const seed = Array.from({ length: 23 }, (_, index) => ({ id: randomUUID(), clientId: CLIENT, currentBalance: index }));
    const meta = await startMockApi({ store: new CreditBatchStore(seed), perPage: 5, batchesPaging: 'meta' });
    const executor = executorFor(meta);
    const result = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), idsOf(seed as { id: string }[]));
    assert.deepEqual(
      meta.requests.map((request) => request.query.page),
      ['1', '2', '3', '4', '5'],
    );

    const batches = (from: number, count: number): Record<string, unknown>[] =>
      Array.from({ length: count }, (_, index) => ({ id: `00000000-0000-4000-8000-${String(from + index).padStart(12, '0')}`, clientId: CLIENT }));
    for (const [shape, pageInfo, pages] of [
      ['no hasMore, a short last page', { perPage: 5 }, [batches(0, 5), batches(5, 5), batches(10, 3)]],
      ['no hasMore, no perPage: until an empty page', {}, [batches(0, 5), batches(5, 5), []]],
      ['hasMore and perPage as text', { perPage: '5', hasMore: 'true' }, [batches(0, 5), batches(5, 5), []]],
    ] as const) {
      const { origin, asked } = await listServer(pages, () => pageInfo);
      const reader = executorFor({ origin } as MockApi);
      const read = await readClientBatches(reader, CLIENT);
      reader.close();
      assert.equal(read.kind, 'done', shape);
      assert.deepEqual(idsOf(read.kind === 'done' ? read.value : []), idsOf(pages.flat() as { id: string }[]), shape);
      assert.deepEqual(asked, [1, 2, 3], shape);
    }
  });

  it('goes through the send stage: every page is an attempt, a 503 is retried', async () => {
    const mock = await mockOf(4, 2, { script: { [CLIENT]: [{ kind: 'status', status: 503 }] } });
    const attempts: (number | undefined)[] = [];
    const executor = executorFor(mock, { onAttempt: (attempt) => attempts.push(attempt.status) });
    const result = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.equal(result.kind, 'done');
    assert.deepEqual(attempts, [503, 200, 200]);
    assert.equal(result.kind === 'done' ? result.attempts : 0, 3);
  });

  it('counts a batch listed on two pages once', async () => {
    const mock = await mockOf(9, 4, { paging: { repeatLastItem: true } });
    const executor = executorFor(mock);
    const result = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), idsOf(mock.store.listByClient(CLIENT)));
  });

  it('stops at an empty page even when the API says there is more', async () => {
    const mock = await mockOf(4, 2, { paging: { endlessHasMore: true } });
    const executor = executorFor(mock);
    const result = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.equal(result.kind, 'done');
    assert.equal(mock.requests.length, 3);
  });

  it('refuses a list whose count disagrees with the total the API gave', async () => {
    for (const paging of [{ totalSkew: 1 }, { emptyPage: 2 }]) {
      const mock = await mockOf(6, 2, { paging });
      const executor = executorFor(mock);
      const result = await readClientBatches(executor, CLIENT);
      executor.close();
      assert.equal(result.kind, 'failed', JSON.stringify(paging));
      assert.match(result.kind === 'failed' ? result.error.message : '', /listed \d credit batches for client .* but said it has \d/);
    }
  });

  it('refuses a batch listed twice with different values, and a balance that is not a whole number of credits', async () => {
    const id = randomUUID();
    const batch = (currentBalance: unknown): Record<string, unknown> => ({
      id,
      clientId: CLIENT,
      name: 'A',
      expiresOn: '2027-01-01T00:00:00.000Z',
      currentBalance,
    });
    const cases: [readonly (readonly Record<string, unknown>[])[], RegExp][] = [
      [[[batch(1000)], [batch(1777)]], /listed credit batch .* twice, with different values/],
      [[[batch(1000.5)]], /with currentBalance 1000.5, not a whole number of credits/],
      [[[batch('1000')]], /with currentBalance "1000", not a whole number of credits/],
      [[[{ ...batch(1), name: 5 }]], /with name 5, not text/],
      [[[{ ...batch(1), expiresOn: 'soon' }]], /with expiresOn "soon", not a moment/],
    ];
    for (const [pages, message] of cases) {
      const { origin } = await listServer(pages);
      const executor = executorFor({ origin } as MockApi);
      const result = await readClientBatches(executor, CLIENT);
      executor.close();
      assert.match(result.kind === 'failed' ? result.error.message : `not refused: ${result.kind}`, message);
    }
    const { origin } = await listServer([[batch(1000)], [batch(1000)]]);
    const executor = executorFor({ origin } as MockApi);
    const same = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.deepEqual(same.kind === 'done' ? same.value.map((listed) => listed.currentBalance) : same.kind, [1000]);
  });

  it('reads one credit account of the client when asked', async () => {
    const account = randomUUID();
    const seed: Partial<CreditBatch>[] = [
      { id: randomUUID(), clientId: CLIENT, creditAccountId: account },
      { id: randomUUID(), clientId: CLIENT, creditAccountId: account },
      { id: randomUUID(), clientId: CLIENT },
    ];
    const mock = await startMockApi({ store: new CreditBatchStore(seed) });
    const executor = executorFor(mock);
    const result = await readClientBatches(executor, CLIENT, account);
    executor.close();
    assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), [seed[0]?.id, seed[1]?.id].sort());
    assert.equal(mock.requests[0]?.query.creditAccountId, account);
  });

  it('reads a batch lacking name, expiresOn or currentBalance, or holding null for them, with those fields absent, never as values', async () => {
    const [nulls, absent, nullClient] = [randomUUID(), randomUUID(), randomUUID()];
    const { origin } = await listServer([
      [
        { id: nulls, clientId: CLIENT, name: null, expiresOn: null, currentBalance: null, allocatedCredits: null },
        { id: absent, clientId: CLIENT },
        { id: nullClient, clientId: null, name: 'Kept', expiresOn: '2027-01-01T00:00:00.000Z', currentBalance: 7 },
      ],
    ]);
    const executor = executorFor({ origin } as MockApi);
    const result = await readClientBatches(executor, CLIENT);
    executor.close();
    assert.equal(result.kind, 'done', result.kind === 'failed' ? result.error.message : result.kind);
    const listed = result.kind === 'done' ? result.value : [];
    assert.deepEqual(
      listed.map((batch) => Object.keys(batch).sort()),
      [
        ['clientId', 'id'],
        ['clientId', 'id'],
        ['currentBalance', 'expiresOn', 'id', 'name'],
      ],
    );
    assert.deepEqual(
      listed.map((batch) => [batch.name, batch.expiresOn, batch.currentBalance]),
      [
        [undefined, undefined, undefined],
        [undefined, undefined, undefined],
        ['Kept', '2027-01-01T00:00:00.000Z', 7],
      ],
    );
  });
});

/** A server answering page `n` of CLIENT's list with `answer(n)`, and counting the pages asked for. */
async function pagedServer(
  answer: (page: number) => { readonly creditBatches: readonly Record<string, unknown>[]; readonly pageInfo: Record<string, unknown> },
): Promise<{ origin: string; pages: () => number }> {
  const server = await hostileServer((request, response) => {
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: { APICreditBatchesByClientAndCreditAccount: { clientId: CLIENT, ...answer(page) } } }));
  });
  return { origin: server.origin, pages: () => server.requests.length };
}

const listed = (id: string): Record<string, unknown> => ({ id, clientId: CLIENT, name: 'n', expiresOn: '2027-01-01T00:00:00.000Z', currentBalance: 1 });

async function readFrom(origin: string): Promise<SendResult<readonly ListedBatch[]>> {
  const executor = executorFor({ origin } as MockApi);
  try {
    return await readClientBatches(executor, CLIENT);
  } finally {
    executor.close();
  }
}

describe('a list that never ends is stopped as soon as it shows it', () => {
  it('stops at the same page answered again with hasMore: true, or a page of batches listed already', async () => {
    const first = [listed(randomUUID()), listed(randomUUID())];
    const same = await pagedServer(() => ({ creditBatches: first, pageInfo: { perPage: 2, hasMore: true } }));
    const again = await readFrom(same.origin);
    assert.match(
      again.kind === 'failed' ? again.error.message : again.kind,
      new RegExp(
        `^the API answered page 2 of the credit batches of client ${CLIENT} with the very batches of page 1, yet said more were to come; reading stopped there rather than go round$`,
      ),
    );
    assert.equal(same.pages(), 2);
    const shuffled = await pagedServer((page) => ({ creditBatches: page === 1 ? first : [...first].reverse(), pageInfo: { hasMore: true } }));
    const reordered = await readFrom(shuffled.origin);
    assert.match(
      reordered.kind === 'failed' ? reordered.error.message : reordered.kind,
      /page 2 .* with only batches it had listed already, yet said more were to come/,
    );
    assert.equal(shuffled.pages(), 2);
  });

  it('stops once the batches pass the total the API gave, or the pages pass those the total needs', async () => {
    const beyond = await pagedServer(() => ({
      creditBatches: [listed(randomUUID()), listed(randomUUID())],
      pageInfo: { perPage: 2, total: 5, hasMore: true },
    }));
    const over = await readFrom(beyond.origin);
    assert.match(
      over.kind === 'failed' ? over.error.message : over.kind,
      /^the API listed more credit batches for client .* than the 5 it said it has \(6 by page 3\)/,
    );
    assert.equal(beyond.pages(), 3);
    // One new batch a page, half a page each: within the total, but more pages than 5 batches at 2 a page need (3, and a margin of 2).
    const trickle = await pagedServer(() => ({ creditBatches: [listed(randomUUID())], pageInfo: { perPage: 2, total: 5, hasMore: true } }));
    const slow = await readFrom(trickle.origin);
    assert.match(
      slow.kind === 'failed' ? slow.error.message : slow.kind,
      /still said more credit batches of client .* were to come after 5 pages, more than the 5 batches it said it has need/,
    );
    assert.equal(trickle.pages(), 5);
  });

  it('stops at MAX_PAGES when no total bounds the list, each page bringing new batches', async () => {
    const endless = await pagedServer(() => ({ creditBatches: [listed(randomUUID())], pageInfo: { hasMore: true } }));
    const result = await readFrom(endless.origin);
    assert.match(
      result.kind === 'failed' ? result.error.message : result.kind,
      new RegExp(`were to come after ${MAX_PAGES} pages, the most ti-credits reads for one client; reading stopped there rather than go on without end$`),
    );
    assert.equal(endless.pages(), MAX_PAGES);
  });
});

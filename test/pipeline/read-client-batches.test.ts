import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { FaultOptions } from '../../src/mock/faults.js';
import { MOCK_API_KEY, startMockApi, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { readClientBatches } from '../../src/pipeline/operations/read-client-batches.js';
import { Executor } from '../../src/send/executor.js';
import type { SendOptions } from '../../src/send/options.js';

const CLIENT = randomUUID();
const OTHER = randomUUID();
const mocks: MockApi[] = [];
after(() => Promise.all(mocks.map((mock) => mock.close())));

/** A mock holding `count` batches of CLIENT (and a few of another client), answering lists `perPage` at a time. */
async function mockOf(count: number, perPage: number, faults: FaultOptions = {}): Promise<MockApi> {
  const seed: Partial<CreditBatch>[] = [
    ...Array.from({ length: count }, (_, index) => ({ id: randomUUID(), clientId: CLIENT, currentBalance: index })),
    ...Array.from({ length: 3 }, () => ({ id: randomUUID(), clientId: OTHER })),
  ];
  const mock = await startMockApi({ store: new CreditBatchStore(seed), perPage, faults });
  mocks.push(mock);
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

/** A server answering each page of a client's list with `pages[page - 1]` (its batches), the last page saying there is no more. */
async function listServer(pages: readonly (readonly Record<string, unknown>[])[]): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    const creditBatches = pages[page - 1] ?? [];
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: { APICreditBatchesByClientAndCreditAccount: { clientId: CLIENT, creditBatches, pageInfo: { perPage: 1, hasMore: page < pages.length } } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { origin: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, server };
}

const idsOf = (batches: readonly CreditBatch[]): string[] => batches.map((batch) => batch.id).sort();

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
    const batch = (currentBalance: unknown): Record<string, unknown> => ({ id, clientId: CLIENT, name: 'A', expiresOn: '2027-01-01T00:00:00.000Z', currentBalance });
    const cases: [readonly (readonly Record<string, unknown>[])[], RegExp][] = [
      [[[batch(1000)], [batch(1777)]], /listed credit batch .* twice, with different values/],
      [[[batch(1000.5)]], /with currentBalance 1000.5, not a whole number of credits/],
      [[[batch(null)]], /with currentBalance null, not a whole number of credits/],
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
    mocks.push(mock);
    const executor = executorFor(mock);
    const result = await readClientBatches(executor, CLIENT, account);
    executor.close();
    assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), [seed[0]?.id, seed[1]?.id].sort());
    assert.equal(mock.requests[0]?.query.creditAccountId, account);
  });
});

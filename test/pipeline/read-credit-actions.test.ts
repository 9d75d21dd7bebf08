import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import type { FaultOptions } from '../../src/mock/faults.js';
import { MOCK_API_KEY, type MockApi, type MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { readCreditActions } from '../../src/pipeline/operations/read-credit-actions.js';
import { Executor } from '../../src/send/executor.js';
import { mockApiStarter } from '../helpers.js';

const CLIENT = randomUUID();
const ACCOUNT = randomUUID();
const BATCH = randomUUID();
const ACCOUNT_REF = { clientId: CLIENT, creditAccountId: ACCOUNT };
const startMockApi = mockApiStarter();

/** A mock whose ledger holds `count` redemptions from one batch of ACCOUNT (and one of another account), listed `perPage` at a time. */
async function mockOf(count: number, perPage: number, options: Omit<MockOptions, 'store' | 'perPage'> = {}): Promise<MockApi> {
  const store = new CreditBatchStore([
    { id: BATCH, clientId: CLIENT, creditAccountId: ACCOUNT, currentBalance: 1_000_000 },
    { id: randomUUID(), clientId: CLIENT, creditAccountId: randomUUID(), currentBalance: 10 },
  ]);
  for (let index = 0; index < count; index++) store.redeem(BATCH, 1 + (index % 3), new Date(Date.UTC(2026, 4, 1) + index * 1000));
  for (const other of store.all()) if (other.id !== BATCH) store.redeem(other.id, 1, new Date(Date.UTC(2026, 4, 2)));
  const mock = await startMockApi({ ...options, perPage, store });
  return mock;
}

function executorFor(origin: string, events: ConstructorParameters<typeof Executor>[2] = {}, retries = 2): Executor {
  return new Executor(
    {
      target: { origin, apiKey: MOCK_API_KEY },
      concurrency: 1,
      ratePerMinute: 0,
      maxRatePerMinute: 0,
      rateFrom: 'told',
      burst: 20,
      learnBurst: false,
      timeoutMs: 5000,
      retry: { retries, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
      maxThrottleWaitMs: 60_000,
      circuitBreaker: 0,
    },
    new AbortController().signal,
    events,
  );
}

async function read(origin: string, actionType: 'debit' | 'credit' = 'debit', maxPages?: number): Promise<Awaited<ReturnType<typeof readCreditActions>>> {
  const executor = executorFor(origin);
  try {
    return await readCreditActions(executor, ACCOUNT_REF, actionType, maxPages === undefined ? {} : { maxPages });
  } finally {
    executor.close();
  }
}

const idsOf = (actions: readonly { readonly id: string }[]): string[] => actions.map((action) => action.id).sort();
const ledgerIds = (mock: MockApi): string[] => idsOf(mock.store.ledger.actions(CLIENT, ACCOUNT, 'debit'));
const pagesAsked = (mock: MockApi): (string | undefined)[] => mock.requests.map((request) => request.query.page);
const failure = (result: Awaited<ReturnType<typeof readCreditActions>>): string =>
  result.kind === 'failed' ? result.error.message : `not failed: ${result.kind}`;

/** A server answering page n of the ledger with `answer(n)`: a stand-in for an API that pages wrongly. */
async function ledgerServer(
  answer: (page: number) => { creditActions: unknown[]; pageInfo?: Record<string, unknown> },
): Promise<{ origin: string; pages: number[] }> {
  const pages: number[] = [];
  const server = createServer((request, response) => {
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
    pages.push(page);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ data: { APICreditActionsByClientIdAndAccountIdAndActionType: { clientId: CLIENT, creditAccountId: ACCOUNT, ...answer(page) } } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { origin: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, pages };
}

/** `count` redemptions from BATCH with ids n-<index>, as the API lists them. */
const actions = (from: number, count: number): Record<string, unknown>[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `n-${from + index}`,
    action: 'debit',
    amount: 1,
    source: BATCH,
    sourceType: 'creditBatch',
    timestamp: '2026-05-01T12:00:00.000Z',
  }));

describe('reading the debit or credit actions of one credit account', () => {
  it('reads every page from page 1 until hasMore is false, asking for the account, the client and the action type', async () => {
    const mock = await mockOf(23, 5);
    const result = await read(mock.origin);
    assert.equal(result.kind, 'done');
    assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), ledgerIds(mock));
    assert.equal(ledgerIds(mock).length, 23);
    assert.deepEqual(
      mock.requests.map((request) => [request.path, request.query.clientId, request.query.actionType, request.query.page]),
      [1, 2, 3, 4, 5].map((page) => [`/incoming/v2/clients/${CLIENT}/creditAccount/${ACCOUNT}/creditActions`, CLIENT, 'debit', String(page)]),
    );
    const [first] = result.kind === 'done' ? result.value : [];
    assert.deepEqual([first?.actionType, first?.source, typeof first?.timestamp], ['debit', BATCH, 'string']);
  });

  it('reads the credit list as the debit one, empty when the account has none', async () => {
    const mock = await mockOf(2, 5);
    mock.store.credit(BATCH, 9, new Date('2026-06-01T00:00:00.000Z'));
    const result = await read(mock.origin, 'credit');
    assert.deepEqual(result.kind === 'done' ? result.value.map((action) => [action.actionType, action.amount, action.target]) : result.kind, [
      ['credit', 9, BATCH],
    ]);
    const none = await mockOf(2, 5);
    const empty = await read(none.origin, 'credit');
    assert.deepEqual(empty.kind === 'done' ? [empty.value, empty.attempts] : empty.kind, [[], 1]);
  });

  it('reads the same actions whatever the order and the shape of pageInfo the API answers with', async () => {
    for (const ledger of [{ order: 'newest-first' }, { pageInfo: 'cursor-only' }, { order: 'newest-first', pageInfo: 'cursor-only' }] as const) {
      const mock = await mockOf(12, 5, { ledger });
      const result = await read(mock.origin);
      assert.deepEqual(idsOf(result.kind === 'done' ? result.value : []), ledgerIds(mock), JSON.stringify(ledger));
      assert.deepEqual(pagesAsked(mock), ['1', '2', '3']);
    }
  });

  it('reads a ledger that grows while it is read, in either order: every action there when the reading began is read, each once', async () => {
    for (const order of ['oldest-first', 'newest-first'] as const) {
      let redeemed = 0;
      const mock = await mockOf(12, 5, {
        ledger: { order },
        // A learner redeems just before each page is answered.
        onRequest: () => {
          mock.store.redeem(BATCH, 1, new Date());
          redeemed++;
        },
      });
      const before = ledgerIds(mock);
      const result = await read(mock.origin);
      assert.equal(result.kind, 'done', `${order}: ${failure(result)}`);
      const got = idsOf(result.kind === 'done' ? result.value : []);
      assert.equal(new Set(got).size, got.length, 'each once');
      for (const id of before) assert.ok(got.includes(id), `${order}: ${id} was in the ledger when the reading began`);
      assert.ok(redeemed > 0);
    }
  });

  it('goes through the send stage: every page is an attempt, a 503 is retried, a page failing after its retries fails the read', async () => {
    const mock = await mockOf(4, 2, { faults: { script: { [ACCOUNT]: [{ kind: 'status', status: 503 }] } } });
    const attempts: (number | undefined)[] = [];
    const executor = executorFor(mock.origin, { onAttempt: (attempt) => attempts.push(attempt.status) });
    const result = await readCreditActions(executor, ACCOUNT_REF, 'debit');
    executor.close();
    assert.equal(result.kind, 'done');
    assert.deepEqual(attempts, [503, 200, 200]);
    assert.equal(result.kind === 'done' ? result.attempts : 0, 3);

    const faults: FaultOptions = {
      script: { [ACCOUNT]: [200, 503, 503, 503].map((status) => (status === 200 ? { kind: 'delay', ms: 0 } : { kind: 'status', status })) },
    };
    const failing = await mockOf(4, 2, { faults });
    const failed = await read(failing.origin);
    assert.equal(failed.kind, 'failed');
    assert.deepEqual([failed.kind === 'failed' ? failed.attempts : 0, failed.kind === 'failed' ? failed.error.status : 0], [4, 503]);
  });

  it('fails at once on a 403, as an auth failure', async () => {
    const mock = await mockOf(4, 2, { forbiddenRoutes: ['actions'] });
    const result = await read(mock.origin);
    assert.equal(result.kind === 'failed' ? result.error.kind : result.kind, 'auth');
    assert.equal(mock.requests.length, 1);
  });

  it('counts an action listed on two pages once, and stops at an empty page even when the API says there is more', async () => {
    const repeating = await mockOf(9, 4, { faults: { paging: { repeatLastItem: true } } });
    const repeated = await read(repeating.origin);
    assert.deepEqual(idsOf(repeated.kind === 'done' ? repeated.value : []), ledgerIds(repeating));
    const endless = await mockOf(4, 2, { faults: { paging: { endlessHasMore: true } } });
    const ended = await read(endless.origin);
    assert.equal(ended.kind, 'done');
    assert.deepEqual(pagesAsked(endless), ['1', '2', '3']);
  });

  it('fails when fewer actions were listed than the total the API gave', async () => {
    for (const paging of [{ totalSkew: 1 }, { emptyPage: 2 }]) {
      const mock = await mockOf(6, 2, { faults: { paging } });
      assert.match(
        failure(await read(mock.origin)),
        /listed \d debit actions for credit account .* but said it has \d; some were not listed/,
        JSON.stringify(paging),
      );
    }
  });

  it('fails on the same page again: an API that ignores the page asked for cannot be read whole', async () => {
    const server = await ledgerServer(() => ({ creditActions: actions(0, 5), pageInfo: { perPage: 5, total: 12, hasMore: true } }));
    assert.match(
      failure(await read(server.origin)),
      /page 2 of the debit actions of credit account .* listed only actions already read though the API said there were more/,
    );
    assert.deepEqual(server.pages, [1, 2]);
    const untold = await ledgerServer(() => ({ creditActions: actions(0, 5), pageInfo: { cursor: 'x', hasMore: true } }));
    assert.match(failure(await read(untold.origin)), /listed only actions already read/);
  });

  it('takes the same page again as the end when the total says every action was read', async () => {
    const server = await ledgerServer(() => ({ creditActions: actions(0, 5), pageInfo: { perPage: 5, total: 5, hasMore: true } }));
    const result = await read(server.origin);
    assert.deepEqual([result.kind === 'done' ? result.value.length : failure(result), server.pages], [5, [1, 2]]);
  });

  it('bounds a list that never ends by the total the API gave, and by a ceiling when it gives none', async () => {
    const bounded = await ledgerServer((page) => ({ creditActions: actions(page * 5, 5), pageInfo: { perPage: 5, total: 10, hasMore: true } }));
    assert.match(failure(await read(bounded.origin)), /the API said credit account .* has 10 debit actions, yet still listed more after 3 pages of 5/);
    assert.deepEqual(bounded.pages, [1, 2, 3]);
    const unbounded = await ledgerServer((page) => ({ creditActions: actions(page * 5, 5), pageInfo: { hasMore: true } }));
    assert.match(failure(await read(unbounded.origin, 'debit', 7)), /still had more debit actions for credit account .* after 7 pages/);
    assert.deepEqual(unbounded.pages, [1, 2, 3, 4, 5, 6, 7]);
  });

  it('ends, where the answer does not say whether there is more, at a short page or once the total is reached', async () => {
    const short = await ledgerServer((page) => ({ creditActions: actions(page * 5, page < 3 ? 5 : 2), pageInfo: { perPage: 5 } }));
    const shortRead = await read(short.origin);
    assert.deepEqual([shortRead.kind === 'done' ? shortRead.value.length : failure(shortRead), short.pages], [12, [1, 2, 3]]);
    const counted = await ledgerServer((page) => ({ creditActions: actions(page * 5, 5), pageInfo: { total: 10 } }));
    const countedRead = await read(counted.origin);
    assert.deepEqual([countedRead.kind === 'done' ? countedRead.value.length : failure(countedRead), counted.pages], [10, [1, 2]]);
  });

  it('refuses an action listed twice with different values', async () => {
    const server = await ledgerServer((page) => ({
      creditActions: page === 1 ? actions(0, 2) : [{ ...actions(1, 1)[0], amount: 5 }],
      pageInfo: { perPage: 2, total: 2, hasMore: page === 1 },
    }));
    assert.match(failure(await read(server.origin)), /listed debit action n-1 of credit account .* twice, with different values/);
  });
});

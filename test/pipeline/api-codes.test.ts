import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError } from '../../src/core/errors.js';
import { MOCK_MAX_BALANCE, type MockApi } from '../../src/mock/server.js';
import { checkKey } from '../../src/pipeline/operations/check-key.js';
import { updateCreditBatch } from '../../src/pipeline/operations/update-credit-batch.js';
import { Executor, type ExecutorEvents } from '../../src/send/executor.js';
import type { SendResult } from '../../src/send/operation.js';
import type { SendOptions } from '../../src/send/options.js';
import type { ValidRow } from '../../src/validate/row.js';
import { cli, ids, KEY, mockStarter, readLog, readSummary, requestsFor, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();

function executorFor(
  mock: MockApi,
  more: { readonly apiKey?: string; readonly retries?: number; readonly circuitBreaker?: number; readonly events?: ExecutorEvents } = {},
): Executor {
  const options: SendOptions = {
    target: { origin: mock.origin, apiKey: more.apiKey ?? KEY },
    concurrency: 1,
    ratePerMinute: 0,
    maxRatePerMinute: 0,
    rateFrom: 'told',
    burst: 20,
    learnBurst: false,
    timeoutMs: 5000,
    retry: { retries: more.retries ?? 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
    maxThrottleWaitMs: 60_000,
    circuitBreaker: more.circuitBreaker ?? 0,
  };
  return new Executor(options, new AbortController().signal, more.events ?? {});
}

/** The row apply sends for a batch: one PUT of its balance. */
const row = (id: string, currentBalance: number, line = 2): ValidRow => ({
  line,
  id,
  body: { currentBalance },
  cells: [id, String(currentBalance)],
  before: {},
});

async function send(executor: Executor, item: ValidRow): Promise<SendResult<unknown>> {
  try {
    return await executor.perform(updateCreditBatch, item);
  } finally {
    executor.close();
  }
}

/** The error a row failed with: a failed row reports its code (report.csv's and failed.csv's `code` column). */
function failedWith(result: SendResult<unknown>): ApiError {
  assert.equal(result.kind, 'failed', JSON.stringify(result));
  return result.kind === 'failed' ? result.error : assert.fail();
}

describe('every failure of a request carries the code of what the API answered', () => {
  it('a 422 of the mock (a balance over its limit) fails the row with TIC-API-422, sent once, the batch untouched', async () => {
    const [id] = ids(1) as [string];
    const mock = await mockWith([id]);
    const error = failedWith(await send(executorFor(mock), row(id, MOCK_MAX_BALANCE + 1)));
    assert.deepEqual(
      [error.code, error.kind, error.status, error.message],
      ['TIC-API-422', 'rejected', 422, `422: currentBalance may not exceed ${MOCK_MAX_BALANCE}`],
    );
    assert.deepEqual(
      requestsFor(mock, id).map((request) => request.answer),
      [422],
    );
    assert.equal(mock.store.get(id)?.currentBalance, 100);
  });

  it('a 404 of the mock (a batch it does not hold) fails the row with TIC-API-404', async () => {
    const [held, missing] = ids(2) as [string, string];
    const mock = await mockWith([held]);
    const error = failedWith(await send(executorFor(mock), row(missing, 5)));
    assert.deepEqual([error.code, error.kind, error.status], ['TIC-API-404', 'rejected', 404]);
    assert.deepEqual(
      requestsFor(mock, missing).map((request) => request.answer),
      [404],
    );
  });

  it('5xx answers after every retry fail the row with TIC-API-5XX, whichever of 500, 502, 503, 504 came last', async () => {
    for (const status of [500, 502, 503, 504]) {
      const [id] = ids(1) as [string];
      const mock = await mockWith([id], { faults: { script: { [id]: Array.from({ length: 3 }, () => ({ kind: 'status' as const, status })) } } });
      const error = failedWith(await send(executorFor(mock, { retries: 2 }), row(id, 5)));
      assert.deepEqual([error.code, error.kind, error.status], ['TIC-API-5XX', 'transient', status]);
      assert.deepEqual(
        requestsFor(mock, id).map((request) => request.answer),
        [status, status, status],
      );
      assert.equal(mock.store.get(id)?.currentBalance, 100);
    }
  });

  it('a refused key fails the row with TIC-API-401 (unknown key) or TIC-API-403 (a key without the permission), and stops the run with that code', async () => {
    for (const [apiKey, code] of [
      ['ti_test_wrong_key_0123456789', 'TIC-API-401'],
      ['ti_test_read_only_0123456789', 'TIC-API-403'],
    ] as const) {
      const [id] = ids(1) as [string];
      const mock = await mockWith([id], { forbiddenKeys: ['ti_test_read_only_0123456789'] });
      const fatal: ApiError[] = [];
      const error = failedWith(await send(executorFor(mock, { apiKey, events: { onFatal: (stop) => fatal.push(stop) } }), row(id, 5)));
      assert.deepEqual([error.code, error.kind], [code, 'auth']);
      assert.deepEqual(
        fatal.map((stop) => stop.code),
        [code],
      );
      assert.equal(requestsFor(mock, id).length, 1);
    }
  });

  it('dropped connections after every retry fail the row with TIC-API-NETWORK', async () => {
    const [id] = ids(1) as [string];
    const mock = await mockWith([id], { faults: { script: { [id]: [{ kind: 'reset' }, { kind: 'reset' }] } } });
    const error = failedWith(await send(executorFor(mock, { retries: 1 }), row(id, 5)));
    assert.deepEqual([error.code, error.kind, error.status], ['TIC-API-NETWORK', 'transient', undefined]);
    assert.deepEqual(
      requestsFor(mock, id).map((request) => request.answer),
      ['reset', 'reset'],
    );
  });

  it('a 200 holding another batch than the one sent fails the row with TIC-API-UPDATE-UNCONFIRMED', async () => {
    const [id, other] = ids(2) as [string, string];
    const mock = await mockWith([id], {
      faults: { script: { [id]: [{ kind: 'status', status: 200, body: { data: { UpdateCreditBatch: { id: other } } } }] } },
    });
    const error = failedWith(await send(executorFor(mock), row(id, 5)));
    assert.deepEqual([error.code, error.kind], ['TIC-API-UPDATE-UNCONFIRMED', 'rejected']);
    assert.match(error.message, new RegExp(`for credit batch ${other} instead of ${id}`));
  });

  it('rows failing one after the other open the circuit breaker with TIC-API-UNAVAILABLE, quoting the last failure', async () => {
    const rows = ids(2);
    const mock = await mockWith(rows, { faults: { script: Object.fromEntries(rows.map((id) => [id, [{ kind: 'status' as const, status: 503 }]])) } });
    const opened: ApiError[] = [];
    const executor = executorFor(mock, { retries: 0, circuitBreaker: 2, events: { onCircuitOpen: (error) => opened.push(error) } });
    const results = [await executor.perform(updateCreditBatch, row(rows[0] ?? '', 5, 2)), await executor.perform(updateCreditBatch, row(rows[1] ?? '', 5, 3))];
    executor.close();
    assert.deepEqual(
      results.map((result) => failedWith(result).code),
      ['TIC-API-5XX', 'TIC-API-5XX'],
    );
    assert.deepEqual(
      opened.map((error) => [error.code, error.kind]),
      [['TIC-API-UNAVAILABLE', 'aborted']],
    );
    assert.match(opened[0]?.message ?? '', /^the last 2 rows sent all failed after every retry \(the last: 503: Injected 503\)/);
  });

  it("a key that cannot be checked (GET /ping kept failing) is TIC-API-KEY-UNCHECKED; a refused one keeps the status's code", async () => {
    const down = await mockWith([], {
      faults: {
        script: {
          ping: [
            { kind: 'status', status: 503 },
            { kind: 'status', status: 503 },
          ],
        },
      },
    });
    const unchecked = executorFor(down, { retries: 1 });
    const error = await checkKey(unchecked).finally(() => unchecked.close());
    assert.deepEqual([error?.code, error?.kind], ['TIC-API-KEY-UNCHECKED', 'aborted']);
    assert.equal(down.requests.length, 2);
    const refused = executorFor(await mockWith([]), { apiKey: 'ti_test_wrong_key_0123456789' });
    assert.equal((await checkKey(refused).finally(() => refused.close()))?.code, 'TIC-API-401');
  });
});

describe('a run stopped by the API records the code of what stopped it in run.log', () => {
  it('a refused key (401): run.log says TIC-API-401, summary.json the same code', async () => {
    const all = ids(3);
    const mock = await mockWith(all);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${all.map((id) => `${id},5`).join('\n')}\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '0', '--retry-delay', '1'], {
      cwd: dir,
      env: { TI_API_KEY: 'ti_test_wrong_key_0123456789' },
    });
    assert.equal(run.code, 3, run.stderr);
    assert.deepEqual(
      (await readLog(dir, 'stop')).map((entry) => [entry.code, entry.kind, entry.httpStatus]),
      [['TIC-API-401', 'auth', 401]],
    );
    const summary = await readSummary(dir);
    assert.deepEqual([summary.status, summary.error.kind, summary.error.code], ['stopped', 'auth', 'TIC-API-401']);
    assert.match(summary.error.message, /the API rejected the key \(401/);
  });

  it('5xx after 5xx (the circuit breaker): run.log says TIC-API-UNAVAILABLE', async () => {
    const all = ids(4);
    const mock = await mockWith(all, { faults: { errorRate: 1, errorStatuses: [503] } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${all.map((id) => `${id},5`).join('\n')}\n`);
    const run = await cli(
      [
        'apply',
        '--blind',
        '--yes',
        csv,
        '--base-url',
        mock.origin,
        '--rate',
        '0',
        '--retry-delay',
        '1',
        '--retries',
        '0',
        '--circuit-breaker',
        '2',
        '--concurrency',
        '1',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 3, run.stderr);
    assert.deepEqual(
      (await readLog(dir, 'circuit-breaker')).map((entry) => entry.code),
      ['TIC-API-UNAVAILABLE'],
    );
    assert.deepEqual(
      (await readLog(dir, 'stop')).map((entry) => [entry.code, entry.kind]),
      [['TIC-API-UNAVAILABLE', 'aborted']],
    );
    assert.ok(mock.requests.every((request) => request.answer === 503));
  });
});

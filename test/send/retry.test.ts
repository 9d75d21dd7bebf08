import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/core/errors.js';
import { decide, retryDelay, withRetries, type RetryHooks, type RetryPolicy } from '../../src/send/retry.js';
import { FakeClock } from '../fake-clock.js';

const policy: RetryPolicy = { retries: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10_000 };

/** Runs `withRetries` on virtual time: its backoffs pass as the clock is moved, not as the machine waits. */
async function onVirtualTime<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  retryPolicy: RetryPolicy,
  hooks: Omit<RetryHooks, 'clock'> = {},
): Promise<{ result: Promise<T>; clock: FakeClock }> {
  const clock = new FakeClock();
  const result = withRetries(attempt, retryPolicy, { ...hooks, clock });
  // Settled or not, the run's outcome is read by the test; a rejection is not left unhandled meanwhile.
  result.catch(() => {});
  await clock.runUntil();
  return { result, clock };
}

describe('retries', () => {
  it('retries a transient failure until it succeeds', async () => {
    let calls = 0;
    const { result } = await onVirtualTime(async () => {
      calls++;
      if (calls < 3) throw new ApiError('transient', '503: busy', { status: 503, code: 'TIC-API-5XX' });
      return 'done';
    }, policy);
    assert.equal(await result, 'done');
    assert.equal(calls, 3);
  });
  it('gives up after `retries` further attempts with the last failure', async () => {
    let calls = 0;
    const { result } = await onVirtualTime(async () => {
      calls++;
      throw new ApiError('transient', `503: attempt ${calls}`, { status: 503, code: 'TIC-API-5XX' });
    }, policy);
    await assert.rejects(result, /503: attempt 4/);
    assert.equal(calls, 4);
  });
  for (const kind of ['rejected', 'auth', 'aborted', 'invalid'] as const) {
    it(`does not retry a ${kind} failure`, async () => {
      let calls = 0;
      const { result, clock } = await onVirtualTime(async () => {
        calls++;
        throw new ApiError(kind, '404: not found', { status: 404, code: 'TIC-API-404' });
      }, policy);
      await assert.rejects(result, (error: unknown) => error instanceof ApiError && error.kind === kind);
      assert.deepEqual([calls, clock.now()], [1, 0]);
    });
  }
  it('waits what Retry-After asks before the next attempt', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const result = withRetries(
      async () => {
        starts.push(clock.now());
        if (starts.length === 1) throw new ApiError('transient', '429', { status: 429, retryAfterMs: 300, code: 'TIC-API-429' });
        return true;
      },
      policy,
      { clock },
    );
    await clock.runUntil();
    assert.equal(await result, true);
    assert.deepEqual(starts, [0, 300]);
  });
  it('fails the row at once instead of waiting longer than allowed', async () => {
    let calls = 0;
    const { result, clock } = await onVirtualTime(async () => {
      calls++;
      throw new ApiError('transient', '429: slow down', { status: 429, retryAfterMs: 3_600_000, code: 'TIC-API-429' });
    }, policy);
    await assert.rejects(result, /asked to wait 3600 s/);
    assert.deepEqual([calls, clock.now()], [1, 0]);
  });
  it('stops waiting as soon as the run is stopped', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    let calls = 0;
    const run = withRetries(
      async () => {
        calls++;
        throw new ApiError('transient', '503', { status: 503, retryAfterMs: 5000, code: 'TIC-API-5XX' });
      },
      policy,
      { signal: stop.signal, clock },
    );
    const settled = assert.rejects(run);
    await clock.runUntil(20);
    stop.abort(new Error('stopped'));
    await settled;
    // The wait of 5 s was given up 20 ms into it, and nothing more was sent.
    await clock.runUntil();
    assert.deepEqual([calls, clock.now()], [1, 20]);
  });
  it('still delivers a success that arrives after the run was stopped', async () => {
    const stop = new AbortController();
    const result = await withRetries(
      async () => {
        stop.abort(new Error('stopped'));
        return 'applied';
      },
      policy,
      { signal: stop.signal, clock: new FakeClock() },
    );
    assert.equal(result, 'applied');
  });
  it('tells the caller about each retry and its delay', async () => {
    const seen: [number, number][] = [];
    let calls = 0;
    const { result } = await onVirtualTime(
      async () => {
        if (++calls < 3) throw new ApiError('transient', 'x', { retryAfterMs: 10, code: 'TIC-API-NETWORK' });
        return 1;
      },
      policy,
      { onRetry: (_error, attempt, delay) => seen.push([attempt, delay]) },
    );
    assert.equal(await result, 1);
    assert.deepEqual(
      seen.map(([attempt]) => attempt),
      [1, 2],
    );
    assert.ok(seen.every(([, delay]) => delay >= 10));
  });
});

describe('backoff', () => {
  const wide: RetryPolicy = { retries: 10, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 };
  it('spreads delays over [0, base * 2^(n-1)), capped', () => {
    for (const [attempt, ceiling] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [5, 1000],
      [9, 1000],
    ] as const) {
      const delays = Array.from({ length: 200 }, () => retryDelay(new ApiError('transient', 'x', { code: 'TIC-API-NETWORK' }), attempt, wide));
      assert.ok(
        delays.every((delay) => delay >= 0 && delay <= ceiling),
        `attempt ${attempt}`,
      );
      assert.ok(Math.max(...delays) > ceiling / 2, `attempt ${attempt} uses the whole range`);
      assert.ok(Math.min(...delays) < ceiling / 2, `attempt ${attempt} uses the whole range`);
    }
  });
  it('never waits less than Retry-After', () => {
    assert.ok(retryDelay(new ApiError('transient', 'x', { retryAfterMs: 2000, code: 'TIC-API-NETWORK' }), 1, wide) >= 2000);
  });
});

describe('the retry decision', () => {
  const context = { retriesUsed: 0, policy, throttled: true };
  it('stops the run on a refused key, a redirect, an unknown host', () => {
    for (const kind of ['auth', 'aborted'] as const) assert.equal(decide(new ApiError(kind, 'x', { code: 'TIC-API-401' }), context).action, 'stop');
  });
  it('fails the request, not the run, when the API refuses it on its merits or it may not be tried again', () => {
    assert.equal(decide(new ApiError('rejected', '404', { status: 404, code: 'TIC-API-404' }), context).action, 'fail');
    assert.equal(decide(new ApiError('transient', 'waited too long', { status: 429, final: true, code: 'TIC-API-429' }), context).action, 'fail');
    assert.equal(decide(new ApiError('transient', '503', { status: 503, code: 'TIC-API-5XX' }), { ...context, retriesUsed: 3 }).action, 'fail');
  });
  it('pauses every request on a 429 without spending a retry, even once the retries are spent', () => {
    assert.deepEqual(decide(new ApiError('transient', '429', { status: 429, code: 'TIC-API-429' }), { ...context, retriesUsed: 3 }), { action: 'throttled' });
  });
  it('backs a 429 off like any fault where no throttle shares the pace', () => {
    const decision = decide(new ApiError('transient', '429', { status: 429, retryAfterMs: 300, code: 'TIC-API-429' }), { ...context, throttled: false });
    assert.deepEqual(decision, { action: 'backoff', delayMs: 300 });
  });
  it('fails rather than waits for a Retry-After beyond the longest wait allowed', () => {
    const decision = decide(new ApiError('transient', '503: down', { status: 503, retryAfterMs: 3_600_000, code: 'TIC-API-5XX' }), context);
    assert.equal(decision.action, 'fail');
    assert.match(decision.action === 'fail' ? decision.error.message : '', /^503: down; the API asked to wait 3600 s/);
    assert.equal(decision.action === 'fail' ? decision.error.code : '', 'TIC-API-WAIT-TOO-LONG');
  });
});

describe('retries with a throttle', () => {
  it('sends a throttled request again at once, without spending --retries, and hands each 429 to the throttle', async () => {
    const clock = new FakeClock();
    const throttled: number[] = [];
    const retried: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls <= 3) throw new ApiError('transient', '429', { status: 429, retryAfterMs: 5000, code: 'TIC-API-429' });
        return 'done';
      },
      { ...policy, retries: 0 },
      { clock, onThrottled: (error) => throttled.push(error.retryAfterMs ?? 0), onRetry: (_error, attempt) => retried.push(attempt) },
    );
    assert.deepEqual([result, calls, throttled, retried, clock.now()], ['done', 4, [5000, 5000, 5000], [], 0]);
  });
  it('still counts faults against --retries between 429s', async () => {
    const clock = new FakeClock();
    const failures = [429, 503, 429, 503, 503];
    let calls = 0;
    const run = withRetries(
      async () => {
        const status = failures[calls++];
        throw new ApiError('transient', `${status}: x`, { status: status ?? 0, retryAfterMs: 10, code: status === 429 ? 'TIC-API-429' : 'TIC-API-5XX' });
      },
      { ...policy, retries: 2 },
      { clock, onThrottled: () => {} },
    );
    const settled = assert.rejects(run, /^Error: 503: x$|503: x/);
    await clock.runUntil();
    await settled;
    // 503, 503 spend the two retries; the third 503 fails the request. The 429s spent none.
    assert.equal(calls, 5);
    assert.equal(clock.now(), 20);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../src/mock/rate-limit.js';
import { MOCK_API_KEY, startMockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';

/** A limiter on a clock the test moves by hand, starting at Unix second 1,000,000. */
function limiterAt(perMinute: number, burst: number): { limiter: RateLimiter; advance: (ms: number) => void } {
  let now = 1_000_000_000;
  return { limiter: new RateLimiter({ perMinute, burst }, () => now), advance: (ms) => void (now += ms) };
}

describe('mock rate limit', () => {
  it('lets a key send its burst at once, then refuses with the seconds until the next request is allowed', () => {
    const { limiter } = limiterAt(120, 3);
    const allowed = [1, 2, 3].map(() => limiter.take('k'));
    assert.deepEqual(
      allowed.map((decision) => [decision.allowed, decision.headers['x-ratelimit-remaining']]),
      [
        [true, '2'],
        [true, '1'],
        [true, '0'],
      ],
    );
    const refused = limiter.take('k');
    assert.equal(refused.allowed, false);
    // 120 per minute is one request every 500 ms: Retry-After rounds that up to whole seconds.
    assert.equal(refused.retryAfterSeconds, 1);
    assert.equal(refused.headers['retry-after'], '1');
  });

  it('refills at the rate per minute, never beyond the burst', () => {
    const { limiter, advance } = limiterAt(60, 2);
    limiter.take('k');
    limiter.take('k');
    assert.equal(limiter.take('k').allowed, false);
    advance(1000);
    assert.equal(limiter.take('k').allowed, true);
    assert.equal(limiter.take('k').allowed, false);
    advance(60_000);
    assert.equal(limiter.take('k').headers['x-ratelimit-remaining'], '1');
  });

  it('says the limit, and in X-RateLimit-Reset the Unix second by which the bucket is full again', () => {
    const { limiter } = limiterAt(60, 10);
    const decision = limiter.take('k');
    assert.equal(decision.headers['x-ratelimit-limit'], '60');
    // One token short at one per second: full again one second after 1,000,000.
    assert.equal(decision.headers['x-ratelimit-reset'], '1000001');
  });

  it('keeps a separate bucket for each key', () => {
    const { limiter } = limiterAt(60, 1);
    assert.equal(limiter.take('a').allowed, true);
    assert.equal(limiter.take('a').allowed, false);
    assert.equal(limiter.take('b').allowed, true);
  });

  it('makes the mock answer 429 with Retry-After and the documented body, and the rate headers on every answer', async () => {
    const id = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
    const mock = await startMockApi({ store: new CreditBatchStore([{ id, currentBalance: 1 }]), rateLimit: { perMinute: 6, burst: 1 } });
    try {
      const put = () =>
        fetch(`${mock.origin}/incoming/v2/clients/creditBatches/${id}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${MOCK_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ currentBalance: 2 }),
        });
      const first = await put();
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('x-ratelimit-limit'), '6');
      assert.equal(first.headers.get('x-ratelimit-remaining'), '0');
      const second = await put();
      assert.equal(second.status, 429);
      assert.equal(second.headers.get('retry-after'), '10');
      assert.deepEqual(await second.json(), { error: 'rate_limit_exceeded', message: 'Rate limit exceeded; retry in 10 seconds', retryAfter: 10 });
      assert.deepEqual(
        mock.requests.map((request) => request.answer),
        [200, 429],
      );
    } finally {
      await mock.close();
    }
  });

  it('answers as a gateway that strips the X-RateLimit-* headers when told to, and says Retry-After: 0 when told to, whatever the wait', async () => {
    const id = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
    const mock = await startMockApi({
      store: new CreditBatchStore([{ id, currentBalance: 1 }]),
      rateLimit: { perMinute: 6, burst: 1, headers: false, retryAfter: 'zero' },
    });
    try {
      const put = () =>
        fetch(`${mock.origin}/incoming/v2/clients/creditBatches/${id}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${MOCK_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ currentBalance: 2 }),
        });
      const answers = [await put(), await put()];
      assert.deepEqual(
        answers.map((answer) => [
          answer.status,
          [...answer.headers.keys()].filter((name) => name.startsWith('x-ratelimit')),
          answer.headers.get('retry-after'),
        ]),
        [
          [200, [], null],
          [429, [], '0'],
        ],
      );
      assert.equal(((await answers[1]?.json()) as { retryAfter: number }).retryAfter, 0);
    } finally {
      await mock.close();
    }
  });
});

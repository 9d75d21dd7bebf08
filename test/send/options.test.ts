import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PacingStats } from '../../src/core/run-facts.js';
import { continuing, type SendOptions } from '../../src/send/options.js';

const send: SendOptions = {
  target: { origin: 'https://acme.thoughtindustries.com', apiKey: 'ti_test_k_0123456789abcdef' },
  concurrency: 4,
  ratePerMinute: 120,
  maxRatePerMinute: undefined,
  rateFrom: 'guessed',
  burst: 20,
  learnBurst: true,
  timeoutMs: 30_000,
  retry: { retries: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 900_000 },
  maxThrottleWaitMs: 900_000,
  circuitBreaker: 10,
};
const pacing = (facts: Partial<PacingStats>): PacingStats => ({
  ratePerMinute: 120,
  learnedRatePerMinute: null,
  learnedBurst: null,
  throttled: false,
  pauses: 0,
  pausedMs: 0,
  ...facts,
});

describe('a later executor on the same key', () => {
  it('starts at the pace the first ended at, with the burst it learned, under the same ceiling', () => {
    const after429s = continuing(
      { ...send, maxRatePerMinute: 100_000 },
      pacing({ ratePerMinute: 548, learnedRatePerMinute: 548, learnedBurst: 1, throttled: true }),
    );
    assert.deepEqual([after429s.ratePerMinute, after429s.rateFrom, after429s.burst, after429s.maxRatePerMinute], [548, 'remembered', 1, 100_000]);
    const stated = continuing(send, pacing({ ratePerMinute: 600, learnedRatePerMinute: 600 }));
    assert.deepEqual([stated.ratePerMinute, stated.burst], [600, 20]);
  });
  it('starts as the first did when the first learned nothing, or sent nothing', () => {
    assert.equal(continuing(send, undefined), send);
    assert.equal(continuing(send, pacing({ ratePerMinute: 1920 })), send);
  });
});

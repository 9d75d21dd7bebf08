import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THROTTLE_PAUSE_MS, readRateLimit, throttlePauseMs } from '../../src/send/rate-limit-headers.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('rate-limit headers', () => {
  it('reads the limit and what remains', () => {
    assert.deepEqual(readRateLimit({ 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795000000' }), {
      limit: 120,
      remaining: 0,
    });
  });
  it('ignores what is missing or not a whole number, and a limit of 0', () => {
    assert.deepEqual(readRateLimit({}), {});
    assert.deepEqual(readRateLimit({ 'x-ratelimit-limit': '0', 'x-ratelimit-remaining': '-1' }), {});
    assert.deepEqual(readRateLimit({ 'x-ratelimit-limit': '12.5', 'x-ratelimit-remaining': 'many' }), {});
  });
});

describe('how long a 429 pauses every request', () => {
  it('is what the answer asked for, Retry-After or the body, first of all', () => {
    assert.equal(throttlePauseMs(2000, { 'x-ratelimit-reset': String(NOW / 1000 + 60) }, NOW, 0), 2000);
    assert.equal(throttlePauseMs(0, {}, NOW, 0), 0);
  });
  it('else lasts until X-RateLimit-Reset, in Unix seconds or as an HTTP date', () => {
    assert.equal(throttlePauseMs(undefined, { 'x-ratelimit-reset': String(NOW / 1000 + 32) }, NOW, 0), 32_000);
    assert.equal(throttlePauseMs(undefined, { 'x-ratelimit-reset': new Date(NOW + 5000).toUTCString() }, NOW, 0), 5000);
    assert.equal(throttlePauseMs(undefined, { 'x-ratelimit-reset': String(NOW / 1000 - 10) }, NOW, 0), 0);
  });
  it('else is a short default', () => {
    assert.equal(throttlePauseMs(undefined, {}, NOW, 0), DEFAULT_THROTTLE_PAUSE_MS);
    assert.equal(throttlePauseMs(undefined, { 'x-ratelimit-reset': 'soon' }, NOW, 0), DEFAULT_THROTTLE_PAUSE_MS);
  });
  it('is never shorter than the floor the throttle sets, whatever the answer asked for', () => {
    assert.equal(throttlePauseMs(0, {}, NOW, 1000), 1000);
    assert.equal(throttlePauseMs(undefined, { 'x-ratelimit-reset': String(NOW / 1000 - 10) }, NOW, 500), 500);
    assert.equal(throttlePauseMs(2000, {}, NOW, 1000), 2000);
  });
});

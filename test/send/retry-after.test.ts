import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter } from '../../src/send/retry-after.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  it('reads seconds', () => assert.equal(parseRetryAfter('32', undefined, now), 32_000));
  it('reads an HTTP date', () => assert.equal(parseRetryAfter('Tue, 24 Nov 2026 12:00:05 GMT', undefined, now), 5000));
  it('never returns a negative wait for a date in the past', () => assert.equal(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', undefined, now), 0));
  it('falls back to the retryAfter field of a 429 body', () =>
    assert.equal(parseRetryAfter(undefined, { error: 'rate_limit_exceeded', retryAfter: 7 }, now), 7000));
  it('prefers the header to the body', () => assert.equal(parseRetryAfter('1', { retryAfter: 7 }, now), 1000));
  it('reads a second and a half as such, and no bare number as a date', () => {
    assert.equal(parseRetryAfter('1.5', undefined, now), 1500);
    assert.equal(parseRetryAfter('0', undefined, now), 0);
    assert.equal(parseRetryAfter('1.5.2', undefined, now), undefined);
  });
  it('ignores what it cannot read', () => {
    assert.equal(parseRetryAfter('soon', undefined, now), undefined);
    assert.equal(parseRetryAfter(undefined, { retryAfter: 'x' }, now), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, type ErrorKind } from '../../src/core/errors.js';
import { say } from '../../src/core/words.js';
import { API_WORDS } from '../../src/core/words/api.js';
import { CircuitBreaker } from '../../src/send/circuit-breaker.js';
import type { SendResult } from '../../src/send/operation.js';

/** An item's result, named after the row outcome it becomes. */
const row = (outcome: 'updated' | 'failed' | 'skipped', errorKind: ErrorKind = 'transient'): SendResult<unknown> =>
  outcome === 'updated'
    ? { kind: 'done', value: undefined, attempts: 1, status: 200 }
    : outcome === 'failed'
      ? { kind: 'failed', error: new ApiError(errorKind, 'x', { code: 'TIC-API-NETWORK' }), attempts: 1, interrupted: false, answerLost: false }
      : { kind: 'not-sent', reason: 'the run stopped' };
const exhausted = row('failed', 'transient');

describe('circuit breaker', () => {
  it('trips on the row that makes `threshold` consecutive rows fail after all their retries, once', () => {
    const breaker = new CircuitBreaker(3);
    assert.deepEqual(
      [exhausted, exhausted, exhausted, exhausted].map((outcome) => breaker.record(outcome)),
      [false, false, true, false],
    );
    assert.equal(breaker.consecutiveFailures, 4);
  });
  it('starts counting again after a row the API updated or refused on its merits', () => {
    const breaker = new CircuitBreaker(2);
    assert.equal(breaker.record(exhausted), false);
    assert.equal(breaker.record(row('updated')), false);
    assert.equal(breaker.record(exhausted), false);
    assert.equal(breaker.record(row('failed', 'rejected')), false);
    assert.equal(breaker.record(exhausted), false);
    assert.equal(breaker.record(exhausted), true);
  });
  it('is not moved by rows never sent', () => {
    const breaker = new CircuitBreaker(2);
    assert.equal(breaker.record(exhausted), false);
    assert.equal(breaker.record(row('skipped')), false);
    assert.equal(breaker.record(row('failed', 'auth')), false);
    assert.equal(breaker.record(exhausted), true);
  });
  it('never trips at threshold 0', () => {
    const breaker = new CircuitBreaker(0);
    assert.ok(Array.from({ length: 100 }, () => breaker.record(exhausted)).every((tripped) => !tripped));
  });
  it('says what failed: rows sent, reads of the API (when no row was sent), or both', () => {
    const rows = new CircuitBreaker(3);
    [exhausted, exhausted, exhausted].forEach((result) => rows.record(result));
    const said = (breaker: CircuitBreaker): string => say(API_WORDS, 'TIC-API-UNAVAILABLE', { ...breaker.failures, last: '503: down' }).message;
    assert.equal(said(rows), 'the last 3 rows sent all failed after every retry (the last: 503: down); the API looks unavailable');
    const reads = new CircuitBreaker(3);
    assert.deepEqual(
      [exhausted, exhausted, exhausted].map((result) => reads.record(result, true)),
      [false, false, true],
    );
    assert.equal(said(reads), 'the last 3 reads of the API all failed (no row was sent) after every retry (the last: 503: down); the API looks unavailable');
    const both = new CircuitBreaker(3);
    both.record(exhausted, true);
    both.record(row('updated'));
    [true, false, true].forEach((read) => both.record(exhausted, read));
    assert.equal(said(both), 'the last 3 requests all failed (1 row sent, 2 reads) after every retry (the last: 503: down); the API looks unavailable');
  });
});

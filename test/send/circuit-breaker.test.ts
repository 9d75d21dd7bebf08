import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RowOutcome } from '../../src/report/outcome.js';
import { CircuitBreaker } from '../../src/send/circuit-breaker.js';

const row = (outcome: RowOutcome['outcome'], errorKind?: RowOutcome['errorKind']): RowOutcome => ({ line: 2, outcome, cells: [], attempts: 1, errorKind });
const exhausted = row('failed', 'transient');

describe('circuit breaker', () => {
  it('trips on the row that makes `threshold` consecutive rows fail after all their retries, once', () => {
    const breaker = new CircuitBreaker(3);
    assert.deepEqual([exhausted, exhausted, exhausted, exhausted].map((outcome) => breaker.record(outcome)), [false, false, true, false]);
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
});

import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/send/clock.js';

describe('the system clock', () => {
  it('holds one abort listener on a signal however many sleep on it, and none is left per sleep', async () => {
    const stop = new AbortController();
    const sleeping = Array.from({ length: 32 }, () => systemClock.sleep(1, stop.signal));
    assert.equal(getEventListeners(stop.signal, 'abort').length, 1);
    await Promise.all(sleeping);
    await Promise.all(Array.from({ length: 32 }, () => systemClock.sleep(1, stop.signal)));
    assert.equal(getEventListeners(stop.signal, 'abort').length, 1);
  });

  it('wakes every sleeper with an AbortError when the signal aborts, and refuses to sleep once it has', async () => {
    const stop = new AbortController();
    const sleeping = Array.from({ length: 16 }, () => systemClock.sleep(60_000, stop.signal));
    stop.abort();
    const results = await Promise.allSettled(sleeping);
    assert.ok(results.every((result) => result.status === 'rejected' && (result.reason as Error).name === 'AbortError'));
    await assert.rejects(systemClock.sleep(1, stop.signal), { name: 'AbortError' });
  });
});

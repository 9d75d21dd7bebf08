import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pacer } from '../../src/send/pacer.js';

describe('pacer', () => {
  it('spaces turns evenly at the given rate, the first at once', async () => {
    const pacer = new Pacer(1200);
    const started = performance.now();
    const times = await Promise.all(Array.from({ length: 5 }, () => pacer.turn().then(() => performance.now() - started)));
    assert.ok((times[0] ?? 99) < 20, `first turn after ${times[0]} ms`);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      assert.ok(gap >= 45, `gap ${i} was ${gap} ms, expected about 50`);
    }
  });
  it('does not pace at rate 0', async () => {
    const pacer = new Pacer(0);
    const started = performance.now();
    await Promise.all(Array.from({ length: 100 }, () => pacer.turn()));
    assert.ok(performance.now() - started < 50);
  });
  it('gives up a turn when the signal aborts', async () => {
    const pacer = new Pacer(60);
    await pacer.turn();
    const stop = new AbortController();
    const waiting = pacer.turn(stop.signal);
    stop.abort(new Error('stop'));
    await assert.rejects(waiting);
  });
});

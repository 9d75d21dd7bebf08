import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle, type Turn } from '../../src/send/throttle.js';

const never = new AbortController().signal;

/** Times, in ms from now, at which `count` turns taken at once are granted. */
async function turnTimes(throttle: Throttle, count: number): Promise<number[]> {
  const started = performance.now();
  return Promise.all(Array.from({ length: count }, () => throttle.turn(never).then(() => performance.now() - started)));
}

/**
 * Asserts that turn `first + k` came no sooner than `k + 1` intervals after
 * the start. Each turn is checked against the start rather than against the
 * turn before: a timer that fires late leaves the bucket a token richer, so
 * the turn after it rightly comes sooner.
 */
function assertPaced(times: readonly number[], first: number, intervalMs: number): void {
  times.slice(first).forEach((time, k) => assert.ok(time >= (k + 1) * intervalMs - 5, `turn ${first + k} came after ${time.toFixed(1)} ms, before ${(k + 1) * intervalMs} ms`));
}

describe('throttle', () => {
  it('lets the burst through at once, less one request kept in reserve, then spaces turns at the rate', async () => {
    const times = await turnTimes(new Throttle({ ratePerMinute: 1200, burst: 4 }), 6);
    assert.ok(times.slice(0, 3).every((time) => time < 20), `the burst came at ${times.slice(0, 3).join(', ')} ms`);
    assertPaced(times, 3, 50);
  });

  it('does not pace at rate 0 until the server names a limit', async () => {
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 });
    const times = await turnTimes(throttle, 100);
    assert.ok((times.at(-1) ?? 99) < 50);
    assert.equal(throttle.ratePerMinute, 0);
  });

  it('follows a lower X-RateLimit-Limit, telling it once, and never goes above --rate', async () => {
    const changes: [number, number][] = [];
    const throttle = new Throttle({ ratePerMinute: 6000, burst: 2 }, { onPaceChange: (rate, previous) => changes.push([rate, previous]) });
    const turn = (await throttle.turn(never)) as Turn;
    throttle.observe({ limit: 1200 }, turn);
    throttle.observe({ limit: 1200 }, turn);
    throttle.observe({ limit: 60_000 }, turn);
    assert.deepEqual(changes, [
      [1200, 6000],
      [6000, 1200],
    ]);
    throttle.observe({ limit: 1200 }, turn);
    assert.equal(throttle.ratePerMinute, 1200);
    // The first turn may find a token saved up while the pace was 6000/min.
    assertPaced((await turnTimes(throttle, 3)).slice(1), 0, 50);
  });

  it('takes up a limit at rate 0, starting from what the server says is left', async () => {
    const throttle = new Throttle({ ratePerMinute: 0, burst: 50 });
    const turn = (await throttle.turn(never)) as Turn;
    throttle.observe({ limit: 1200, remaining: 0 }, turn);
    assert.equal(throttle.ratePerMinute, 1200);
    const [first] = await turnTimes(throttle, 1);
    assert.ok((first ?? 0) >= 40, `the next turn came after ${first} ms, before the server had a request to spare`);
  });

  it('spends no more than the server says remains, counting the requests it has not seen yet', async () => {
    const throttle = new Throttle({ ratePerMinute: 1200, burst: 20 });
    const turns = (await Promise.all([throttle.turn(never), throttle.turn(never), throttle.turn(never)])) as Turn[];
    // The first request's answer: 2 left after it; the two sent after it will take those.
    throttle.observe({ remaining: 2 }, turns[0] as Turn);
    const [next] = await turnTimes(throttle, 1);
    assert.ok((next ?? 0) >= 40, `the next turn came after ${next} ms though the server had nothing left`);
  });

  it('holds every turn back during a pause, and counts overlapping pauses once', async () => {
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 });
    assert.equal(throttle.pause(300), true);
    assert.equal(throttle.pause(200), false);
    const started = performance.now();
    const turns = (await Promise.all([throttle.turn(never), throttle.turn(never)])) as Turn[];
    assert.ok(performance.now() - started >= 295);
    assert.ok(turns.every((turn) => turn.pausedMs >= 295));
    assert.equal(throttle.pauses, 1);
    assert.ok(throttle.pausedMs >= 295 && throttle.pausedMs <= 310, `paused ${throttle.pausedMs} ms`);
  });

  it('after a pause, lets requests through one interval apart: the server has nothing saved up', async () => {
    const throttle = new Throttle({ ratePerMinute: 1200, burst: 20 });
    throttle.pause(0);
    assertPaced(await turnTimes(throttle, 3), 0, 50);
  });

  it('gives up a turn when the pause would hold it longer than allowed', async () => {
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 });
    throttle.pause(10_000);
    const started = performance.now();
    assert.equal(await throttle.turn(never, 1000), undefined);
    assert.ok(performance.now() - started < 100);
  });

  it('gives up waiting when the run stops, with an AbortError rather than the reason the run stopped', async () => {
    const throttle = new Throttle({ ratePerMinute: 60, burst: 1 });
    await throttle.turn(never);
    const stop = new AbortController();
    const waiting = throttle.turn(stop.signal);
    stop.abort(new Error('key refused'));
    await assert.rejects(waiting, { name: 'AbortError' });
    const paused = new Throttle({ ratePerMinute: 0, burst: 1 });
    paused.pause(10_000);
    const stopPaused = new AbortController();
    const held = paused.turn(stopPaused.signal);
    stopPaused.abort(new Error('key refused'));
    await assert.rejects(held, { name: 'AbortError' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle, type Turn } from '../../src/send/throttle.js';
import { FakeClock } from '../fake-clock.js';
import { simulateRun } from './simulated-run.js';

const never = new AbortController().signal;

/** The virtual times at which `count` turns taken at once are granted. */
async function turnTimes(throttle: Throttle, clock: FakeClock, count: number): Promise<number[]> {
  const times = Promise.all(Array.from({ length: count }, () => throttle.turn(never).then(() => clock.now())));
  await clock.runUntil();
  return times;
}

describe('throttle', () => {
  it('lets the burst through at once, less one request kept in reserve, then spaces turns at the rate', async () => {
    const clock = new FakeClock();
    assert.deepEqual(await turnTimes(new Throttle({ ratePerMinute: 1200, burst: 4 }, {}, clock), clock, 6), [0, 0, 0, 50, 100, 150]);
  });

  it('does not pace at rate 0 until the server names a limit', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 }, {}, clock);
    assert.deepEqual(
      await turnTimes(throttle, clock, 100),
      Array.from({ length: 100 }, () => 0),
    );
    assert.equal(throttle.ratePerMinute, 0);
  });

  it('follows a lower X-RateLimit-Limit, telling it once, and never goes above --rate', async () => {
    const clock = new FakeClock();
    const changes: [number, number][] = [];
    const throttle = new Throttle({ ratePerMinute: 6000, burst: 2 }, { onPaceChange: (rate, previous) => changes.push([rate, previous]) }, clock);
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
    assert.deepEqual(await turnTimes(throttle, clock, 3), [50, 100, 150]);
  });

  it('keeps what was earned at the old pace when the pace changes', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 1200, burst: 2 }, {}, clock);
    const turn = (await throttle.turn(never)) as Turn;
    await clock.runUntil(25);
    // Half a token earned at 1200/min (50 ms each); the other half takes 50 ms at 600/min.
    throttle.observe({ limit: 600 }, turn);
    assert.deepEqual(await turnTimes(throttle, clock, 2), [75, 175]);
  });

  it('takes up a limit at rate 0, starting from what the server says is left', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 0, burst: 50 }, {}, clock);
    const turn = (await throttle.turn(never)) as Turn;
    throttle.observe({ limit: 1200, remaining: 0 }, turn);
    assert.equal(throttle.ratePerMinute, 1200);
    assert.deepEqual(await turnTimes(throttle, clock, 1), [50]);
  });

  it('spends no more than the server says remains, counting the requests it has not seen yet', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 1200, burst: 20 }, {}, clock);
    const turns = (await Promise.all([throttle.turn(never), throttle.turn(never), throttle.turn(never)])) as Turn[];
    // The first request's answer: 2 left after it; the two sent after it will take those.
    throttle.observe({ remaining: 2 }, turns[0] as Turn);
    assert.deepEqual(await turnTimes(throttle, clock, 1), [50]);
  });

  it('when the burst was not given, learns it from the first answer and spends what remains, counting the requests on their way', async () => {
    const clock = new FakeClock();
    const learned: number[] = [];
    const throttle = new Throttle({ ratePerMinute: 6000, burst: 20, learnBurst: true }, { onBurstLearned: (burst) => learned.push(burst) }, clock);
    const turns = (await Promise.all(Array.from({ length: 4 }, () => throttle.turn(never)))) as Turn[];
    // The server's bucket of 100 after the first of the four: 99 remain, and three more are on their way.
    throttle.observe({ limit: 6000, remaining: 99 }, turns[0] as Turn);
    // Later answers say less remains than the burst would hold: they only ever lower what is spent.
    throttle.observe({ limit: 6000, remaining: 98 }, turns[1] as Turn);
    assert.deepEqual(learned, [100]);
    // 96 of the 99 at once (the burst less the one in reserve, less the three not yet seen), then 10 ms apart.
    const times = await turnTimes(throttle, clock, 98);
    assert.deepEqual(times.slice(94), [0, 0, 10, 20]);
    assert.equal(times.filter((time) => time === 0).length, 96);
  });

  it('learns the burst at rate 0 too, and a smaller one than the default', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20, learnBurst: true }, {}, clock);
    const turn = (await throttle.turn(never)) as Turn;
    throttle.observe({ limit: 600, remaining: 4 }, turn);
    // A burst of 5, the first of them spent: the 4 left at once (the burst less the one in reserve), then 100 ms apart.
    assert.deepEqual(await turnTimes(throttle, clock, 5), [0, 0, 0, 0, 100]);
  });

  it('keeps the burst it was given, whatever the server says remains', async () => {
    const clock = new FakeClock();
    const learned: number[] = [];
    const throttle = new Throttle({ ratePerMinute: 6000, burst: 3 }, { onBurstLearned: (burst) => learned.push(burst) }, clock);
    const turn = (await throttle.turn(never)) as Turn;
    throttle.observe({ limit: 6000, remaining: 99 }, turn);
    assert.deepEqual(learned, []);
    assert.deepEqual(await turnTimes(throttle, clock, 3), [0, 10, 20]);
  });

  it('holds every turn back during a pause, and counts overlapping pauses once', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 }, {}, clock);
    assert.equal(throttle.pause(300), true);
    assert.equal(throttle.pause(200), false);
    assert.equal(throttle.pauseLeftMs, 300);
    const turns = Promise.all([throttle.turn(never), throttle.turn(never)]);
    await clock.runUntil();
    assert.equal(clock.now(), 300);
    assert.deepEqual(
      (await turns).map((turn) => turn?.pausedMs),
      [300, 300],
    );
    assert.equal(throttle.pauses, 1);
    assert.equal(throttle.pausedMs, 300);
    assert.equal(throttle.pauseLeftMs, 0);
  });

  it('counts the part of a longer pause that outlasts the one in force', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 }, {}, clock);
    throttle.pause(300);
    await clock.runUntil(100);
    assert.equal(throttle.pause(500), false);
    assert.equal(throttle.pauseLeftMs, 500);
    await clock.runUntil(1000);
    assert.deepEqual([throttle.pauses, throttle.pausedMs], [1, 600]);
  });

  it('after a pause, lets requests through one interval apart: the server has nothing saved up', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 1200, burst: 20 }, {}, clock);
    throttle.pause(0);
    assert.deepEqual(await turnTimes(throttle, clock, 3), [50, 100, 150]);
  });

  it('gives up a turn when the pause would hold it longer than allowed', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 0, burst: 20 }, {}, clock);
    throttle.pause(10_000);
    assert.equal(await throttle.turn(never, 1000), undefined);
    assert.equal(clock.now(), 0);
  });

  it('gives up waiting when the run stops, with an AbortError rather than the reason the run stopped', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 60, burst: 1 }, {}, clock);
    await throttle.turn(never);
    const stop = new AbortController();
    const waiting = throttle.turn(stop.signal);
    stop.abort(new Error('key refused'));
    await assert.rejects(waiting, { name: 'AbortError' });
    const paused = new Throttle({ ratePerMinute: 0, burst: 1 }, {}, clock);
    paused.pause(10_000);
    const stopPaused = new AbortController();
    const held = paused.turn(stopPaused.signal);
    stopPaused.abort(new Error('key refused'));
    await assert.rejects(held, { name: 'AbortError' });
  });

  it('never pauses for less than a second after a 429 until the API says its limit, then one interval of its pace', async () => {
    const clock = new FakeClock();
    const fast = new Throttle({ ratePerMinute: 100_000, burst: 20 }, {}, clock);
    assert.equal(fast.minPauseMs, 1000);
    assert.equal(new Throttle({ ratePerMinute: 0, burst: 20 }, {}, clock).minPauseMs, 1000);
    assert.equal(new Throttle({ ratePerMinute: 30, burst: 20 }, {}, clock).minPauseMs, 2000);
    const turn = (await fast.turn(never)) as Turn;
    fast.observe({ limit: 600 }, turn);
    assert.equal(fast.minPauseMs, 100);
  });
});

describe('throttle, when 429s come without a stated limit', () => {
  it('after a pause, resumes one interval after it, without the burst its bucket would have saved up meanwhile', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 6000, burst: 20 }, {}, clock);
    throttle.pause(1000);
    assert.deepEqual(await turnTimes(throttle, clock, 3), [1010, 1020, 1030]);
  });

  it('puts a 429 from a request that rode a burst down to the burst: no burst again, the pace kept; the next 429 lowers the pace, once for the requests already on their way', async () => {
    const clock = new FakeClock();
    const lowered: [number, number][] = [];
    const throttle = new Throttle({ ratePerMinute: 1200, burst: 20 }, { onPaceLowered: (rate, previous) => lowered.push([rate, previous]) }, clock);
    const burst = (await Promise.all(Array.from({ length: 6 }, () => throttle.turn(never)))) as Turn[];
    assert.ok(burst.every((turn) => turn.saved === true));
    for (const turn of burst.slice(0, 5)) throttle.observe({}, turn, 200);
    throttle.observe({}, burst[5] as Turn, 429);
    assert.deepEqual([throttle.ratePerMinute, throttle.throttled, lowered], [1200, true, []]);
    throttle.pause(throttle.minPauseMs);
    // A bucket of one: one request every 50 ms once the second is over.
    const paced = Promise.all(Array.from({ length: 3 }, () => throttle.turn(never)));
    await clock.runUntil();
    const turns = (await paced) as Turn[];
    assert.equal(clock.now(), 1150);
    assert.ok(turns.every((turn) => turn.saved === false));
    throttle.observe({}, turns[1] as Turn, 429);
    throttle.observe({}, turns[0] as Turn, 429);
    throttle.observe({}, turns[2] as Turn, 429);
    assert.equal(lowered.length, 1);
    assert.ok(throttle.ratePerMinute < 1200);
  });

  it('follows a limit stated in X-RateLimit-Limit once an answer gives one, whatever the 429s taught, and stops learning from them', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ ratePerMinute: 6000, burst: 2 }, {}, clock);
    const first = (await throttle.turn(never)) as Turn;
    throttle.observe({}, first, 429);
    throttle.pause(1000);
    const waiting = throttle.turn(never);
    await clock.runUntil();
    const second = (await waiting) as Turn;
    throttle.observe({}, second, 429);
    assert.ok(throttle.ratePerMinute < 6000);
    throttle.observe({ limit: 3000 }, second, 200);
    assert.deepEqual([throttle.ratePerMinute, throttle.learnedRatePerMinute, throttle.throttled], [3000, 3000, false]);
    const later = throttle.turn(never);
    await clock.runUntil();
    throttle.observe({}, (await later) as Turn, 429);
    assert.equal(throttle.ratePerMinute, 3000);
  });

  it('without --rate, follows X-RateLimit-Limit above where it started; --rate stays a ceiling', async () => {
    const clock = new FakeClock();
    const changes: [number, number][] = [];
    const untold = new Throttle(
      { ratePerMinute: 120, maxRatePerMinute: undefined, startFrom: 'guessed', burst: 20 },
      { onPaceChange: (rate, previous) => changes.push([rate, previous]) },
      clock,
    );
    untold.observe({ limit: 600 }, (await untold.turn(never)) as Turn, 200);
    assert.deepEqual([untold.ratePerMinute, changes], [600, [[600, 120]]]);
    const told = new Throttle({ ratePerMinute: 300, burst: 20 }, {}, clock);
    told.observe({ limit: 600 }, (await told.turn(never)) as Turn, 200);
    assert.equal(told.ratePerMinute, 300);
  });
});

describe('whole runs on virtual time against a server that refuses nearly everything with Retry-After: 0', () => {
  it('sends one round of requests per pause of a second at most, never faster, and lowers the pace until the 429s are rare', async () => {
    const run = await simulateRun({
      rows: 8,
      server: { perMinute: 2, burst: 1, headers: false, retryAfter: 'zero' },
      throttle: { ratePerMinute: 100_000, burst: 20 },
    });
    const busiestSecond = Math.max(...run.refusedAt.map((start) => run.refusedAt.filter((at) => at >= start && at < start + 1000).length));
    assert.ok(busiestSecond <= 2 * 4, `${busiestSecond} answered 429 in one second`);
    assert.ok(run.refused < 40, `${run.refused} answered 429 for 8 rows`);
    assert.ok(run.throttle.ratePerMinute < 10, `paced at ${run.throttle.ratePerMinute}/min at the end`);
  });
});

describe('whole runs on virtual time against a server of 600 a minute', () => {
  const ROWS = 300;
  for (const burst of [5, 20]) {
    for (const retryAfter of ['honest', 'zero'] as const) {
      for (const [told, throttle] of [
        ['--rate 100000', { ratePerMinute: 100_000 }],
        ['--rate 1200', { ratePerMinute: 1200 }],
        ['no --rate', { ratePerMinute: 120, maxRatePerMinute: undefined, startFrom: 'guessed' }],
        ['--rate 0', { ratePerMinute: 0 }],
      ] as const) {
        it(`without rate-limit headers (burst ${burst}, Retry-After ${retryAfter}), ${told}: at most 10% of the rows answered 429, most in the first seconds, and at most 1.35 times the ideal`, async () => {
          const run = await simulateRun({
            rows: ROWS,
            server: { perMinute: 600, burst, headers: false, retryAfter },
            throttle: { ...throttle, burst: 20, learnBurst: true },
          });
          assert.ok(run.refused <= ROWS * 0.1, `${run.refused} answered 429`);
          assert.ok(run.refusedAt.filter((at) => at > 10_000).length <= 3, `429s at ${run.refusedAt.join(', ')} ms`);
          assert.ok(run.wallMs <= 1.35 * run.idealMs, `${run.wallMs} ms against an ideal of ${run.idealMs}`);
          assert.equal(run.throttle.throttled, true);
          // The pace the run settled on, which the next run starts from: within a quarter of the limit.
          const learned = run.throttle.learnedRatePerMinute ?? 0;
          assert.ok(learned >= 450 && learned <= 750, `learned ${learned}/min`);
        });
      }
    }
    it(`without rate-limit headers (burst ${burst}), the next run, starting from the pace the first learned: a few 429s and near the ideal`, async () => {
      const server = { perMinute: 600, burst, headers: false };
      const first = await simulateRun({ rows: ROWS, server, throttle: { ratePerMinute: 100_000, burst: 20, learnBurst: true } });
      const learned = first.throttle.learnedRatePerMinute ?? 0;
      const next = await simulateRun({
        rows: ROWS,
        server,
        throttle: { ratePerMinute: learned, maxRatePerMinute: 100_000, startFrom: 'remembered', burst: first.throttle.learnedBurst ?? 20, learnBurst: true },
      });
      assert.ok(next.refused <= Math.min(3, first.refused), `${next.refused} answered 429, ${first.refused} the first time`);
      assert.ok(next.wallMs <= 1.15 * next.idealMs, `${next.wallMs} ms against an ideal of ${next.idealMs}`);
    });
    it(`with rate-limit headers (burst ${burst}), --rate 100000: no 429 and the ideal time`, async () => {
      const run = await simulateRun({ rows: ROWS, server: { perMinute: 600, burst }, throttle: { ratePerMinute: 100_000, burst: 20, learnBurst: true } });
      assert.equal(run.refused, 0);
      assert.ok(run.wallMs <= 1.01 * run.idealMs, `${run.wallMs} ms against an ideal of ${run.idealMs}`);
      assert.deepEqual([run.throttle.learnedRatePerMinute, run.throttle.throttled], [600, false]);
    });
  }
});

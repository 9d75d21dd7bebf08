import { RateLimiter, type RateLimitOptions } from '../../src/mock/rate-limit.js';
import { parseRetryAfter } from '../../src/send/retry-after.js';
import { readRateLimit, throttlePauseMs } from '../../src/send/rate-limit-headers.js';
import { Throttle, type ThrottleOptions } from '../../src/send/throttle.js';
import { FakeClock } from '../fake-clock.js';

export interface SimulatedRun {
  /** Virtual milliseconds from the first request to the last answer. */
  readonly wallMs: number;
  /** (rows − burst) / limit: no client can do better. */
  readonly idealMs: number;
  readonly requests: number;
  readonly refused: number;
  readonly throttle: Throttle;
  /** Virtual times of the 429s. */
  readonly refusedAt: readonly number[];
}

/**
 * Sends `rows` requests through a Throttle to the mock's own rate limiter,
 * on virtual time, the way the Executor does: each worker takes a turn, the
 * request takes `latencyMs`, the answer is observed, and a 429 pauses every
 * worker (for its Retry-After, never under the throttle's floor) before the
 * same request goes again. What the pacing arithmetic does over a whole run,
 * without a socket or a second of wall time.
 */
export async function simulateRun(options: {
  readonly rows: number;
  readonly server: RateLimitOptions;
  readonly throttle: ThrottleOptions;
  readonly concurrency?: number;
  readonly latencyMs?: number;
}): Promise<SimulatedRun> {
  const clock = new FakeClock();
  const limiter = new RateLimiter(options.server, () => clock.now());
  const throttle = new Throttle(options.throttle, {}, clock);
  const never = new AbortController().signal;
  const latencyMs = options.latencyMs ?? 2;
  let left = options.rows;
  let requests = 0;
  const refusedAt: number[] = [];
  let lastAnswer = 0;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      for (;;) {
        const turn = await throttle.turn(never);
        if (turn === undefined) throw new Error('a turn was refused without a wait limit');
        requests++;
        await clock.sleep(latencyMs / 2);
        const decision = limiter.take('key');
        await clock.sleep(latencyMs / 2);
        lastAnswer = clock.now();
        throttle.observe(readRateLimit(decision.headers), turn, decision.allowed ? 200 : 429);
        if (decision.allowed) break;
        refusedAt.push(clock.now());
        const asked = parseRetryAfter(decision.headers['retry-after'], undefined, Date.now());
        throttle.pause(throttlePauseMs(asked, decision.headers, Date.now(), throttle.minPauseMs));
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  await clock.runUntil();
  await done;
  const { perMinute, burst } = options.server;
  return { wallMs: lastAnswer, idealMs: ((options.rows - burst) / perMinute) * 60_000, requests, refused: refusedAt.length, throttle, refusedAt };
}

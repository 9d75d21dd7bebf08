import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptivePace } from '../../src/send/adaptive-pace.js';

/** Turns the pace held back, `intervalMs` apart, from `from` to `to`: sending time passes only with them. */
function sendEvenly(pace: AdaptivePace, from: number, to: number, intervalMs: number): void {
  for (let at = from; at <= to; at += intervalMs) {
    pace.turn(at, true);
    pace.accepted();
  }
}

describe('the adaptive pace (429s without a stated limit)', () => {
  it('holds the pace told until a 429, then starts again from what the server accepted and doubles every 2 s of sending', () => {
    const pace = new AdaptivePace({ start: 100_000, ceiling: 100_000, from: 'told' });
    for (let request = 0; request < 5; request++) {
      pace.turn(0, false);
      pace.accepted();
    }
    assert.equal(pace.ratePerMinute, 100_000);
    // Five accepted, counted over at least a second: the server's burst says nothing of its pace.
    pace.refused(5, true);
    assert.equal(pace.ratePerMinute, 300);
    assert.equal(pace.throttled, true);
    assert.equal(pace.floorRate, undefined);
    sendEvenly(pace, 1000, 2000, 200);
    // The pause counts as one second of sending (the turn after it waited), then one more.
    assert.equal(pace.ratePerMinute, 600);
  });

  it('after a 429 at its own pace, goes to the higher of 70% of it and what the server accepted between two 429s, back halfway within 4 s, then beyond along a cubic', () => {
    const lower = new AdaptivePace({ start: 600, ceiling: Number.POSITIVE_INFINITY, from: 'remembered' });
    lower.turn(0, true);
    lower.refused(0, true);
    assert.equal(lower.ratePerMinute, 420);
    // 4 s back to halfway between 420 and 600, then 6 s along the cubic.
    sendEvenly(lower, 200, 10_000, 200);
    const at = lower.ratePerMinute;
    assert.ok(Math.abs(at - 510 * (1 + 0.0002 * 6 ** 3)) < 1e-9, `${at}`);
    // 50 accepted in the 10 s between the two 429s: a floor of 300 a minute, below 70% of the pace.
    lower.refused(10_000, true);
    assert.equal(lower.floorRate, 300);
    assert.ok(Math.abs(lower.ratePerMinute - 0.7 * at) < 1e-9);
    sendEvenly(lower, 10_200, 14_000, 200);
    assert.ok(Math.abs(lower.ratePerMinute - 0.85 * at) < 1e-9, `${lower.ratePerMinute} after 4 s`);
    sendEvenly(lower, 14_200, 24_000, 200);
    assert.ok(Math.abs(lower.ratePerMinute - 0.85 * at * (1 + 0.0002 * 10 ** 3)) < 1e-9, `${lower.ratePerMinute} 10 s past halfway`);

    // 100 accepted in the same 10 s: the server allows at least 600 a minute, above the pace the 429 came at, which is kept.
    const kept = new AdaptivePace({ start: 600, ceiling: Number.POSITIVE_INFINITY, from: 'remembered' });
    kept.turn(0, true);
    kept.refused(0, true);
    sendEvenly(kept, 100, 10_000, 100);
    const before = kept.ratePerMinute;
    kept.refused(10_000, true);
    assert.equal(kept.floorRate, 600);
    assert.equal(kept.ratePerMinute, before);
  });

  it('counts no sending time while the pace does not hold requests back (a file read, a question, idle workers)', () => {
    const pace = new AdaptivePace({ start: 120, ceiling: Number.POSITIVE_INFINITY, from: 'guessed' });
    pace.turn(0, true);
    pace.turn(60_000, true);
    pace.turn(60_500, false);
    pace.turn(120_000, false);
    // One gap counted, at most a second (two intervals at 120/min): 120 × 2^(1/2).
    assert.equal(Math.round(pace.ratePerMinute), 170);
  });

  it('never goes above the ceiling nor below one request a minute, and cuts by 30% when the server accepted nothing', () => {
    const capped = new AdaptivePace({ start: 120, ceiling: 200, from: 'guessed' });
    sendEvenly(capped, 0, 20_000, 100);
    assert.equal(capped.ratePerMinute, 200);
    const refused = new AdaptivePace({ start: 10, ceiling: Number.POSITIVE_INFINITY, from: 'remembered' });
    refused.turn(0, true);
    for (let at = 1; at < 20; at++) refused.refused(at * 1000, true);
    assert.equal(refused.ratePerMinute, 1);
    const unpaced = new AdaptivePace({ start: 0, ceiling: Number.POSITIVE_INFINITY, from: 'told' });
    assert.equal(unpaced.ratePerMinute, 0);
    unpaced.turn(0, false);
    unpaced.refused(0, true);
    assert.equal(unpaced.ratePerMinute, 84);
  });

  it('moves its reference without lowering the pace when a 429 is put down to a burst', () => {
    const pace = new AdaptivePace({ start: 1200, ceiling: 1200, from: 'told' });
    pace.turn(0, false);
    pace.accepted();
    pace.refused(10, false);
    assert.equal(pace.ratePerMinute, 1200);
    assert.equal(pace.throttled, true);
    sendEvenly(pace, 1000, 1950, 50);
    pace.refused(2000, true);
    // 20 accepted in the 1,990 ms since the first 429.
    assert.equal(Math.round(pace.floorRate ?? 0), 603);
    assert.equal(Math.round(pace.ratePerMinute), 603);
  });

  it('cuts from the pace requests actually went at when that was well under the pace set (the workers, or pauses, held them back)', () => {
    const pace = new AdaptivePace({ start: 6000, ceiling: Number.POSITIVE_INFINITY, from: 'remembered' });
    for (let at = 0; at < 2000; at += 250) {
      pace.turn(at, false);
      pace.accepted();
    }
    pace.refused(2000, true);
    // Three went out in the last second, all accepted: 180 a minute, not 70% of 6,000.
    assert.equal(pace.ratePerMinute, 180);
  });

  it("below a request a second, moves in requests' intervals rather than seconds", () => {
    const pace = new AdaptivePace({ start: 30, ceiling: Number.POSITIVE_INFINITY, from: 'guessed' });
    pace.turn(0, true);
    // Doubled after four seconds of sending at 60 a minute and more; at 30, after two intervals of 2 s.
    pace.turn(2000, true);
    assert.ok(Math.abs(pace.ratePerMinute - 30 * Math.SQRT2) < 1e-9);
    pace.turn(4000, true);
    assert.equal(pace.ratePerMinute, 60);
  });
});

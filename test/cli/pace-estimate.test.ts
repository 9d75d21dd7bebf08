import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PaceEstimate } from '../../src/cli/pace-estimate.js';
import { formatEstimate } from '../../src/cli/views/plan.js';
import { formatPace } from '../../src/cli/views/progress.js';

describe('pace estimate', () => {
  it('uses the pace sending was told to keep until 5 s have been observed', () => {
    const estimate = new PaceEstimate();
    estimate.observe(0, 0);
    estimate.observe(4000, 50);
    assert.equal(estimate.rowsPerMinute(120), 120);
  });
  it('then follows the rows finished over the last minute, so a pause shows while it lasts', () => {
    const estimate = new PaceEstimate(60_000);
    for (let second = 0; second <= 120; second++) estimate.observe(second * 1000, second < 60 ? second * 2 : 120);
    assert.equal(estimate.rowsPerMinute(120), 0);
    const steady = new PaceEstimate(60_000);
    for (let second = 0; second <= 30; second++) steady.observe(second * 1000, second * 2);
    assert.equal(steady.rowsPerMinute(600), 120);
  });
  it('turns rows left and a pace into time left, or says it cannot', () => {
    assert.equal(PaceEstimate.timeLeftMs(1240, 120), 620_000);
    assert.equal(PaceEstimate.timeLeftMs(0, 0), 0);
    assert.equal(PaceEstimate.timeLeftMs(10, 0), undefined);
  });
});

describe('the pace in words', () => {
  it('says the pace in force and what set it', () => {
    assert.equal(formatPace({ ratePerMinute: 0, learnedRatePerMinute: null, throttled: false }), 'unpaced');
    assert.equal(formatPace({ ratePerMinute: 120, learnedRatePerMinute: null, throttled: false }), 'pace 120/min');
    assert.equal(formatPace({ ratePerMinute: 600, learnedRatePerMinute: 600, throttled: false }), "pace 600/min, the API's limit");
    assert.equal(formatPace({ ratePerMinute: 548, learnedRatePerMinute: 548, throttled: true }), 'pace 548/min, learned from 429s');
  });
  it('estimates an unpaced start at the pace the API allows, whatever tells it', () => {
    assert.equal(formatEstimate(30, 0, 20), '30 rows at the pace the API allows.');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEstimate, formatPace, formatPlan } from '../../src/cli/messages.js';
import { PaceEstimate } from '../../src/cli/pace-estimate.js';
import type { ChangeFigures, Plan } from '../../src/pipeline/plan.js';

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
  const changes = (readRequests: number): ChangeFigures => ({
    unchanged: 0,
    drifted: 0,
    readRequests,
    balance: { before: 0n, after: 0n, added: 0n, removed: 0n, up: 0, down: 0, largest: [] },
    belowAllocated: { rows: 0, first: [] },
    expiry: { later: 0, earlier: 0 },
    renamed: 2000,
  });
  const plan = (readRequests: number | undefined): Plan => ({
    rows: 2000,
    fields: { name: 2000, expiresOn: 0, currentBalance: 0 },
    balanceSum: 0n,
    expiry: undefined,
    alreadyUpdated: 0,
    invalid: 0,
    changes: readRequests === undefined ? undefined : changes(readRequests),
    notes: [],
  });
  const estimateOf = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';
  const facts = { target: 'https://acme.thoughtindustries.com', keyKind: 'live', burst: 20, limits: undefined, skipInvalid: false } as const;

  it('estimates the time at the pace the run will have, counting the reads of the live values still to come', () => {
    assert.equal(estimateOf(formatPlan(plan(undefined), { ...facts, ratePerMinute: 600, maxStalenessMs: undefined })), '  2,000 rows at 600/min: about 3 min 18 s.');
    // Read already, and sent within --max-staleness: no read to come.
    assert.equal(estimateOf(formatPlan(plan(4), { ...facts, ratePerMinute: 600, maxStalenessMs: 600_000 })), '  2,000 rows at 600/min: about 3 min 18 s.');
    // 16.7 min of writing at 120/min: every client read once more after 10 min; a dry run's plan counts the first reading too.
    assert.equal(estimateOf(formatPlan(plan(4), { ...facts, ratePerMinute: 120, maxStalenessMs: 600_000 })), '  2,000 rows and 4 reads of the live values at 120/min: about 16 min 32 s.');
    assert.equal(estimateOf(formatPlan(plan(4), { ...facts, ratePerMinute: 120, maxStalenessMs: 600_000, dryRun: true })), '  2,000 rows and 8 reads of the live values at 120/min: about 16 min 34 s.');
    assert.equal(formatEstimate(30, 0, 0, 20), '30 rows at the pace the API allows.');
  });

  it('says the pace in force and what set it', () => {
    assert.equal(formatPace({ ratePerMinute: 0, learnedRatePerMinute: null, throttled: false }), 'unpaced');
    assert.equal(formatPace({ ratePerMinute: 120, learnedRatePerMinute: null, throttled: false }), 'pace 120/min');
    assert.equal(formatPace({ ratePerMinute: 600, learnedRatePerMinute: 600, throttled: false }), "pace 600/min, the API's limit");
    assert.equal(formatPace({ ratePerMinute: 548, learnedRatePerMinute: 548, throttled: true }), 'pace 548/min, learned from 429s');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanDocument } from '../../src/report/plan-document.js';
import { checkSavedPlan } from '../../src/pipeline/saved-plan.js';

const TARGET = 'https://acme.thoughtindustries.com';
const MADE = '2026-11-20T10:00:00.000Z';

/** Why a plan made at MADE is refused `afterMs` later with --max-plan-age `maxAgeS`. */
function refusal(afterMs: number, maxAgeS: number): string {
  const document = { target: TARGET, madeAt: MADE } as PlanDocument;
  try {
    checkSavedPlan({ folder: 'plan', document, maxAgeMs: maxAgeS * 1000 }, TARGET, new Date(Date.parse(MADE) + afterMs));
  } catch (error) {
    return (error as Error).message;
  }
  return 'sent';
}

describe('a saved plan too old to send says how old, in the unit that shows it', () => {
  it('says seconds, minutes and hours as they are, the age always past the limit shown', () => {
    assert.equal(refusal(300, 0), `The plan in plan was made at ${MADE}, 1 s ago, longer ago than --max-plan-age allows (0 s); nothing was sent.`);
    assert.equal(refusal(12_300, 10), `The plan in plan was made at ${MADE}, 13 s ago, longer ago than --max-plan-age allows (10 s); nothing was sent.`);
    assert.match(refusal(125_000, 60), /, 2 min 5 s ago, longer ago than --max-plan-age allows \(60 s, 1 min\);/);
    assert.match(refusal(86_412_000, 86_400), /, 24 h 0 min 12 s ago, longer ago than --max-plan-age allows \(86400 s, 24 h\);/);
    assert.match(refusal(90_000_000, 86_400), /, 25 h ago, longer ago than --max-plan-age allows \(86400 s, 24 h\);/);
    assert.equal(refusal(86_400_000, 86_400), 'sent');
  });

  it('refuses under TIC-PLAN-TOO-OLD, and a plan made for another instance under TIC-PLAN-OTHER-TARGET', () => {
    const document = { target: TARGET, madeAt: MADE } as PlanDocument;
    assert.throws(() => checkSavedPlan({ folder: 'plan', document, maxAgeMs: 0 }, TARGET, new Date(Date.parse(MADE) + 1000)), {
      code: 'TIC-PLAN-TOO-OLD',
      kind: 'invalid',
    });
    assert.throws(() => checkSavedPlan({ folder: 'plan', document, maxAgeMs: 60_000 }, 'https://other.thoughtindustries.com', new Date(MADE)), {
      code: 'TIC-PLAN-OTHER-TARGET',
      message: /was made for https:\/\/acme\.thoughtindustries\.com, not https:\/\/other/,
    });
  });
});

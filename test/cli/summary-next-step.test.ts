import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRunSummary } from '../../src/cli/views/summary.js';
import type { RunResult } from '../../src/pipeline/run.js';
import type { RunStatus, Summary } from '../../src/report/summary.js';
import { Tally } from '../../src/report/tally.js';

/**
 * After an apply ends, the summary names what to run next: after a Ctrl-C
 * the resume, first, and nothing else that sends the same rows; the
 * failed-rows command only for rows that really failed, never for rows that
 * drifted (issue 23).
 */

function ended(status: RunStatus, rows: Record<string, number>, sent = 10): RunResult {
  const summary = {
    command: 'apply',
    dryRun: false,
    status,
    input: '/work/top-up.csv',
    target: 'https://acme.thoughtindustries.com',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    wallTimeMs: 60_000,
    rows: { total: Object.values(rows).reduce((sum, count) => sum + count, 0), ...rows },
    requests: { sent, throttled: 0, retries: 0, retriesByCause: {}, byStatus: {} },
    pacing: null,
    error: null,
    options: { excel: false, blind: false },
    plan: null,
    folder: '/work/reports/run',
    peakRssBytes: 0,
  } as unknown as Summary;
  return { folder: '/work/reports/run', summary, tally: new Tally(['updated', 'failed']), preview: [], plan: undefined, undo: undefined, keyAccepted: false };
}

describe('the next step an apply names', () => {
  it('after a Ctrl-C: the resume, which sends the failed rows again too, and not failed.csv as well', () => {
    const text = formatRunSummary(ended('interrupted', { updated: 4, failed: 2, skipped: 4 }), '/work');
    assert.match(
      text,
      /To continue where it stopped \(rows already updated are not sent again\):\n {2}ti-credits apply --resume reports\/run\n {2}The resume sends again the 2 rows that failed too; do not send failed\.csv as well\.\n/,
    );
    assert.doesNotMatch(text, /Rows not updated/);
  });

  it('never offers failed.csv for rows that only drifted', () => {
    const text = formatRunSummary(ended('completed', { updated: 4, drifted: 3 }), '/work');
    assert.doesNotMatch(text, /Rows not updated|--resume/);
  });

  it('offers failed.csv for rows that really failed', () => {
    const text = formatRunSummary(ended('completed', { updated: 4, failed: 1, drifted: 3 }), '/work');
    assert.match(
      text,
      /Rows not updated: reports\/run\/failed\.csv; once fixed, send them with:\n {2}ti-credits apply reports\/run\/failed\.csv --instance acme/,
    );
  });
});

describe('a run stopped before it recorded a row', () => {
  it('says so, never "0 of 0 rows", which would read as an empty file', () => {
    const text = formatRunSummary(ended('stopped', {}, 0), '/work');
    assert.match(text, /^Updated 0 rows on https:\/\/acme\.thoughtindustries\.com in [^;]+; no row was recorded before the run stopped\.\n/);
    assert.doesNotMatch(text, /of 0 rows/);
  });
});

describe('what reconciling says', () => {
  const reconciled = (unreadable: number): string => {
    const result = ended('completed', { updated: 3 });
    const reconciliation = {
      checked: 1,
      accounts: 1,
      overwritten: 0,
      credits: 0,
      correction: null,
      unreadable,
      unreadableReasons: unreadable > 0 ? ['the ledger action 1 has the timestamp "2026-12-05T21:51:17.651", not an ISO 8601 time with its offset'] : [],
    };
    return formatRunSummary({ ...result, summary: { ...result.summary, reconciliation } as unknown as Summary }, '/work');
  };

  it('says that no write overwrote a change only when every write could be checked', () => {
    assert.match(
      reconciled(0),
      /\nReconciled against the credit ledger \(1 ledger action read in 1 credit account\): no write overwrote a change made between its read and its PUT\.\n/,
    );
    const partly = reconciled(1);
    assert.doesNotMatch(partly, /no write overwrote/);
    assert.match(
      partly,
      /: none of the writes it could check overwrote a change made between its read and its PUT\.\nNot reconciled whole: 1 write could not be checked/,
    );
  });
});

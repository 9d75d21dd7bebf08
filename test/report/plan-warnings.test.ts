import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { PlanDocument, PlanRow } from '../../src/report/plan-document.js';
import { renderPlanHtml } from '../../src/report/plan-html.js';
import { launchChromium, openFile, type Browser } from '../browser.js';
import { tempDir } from '../helpers.js';
import { change, OPTIONS, planDocument, row } from '../plan-documents.js';

/**
 * plan.html's warnings (issue 24): every one the terminal plan shows, each
 * with its rows; names beside ids; and a rename that reads at the widths of
 * the screens approvers use, checked on the pixels, not only in the DOM.
 */

const ACME = '1ff579ba-d7b9-4914-b61f-513a828fcdbb';
const GLOBEX = '3f82bdfb-c69e-463b-8ec5-ac74892215da';
const id = (n: number): string => `3f2a9c1e-5b7d-4e8f-9a0b-${n.toString(16).padStart(12, '0')}`;
const RENAMED_TO = 'FY27 onboarding credits — leadership track';

function warnedPlan(): PlanDocument {
  const rows: PlanRow[] = [
    row(2, id(2), ACME, 'change', [change('currentBalance', 500, 100)], { name: 'Spring cohort', clientName: 'Acme Corp', status: 'active', allocated: 300 }),
    row(3, id(3), ACME, 'change', [change('expiresOn', '2027-03-31T23:59:59.000Z', '2026-12-31T23:59:59.000Z')], {
      name: 'Leadership',
      clientName: 'Acme Corp',
      status: 'active',
      allocated: 0,
    }),
    row(4, id(4), GLOBEX, 'change', [change('expiresOn', '2026-09-30T23:59:59.000Z', '2027-03-31T23:59:59.999Z')], {
      name: 'Old onboarding',
      clientName: 'Globex',
      status: 'expired',
      allocated: 0,
    }),
    row(5, id(5), GLOBEX, 'drifted', [change('currentBalance', 200, 250)], {
      live: { currentBalance: 180 },
      name: 'Drifted one',
      clientName: 'Globex',
      status: 'active',
    }),
    row(6, id(6), GLOBEX, 'invalid', [], { problem: 'the balance would change by 9,000 credits, more than --max-balance-change allows (5,000)' }),
    row(7, id(7), ACME, 'change', [change('name', 'Credit batch 7', RENAMED_TO)], {
      name: 'Credit batch 7',
      clientName: 'Acme Corp',
      status: 'active',
      allocated: 0,
    }),
  ];
  return planDocument(rows, {
    options: { ...OPTIONS, limits: { maxBalanceChange: 5000, maxTotalChange: null, maxRows: 3, maxExpiryMoveDays: null } },
    appliedBefore: [{ run: '20261201T100000Z-q1', startedAt: '2026-12-01T10:00:00.000Z', updated: 4 }],
  });
}

const linesOf = async (table: Locator): Promise<number[]> =>
  (await table.getByTestId('row').evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-line')))).map(Number);

describe('plan.html warnings and names', () => {
  let browser: Browser;
  let folder: string;
  const plan = warnedPlan();

  before(async () => {
    browser = await launchChromium();
    folder = await tempDir();
    await writeFile(join(folder, 'plan.html'), renderPlanHtml(plan));
  });
  after(async () => {
    await browser.close();
  });

  it('carries every warning of the terminal plan, each with its rows, its counts checked against them', async () => {
    const { page, complaints } = await openFile(browser, join(folder, 'plan.html'));
    const warnings = page.getByTestId('warnings');
    const expected: readonly (readonly [string, number])[] = [
      ['below-allocated', 2],
      ['earlier', 3],
      ['revived', 4],
      ['guardrail-rows', 6],
    ];
    for (const [key, line] of expected) {
      assert.equal(await warnings.getByTestId(`warning-${key}`).getAttribute('data-count'), '1', key);
      assert.deepEqual(await linesOf(warnings.getByTestId(`table-warn-${key}`)), [line], key);
    }
    assert.match((await warnings.getByTestId('warning-drifted').textContent()) ?? '', /^1 row drifted: their batch changed since the file was prepared/);
    assert.match(
      (await warnings.getByTestId('warning-guardrail-run').textContent()) ?? '',
      /Over a guardrail: it sends 4 rows, more than --max-rows allows \(3\); apply --plan refuses to send it\./,
    );
    assert.match(
      (await warnings.getByTestId('warning-applied').textContent()) ?? '',
      /Already applied: this file was sent before, by run 20261201T100000Z-q1 \(started 2026-12-01T10:00:00.000Z, 4 rows updated\)/,
    );
    assert.deepEqual(await warnings.getByTestId('table-warn-revived').getByTestId('row').locator('td').allTextContents(), [
      '4',
      id(4),
      'Old onboarding',
      'Globex',
      'expired',
      '2026-09-30 23:59:59',
      '2027-03-31 23:59:59',
    ]);
    assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'ties');
    assert.deepEqual(
      (await page.getByTestId('check').allTextContents()).filter((text) => /listed: /.test(text) && /earlier|allocated|reviving/.test(text)),
      ['Rows moving an expiry earlier, listed: 1', 'Rows ending below their allocated credits, listed: 1', 'Rows reviving a batch not active, listed: 1'],
    );
    assert.deepEqual(complaints, []);
  });

  it('says loudly when a warning count does not match its rows', async () => {
    const off = { ...plan, totals: { ...plan.totals, revived: 0 } };
    await writeFile(join(folder, 'plan-off.html'), renderPlanHtml(off));
    const { page } = await openFile(browser, join(folder, 'plan-off.html'));
    assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'does-not-tie');
    assert.deepEqual(await page.locator('[data-testid=check][data-ok=false]').allTextContents(), [
      'Rows reviving a batch not active, listed: stated 0, counted here 1',
    ]);
  });

  it('names each batch and client beside its id', async () => {
    const { page } = await openFile(browser, join(folder, 'plan.html'));
    const changes = page.getByTestId('table-changes');
    assert.deepEqual(await changes.locator('thead th').allTextContents(), [
      'Line',
      'Batch id',
      'Name',
      'New name',
      'Client',
      'Balance',
      'New balance',
      'Change',
      'Expires (UTC)',
      'New expiry (UTC)',
      'Moved',
    ]);
    assert.deepEqual(await changes.locator('tbody tr td:nth-child(3)').allTextContents(), ['Spring cohort', 'Leadership', 'Old onboarding', 'Credit batch 7']);
    assert.deepEqual(await changes.locator('tbody tr td:nth-child(5)').allTextContents(), ['Acme Corp', 'Acme Corp', 'Globex', 'Acme Corp']);
    assert.equal(await changes.locator('tbody tr td:nth-child(5) span').first().getAttribute('title'), ACME);
    await page.getByTestId('search').fill('leadership');
    assert.deepEqual(await linesOf(changes), [3, 7], 'found by the name it has and the one it is given');
    assert.match((await page.getByTestId('table-clients').textContent()) ?? '', /Globex \(3f82bdfb-c69e-463b-8ec5-ac74892215da\)/);
  });

  for (const width of [1280, 1024]) {
    it(`shows a rename's old and new names on screen at ${width} px, without scrolling the table`, async () => {
      const narrow = await launchChromium({ width, height: 900 });
      try {
        const { page } = await openFile(narrow, join(folder, 'plan.html'));
        const renamed = page
          .getByTestId('table-changes')
          .getByTestId('row')
          .filter({ has: page.locator('td:nth-child(1)', { hasText: /^7$/ }) });
        await page.getByTestId('table-changes').scrollIntoViewIfNeeded();
        const scroller = await page.getByTestId('table-changes').locator('.scroll').boundingBox();
        assert.ok(scroller !== null);
        for (const [column, text] of [
          [3, 'Credit batch 7'],
          [4, RENAMED_TO],
        ] as const) {
          const cell = renamed.locator(`td:nth-child(${column})`);
          assert.equal(await cell.textContent(), text);
          const box = await cell.boundingBox();
          assert.ok(box !== null);
          assert.ok(
            box.x >= scroller.x && box.x + box.width <= scroller.x + scroller.width && box.x + box.width <= width,
            `column ${column} at ${JSON.stringify(box)} lies within the table's visible part (${JSON.stringify(scroller)}) at ${width} px`,
          );
          assert.notDeepEqual(await shot(page, box), await shot(page, box, cell), `the text of column ${column} is drawn on screen at ${width} px`);
        }
        await page.screenshot({ path: join(folder, `plan-${width}.png`) });
      } finally {
        await narrow.close();
      }
    });
  }
});

/** The pixels of a box of the page as shown, or with `hidden`'s text made transparent: the two differ only if the text is drawn there. */
async function shot(page: Page, box: { x: number; y: number; width: number; height: number }, hidden?: Locator): Promise<Buffer> {
  if (hidden !== undefined) await hidden.evaluate((node) => ((node as unknown as { style: { color: string } }).style.color = 'transparent'));
  try {
    return await page.screenshot({ clip: box });
  } finally {
    if (hidden !== undefined) await hidden.evaluate((node) => ((node as unknown as { style: { color: string } }).style.color = ''));
  }
}

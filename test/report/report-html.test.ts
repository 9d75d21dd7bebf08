import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import type { ReportDocument, ReportProblem } from '../../src/report/plan-document.js';
import { renderReportHtml } from '../../src/report/report-html.js';
import { launchChromium, openFile, type Browser, type OpenedPage } from '../browser.js';
import { tempDir } from '../helpers.js';
import { reportDocument } from '../plan-documents.js';

/** report.html in headless Chromium: what happened, read from the page's DOM against the report it was made from. */

const PAYLOAD = '</script><script>globalThis.__pwned = 1; alert(1)</script><!-- <img src="http://127.0.0.1:9/x.png"> \u2028';
const PLAN_ID = 'b1ad2baa182bb9a89736d10ecae6fc9c116451e67ce5ba257d06bff58e9b0120';
const batchId = (n: number): string => `3f2a9c1e-5b7d-4e8f-9a0b-${n.toString(16).padStart(12, '0')}`;

/** 1,000 rows: 700 updated (2 of which verify finds changed since), 50 unchanged, 167 failed and 83 drifted, listed with why. */
function testReport(): ReportDocument {
  const problems: ReportProblem[] = [];
  const verified: NonNullable<ReportDocument['verify']>['rows'][number][] = [];
  for (let n = 0; n < 1000; n++) {
    const line = n + 2;
    if (n < 700) {
      const written = { currentBalance: 100 + n };
      verified.push({
        line,
        id: batchId(n),
        name: `Batch ${n}`,
        result: n === 17 || n === 500 ? 'changed' : 'holds',
        written,
        live: n === 17 ? { currentBalance: 60 } : n === 500 ? null : written,
      });
    } else if (n < 750) continue;
    else if (n < 917)
      problems.push({
        line,
        id: batchId(n),
        name: `Batch ${n}`,
        clientName: 'Acme Corp',
        outcome: 'failed',
        error: n === 800 ? `422: ${PAYLOAD}` : '422: currentBalance must not be negative',
        code: 'TIC-API-422',
      });
    else {
      const values = { baseline: { currentBalance: 100 }, live: { currentBalance: 90 }, target: { currentBalance: 150 } };
      problems.push({
        line,
        id: batchId(n),
        name: `Batch ${n}`,
        clientName: 'Acme Corp',
        outcome: 'drifted',
        error: 'the batch moved since the plan read it: currentBalance 90, not 100',
        code: 'TIC-DRIFTED',
        ...values,
      });
    }
  }
  return reportDocument({
    planId: PLAN_ID,
    rows: { updated: 700, unchanged: 50, failed: 167, drifted: 83, total: 1000 },
    requests: { sent: 1404, retries: 9, throttled: 2 },
    balance: { before: '9013650', after: '9265150', net: '251500' },
    problems,
    verify: { holds: 698, changed: 2, rows: verified },
  });
}

const figure = (text: string | null): string => (text ?? '').replace(/[,\s+]/g, '');
const lines = async (table: Locator): Promise<number[]> =>
  (await table.getByTestId('row').evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-line')))).map(Number);

describe('report.html in Chromium', () => {
  let browser: Browser;
  let folder: string;
  const report = testReport();

  before(async () => {
    browser = await launchChromium();
    folder = await tempDir();
  });
  after(async () => {
    await browser.close();
  });

  async function open(document: ReportDocument, name: string): Promise<OpenedPage> {
    const file = join(folder, name);
    await writeFile(file, renderReportHtml(document));
    return openFile(browser, file);
  }

  it('shows the status, the saved plan sent, the rows per outcome, the requests and the balances of the report', async () => {
    const { page, requests, complaints } = await open(report, 'report.html');
    // Completed, yet not every row was updated: the badge says so, in the colour of a warning.
    assert.equal(await page.getByTestId('status').textContent(), 'completed: 250 rows not updated');
    assert.equal(await page.getByTestId('status').getAttribute('class'), 'badge warn');
    assert.equal(await page.getByTestId('plan-id').textContent(), PLAN_ID);
    assert.equal(await page.getByTestId('target').textContent(), report.target);
    assert.equal(await page.getByTestId('made-by').textContent(), report.madeBy);
    for (const [outcome, count] of Object.entries(report.rows))
      assert.equal(figure(await page.getByTestId(`count-${outcome}`).textContent()), String(count), outcome);
    assert.deepEqual(
      {
        sent: Number(figure(await page.getByTestId('requests-sent').textContent())),
        retries: Number(figure(await page.getByTestId('requests-retries').textContent())),
        throttled: Number(figure(await page.getByTestId('requests-throttled').textContent())),
      },
      report.requests,
    );
    assert.deepEqual(
      {
        before: figure(await page.getByTestId('total-before').textContent()),
        net: figure(await page.getByTestId('total-net').textContent()),
        after: figure(await page.getByTestId('total-after').textContent()),
      },
      report.balance,
    );
    assert.equal(await page.getByTestId('table-problems').getAttribute('data-total'), String(report.problems.length));
    assert.deepEqual(
      await lines(page.getByTestId('table-problems')),
      report.problems.slice(0, 200).map((row) => row.line),
    );
    assert.deepEqual(
      [figure(await page.getByTestId('verify-holds').textContent()), figure(await page.getByTestId('verify-changed').textContent())],
      ['698', '2'],
    );

    await page.screenshot({ path: join(folder, 'report.png'), fullPage: true });
    assert.deepEqual([...(await readFile(join(folder, 'report.png'))).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(requests, [pathToFileURL(join(folder, 'report.html')).href]);
    assert.deepEqual(complaints, []);
  });

  it('checks in the page that its figures tie out', async () => {
    const { page } = await open(report, 'report.html');
    assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'ties');
    assert.deepEqual(await page.getByTestId('check').allTextContents(), [
      'Rows per outcome add up to the rows in the file: 700 updated + 50 unchanged + 167 failed + 83 drifted = 1,000',
      'Rows not updated, each listed with why: 250',
      'Balance before + net change = balance after: 9,013,650 + 251,500 = 9,265,150',
      'Rows verify found holding, listed: 698',
      'Rows verify found changed, listed: 2',
    ]);
  });

  it('says loudly when they do not: outcomes that do not add up, a balance that does not tie out', async () => {
    const off = { ...report, rows: { ...report.rows, failed: 166 }, balance: { before: '9013650', after: '9265150', net: '-251500' } };
    const { page } = await open(off, 'report-off.html');
    const verdict = page.getByTestId('tie-out');
    assert.equal(await verdict.getAttribute('data-verdict'), 'does-not-tie');
    assert.equal(await verdict.textContent(), 'These figures do NOT tie out — check this run before relying on it');
    assert.deepEqual(await page.locator('[data-testid=check][data-ok=false]').allTextContents(), [
      'Rows per outcome add up to the rows in the file: 700 updated + 50 unchanged + 166 failed + 83 drifted = 999, not 1,000',
      'Balance before + net change = balance after: 9,013,650 − 251,500 = 8,762,150, not 9,265,150',
    ]);
    await page.screenshot({ path: join(folder, 'report-off.png') });
  });

  it('lists every row not updated with why, a page at a time, sortable and by outcome', async () => {
    const { page } = await open(report, 'report.html');
    const table = page.getByTestId('table-problems');
    assert.equal(await table.getByTestId('page-status').textContent(), 'Rows 1–200 of 250 · page 1 of 2');
    await table.getByTestId('page-next').click();
    assert.deepEqual(
      await lines(table),
      report.problems.slice(200).map((row) => row.line),
    );

    await table.getByTestId('sort-line').click();
    await table.getByTestId('sort-line').click();
    assert.equal(await table.getAttribute('data-page'), '1', 'a new order starts on its first page');
    assert.deepEqual(
      await lines(table),
      report.problems
        .map((row) => row.line)
        .reverse()
        .slice(0, 200),
    );

    await table.getByTestId('sort-outcome').click();
    assert.deepEqual(
      await lines(table),
      [...report.problems.filter((row) => row.outcome === 'drifted'), ...report.problems.filter((row) => row.outcome === 'failed')]
        .map((row) => row.line)
        .slice(0, 200),
    );

    await page.getByTestId('outcome-filter').selectOption('failed');
    assert.equal(await table.getAttribute('data-total'), '167');
    assert.deepEqual(new Set(await table.locator('tbody tr td:nth-child(5)').allTextContents()), new Set(['failed']));
  });

  it('names each row not updated beside its id, and shows a drifted row with what it was made from, what the batch held and what was asked', async () => {
    const { page } = await open(report, 'report.html');
    const table = page.getByTestId('table-problems');
    assert.deepEqual(await table.locator('thead th').allTextContents(), [
      'Line',
      'Batch id',
      'Name',
      'Client',
      'Outcome',
      'Why',
      'Code',
      'Made from',
      'Live',
      'Asked',
    ]);
    await page.getByTestId('outcome-filter').selectOption('drifted');
    assert.deepEqual(await table.getByTestId('row').first().locator('td').allTextContents(), [
      '919',
      batchId(917),
      'Batch 917',
      'Acme Corp',
      'drifted',
      'the batch moved since the plan read it: currentBalance 90, not 100',
      'TIC-DRIFTED',
      'currentBalance 100',
      'currentBalance 90',
      'currentBalance 150',
    ]);
  });

  it('sets apart the rows verify found changed since written, with the value written and the live one', async () => {
    const { page } = await open(report, 'report.html');
    const changed = page.getByTestId('table-verify-changed');
    assert.deepEqual(await changed.getByTestId('row').evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))), [
      ['19', batchId(17), 'Batch 17', 'currentBalance 117', 'currentBalance 60'],
      ['502', batchId(500), 'Batch 500', 'currentBalance 600', 'not found'],
    ]);
    assert.equal(await page.getByTestId('table-verify-holds').getAttribute('data-total'), '698');
  });

  it('runs no script and loads nothing from a value in the report', async () => {
    const { page, requests, complaints } = await open(report, 'report.html');
    assert.equal(await page.locator('html').getAttribute('data-ready'), 'true');
    assert.equal(await page.locator('script').count(), 2);
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    const table = page.getByTestId('table-problems');
    assert.equal(await table.locator('tr[data-line="802"] td:nth-child(6)').textContent(), `422: ${PAYLOAD}`);
    assert.deepEqual(requests, [pathToFileURL(join(folder, 'report.html')).href]);
    assert.deepEqual(complaints, []);
  });

  it('says so when no saved plan was sent, no balance changed, nothing failed and verify did not run', async () => {
    const plain = reportDocument({ rows: { updated: 3, total: 3 }, requests: { sent: 3, retries: 0, throttled: 0 } });
    const { page, complaints } = await open(plain, 'report-plain.html');
    assert.deepEqual([await page.getByTestId('status').textContent(), await page.getByTestId('status').getAttribute('class')], ['completed', 'badge ok']);
    assert.equal(await page.getByTestId('plan-id').count(), 0);
    assert.equal(await page.getByTestId('plan-id-none').isVisible(), true);
    assert.equal(await page.getByTestId('no-balance').isVisible(), true);
    assert.equal(await page.getByTestId('verify-none').isVisible(), true);
    assert.equal(await page.getByTestId('none-problems').textContent(), 'None: every row was updated or already held what it asked.');
    assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'ties');
    assert.deepEqual(complaints, []);
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startMockApi, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore, loadSeed } from '../../src/mock/store.js';
import { launchChromium, openFile, type Browser } from '../browser.js';
import { cli, readCsvFile, tempDir } from '../helpers.js';

/**
 * Names beside ids as the commands write them (issue 24): `plan
 * --client-names` over the sample instance, a balance redeemed from before
 * `apply --plan` sends it, and the pages read in Chromium.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INITECH_BATCH = 'd23f0824-128b-4f33-8c5c-7fd0a6a3a450';
let browser: Browser;
let mock: MockApi;

describe('names in plan.csv, plan.html and report.html, from real commands', () => {
  before(async () => {
    browser = await launchChromium();
    mock = await startMockApi({ store: new CreditBatchStore(await loadSeed(join(ROOT, 'fixtures', 'sample-seed.json'))) });
  });
  after(async () => {
    await browser.close();
    await mock.close();
  });

  it('names every batch and client in the plan, and every row not updated in the report, a drifted one with its three values', async () => {
    const dir = await tempDir();
    const base = ['--base-url', mock.origin, '--rate', '0'];
    const made = await cli(['plan', join(ROOT, 'fixtures', 'sample.csv'), ...base, '--client-names', '--out', 'plan'], { cwd: dir });
    assert.equal(made.code, 1, made.stderr);
    const plan = JSON.parse(await readFile(join(dir, 'plan', 'plan.json'), 'utf8'));
    const row = plan.rows.find((entry: { id: string }) => entry.id === INITECH_BATCH);
    assert.deepEqual([row.name, row.clientName, row.status, row.allocated], ['Credit batch 2', 'Initech', 'active', 1880]);
    assert.equal(plan.totals.belowAllocated, 3);
    assert.deepEqual(
      (await readCsvFile(join(dir, 'plan', 'plan.csv'))).find((entry) => entry.id === INITECH_BATCH),
      {
        line: '3',
        id: INITECH_BATCH,
        name: 'Credit batch 2',
        clientId: 'd4e6c659-8054-4ab9-96f0-2972778af590',
        clientName: 'Initech',
        field: 'currentBalance',
        before: '3120',
        after: '980',
        change: '-2140',
      },
    );
    const planPage = await openFile(browser, join(dir, 'plan', 'plan.html'));
    const line3 = planPage.page.getByTestId('table-changes').locator('tr[data-line="3"] td');
    assert.deepEqual((await line3.allTextContents()).slice(0, 5), ['3', INITECH_BATCH, 'Credit batch 2', '', 'Initech']);
    assert.deepEqual(
      await planPage.page
        .getByTestId('table-warn-below-allocated')
        .getByTestId('row')
        .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-line'))),
      ['3', '7', '9'],
    );
    assert.equal(await planPage.page.getByTestId('warning-earlier').getAttribute('data-count'), '1');

    // A learner spends from the batch after the plan was made: the row is drifted when the plan is sent.
    mock.store.redeem(INITECH_BATCH, 20, new Date());
    const sent = await cli(['apply', '--plan', join(dir, 'plan'), ...base, '--client-names', '--yes', '--out', 'sent', '--no-reconcile'], { cwd: dir });
    assert.equal(sent.code, 1, sent.stderr);
    const reportPage = await openFile(browser, join(dir, 'sent', 'report.html'));
    assert.equal(await reportPage.page.getByTestId('status').textContent(), 'completed: 1 row not updated');
    assert.deepEqual(await reportPage.page.getByTestId('table-problems').getByTestId('row').locator('td').allTextContents(), [
      '3',
      INITECH_BATCH,
      'Credit batch 2',
      'Initech',
      'drifted',
      (await readCsvFile(join(dir, 'sent', 'report.csv'))).find((entry) => entry.id === INITECH_BATCH)?.error ?? '',
      'TIC-DRIFTED',
      'currentBalance 3,120',
      'currentBalance 3,100',
      'currentBalance 980',
    ]);
    assert.deepEqual([...planPage.complaints, ...reportPage.complaints], []);
  });
});

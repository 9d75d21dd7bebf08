import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import { startMockApi, type MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { launchChromium, openFile, type Browser } from '../browser.js';
import { cli, tempDir } from '../helpers.js';

/**
 * The pages the commands write, opened in headless Chromium: plan.html of a
 * real `plan`, report.html of the `apply --plan --verify` that sent it; what
 * the DOM says is compared with plan.json and summary.json.
 */
const CLIENT = randomUUID();
let browser: Browser;
let mock: MockApi;

const figure = (text: string | null): string => (text ?? '').replace(/[,\s+]/g, '');

describe('plan.html and report.html, as the commands write them', () => {
  before(async () => {
    browser = await launchChromium();
    const seed: Partial<CreditBatch>[] = Array.from({ length: 9 }, (_, index) => ({
      id: randomUUID(),
      clientId: CLIENT,
      currentBalance: 100 + index,
      allocatedCredits: 0,
      name: `Batch ${index}`,
    }));
    mock = await startMockApi({ store: new CreditBatchStore(seed) });
  });
  after(async () => {
    await browser.close();
    await mock.close();
  });

  it("shows a real plan's id, counts and balances as plan.json holds them, and the report of the run that sent it", async () => {
    const dir = await tempDir();
    const batches = mock.store.listByClient(CLIENT);
    const csv = join(dir, 'raise.csv');
    // Six balances raised by 50 (three set outright, three by a delta), two left as they are, one renamed.
    await writeFile(
      csv,
      `id,clientId,currentBalance,currentBalanceDelta,name\n${batches
        .map(
          (batch, index) =>
            `${batch.id},${CLIENT},${index < 3 ? batch.currentBalance + 50 : index < 6 ? '' : batch.currentBalance},${index >= 3 && index < 6 ? '+50' : ''},${index === 8 ? 'Renamed' : ''}`,
        )
        .join('\n')}\n`,
    );
    const planFolder = join(dir, 'plan');
    const made = await cli(['plan', csv, '--base-url', mock.origin, '--rate', '0', '--out', planFolder], { cwd: dir });
    assert.equal(made.code, 1, made.stderr + made.stdout);
    const plan = JSON.parse(await readFile(join(planFolder, 'plan.json'), 'utf8'));

    const planPage = await openFile(browser, join(planFolder, 'plan.html'));
    const { page } = planPage;
    assert.equal(await page.getByTestId('plan-id').textContent(), plan.id);
    for (const [name, value] of Object.entries({ rows: 9, changing: 7, unchanged: 2, drifted: 0, invalid: 0 })) {
      assert.equal(figure(await page.getByTestId(`count-${name}`).textContent()), String(value), name);
      assert.equal(plan.totals[name], value, name);
    }
    for (const name of ['before', 'net', 'after'] as const)
      assert.equal(figure(await page.getByTestId(`total-${name}`).textContent()), plan.totals.balance[name], name);
    assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'ties');
    assert.equal(await page.getByTestId('table-changes').getAttribute('data-total'), '7', 'six balances and a rename');
    assert.deepEqual(planPage.requests, [pathToFileURL(join(planFolder, 'plan.html')).href]);
    assert.deepEqual(planPage.complaints, []);
    await page.screenshot({ path: join(planFolder, 'plan.png'), fullPage: true });

    const sent = join(dir, 'sent');
    const applied = await cli(['apply', '--plan', planFolder, '--yes', '--verify', '--out', sent], { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    const summary = JSON.parse(await readFile(join(sent, 'summary.json'), 'utf8'));
    const reportPage = await openFile(browser, join(sent, 'report.html'));
    const report = reportPage.page;
    assert.equal(await report.getByTestId('plan-id').textContent(), plan.id);
    for (const outcome of ['updated', 'unchanged'])
      assert.equal(figure(await report.getByTestId(`count-${outcome}`).textContent()), String(summary.rows[outcome]), outcome);
    assert.deepEqual(
      [figure(await report.getByTestId('verify-holds').textContent()), figure(await report.getByTestId('verify-changed').textContent())],
      ['7', '0'],
    );
    assert.deepEqual(reportPage.requests, [pathToFileURL(join(sent, 'report.html')).href]);
    assert.deepEqual(reportPage.complaints, []);
    await report.screenshot({ path: join(sent, 'report.png'), fullPage: true });
  });
});

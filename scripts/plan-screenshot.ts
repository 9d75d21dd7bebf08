import { readFile, writeFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreditBatch } from '../src/core/credit-batch.js';
import { renderPlanHtml } from '../src/report/plan-html.js';
import type { PlanRow } from '../src/report/plan-document.js';
import { launchChromium, openFile } from '../test/browser.js';
import { change, planDocument, row } from '../test/plan-documents.js';

/**
 * The README's picture of plan.html (docs/plan-html.png): a plan made over
 * the sample instance (fixtures/sample-seed.json, what `ti-credits mock`
 * serves), with adjustments, absolute sets, an expiry rollover, a rename, a
 * drifted and an invalid row, rendered and photographed in Chromium.
 * Run with `npm run screenshot:plan`.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const seed = JSON.parse(await readFile(join(root, 'fixtures/sample-seed.json'), 'utf8')) as CreditBatch[];
const batch = (index: number): CreditBatch => seed[index] as CreditBatch;
const balance = (index: number, after: number, delta: number | null = null): ReturnType<typeof change> =>
  change('currentBalance', batch(index).currentBalance, after, delta);
const expiry = (index: number, after: string): ReturnType<typeof change> => change('expiresOn', batch(index).expiresOn, after);
const at = (index: number, state: PlanRow['state'], changes: PlanRow['changes'], extra?: Parameters<typeof row>[5]): PlanRow =>
  row(index + 2, batch(index).id, batch(index).clientId, state, changes, extra);

const rows: PlanRow[] = [
  at(0, 'change', [balance(0, 1500, 500), change('name', batch(0).name, 'Acme Corp — FY27 Q1 prepaid')]),
  at(1, 'change', [balance(1, 2920, -200)]),
  at(2, 'unchanged', []),
  at(3, 'change', [expiry(3, '2027-06-30T23:59:59.000Z'), balance(3, 990, 250)]),
  at(4, 'change', [balance(4, 5000), change('name', batch(4).name, 'Initech "Platinum" bundle')]),
  at(5, 'invalid', [], { problem: 'currentBalanceDelta -100 would take the balance below 0 (35 - 100 = -65)' }),
  at(6, 'change', [balance(6, 1540, 340), expiry(6, '2027-09-30T15:00:00.000Z')]),
  at(7, 'drifted', [balance(7, 75)], { live: { currentBalance: 4 } }),
  at(8, 'change', [balance(8, 12000)]),
  at(9, 'change', [expiry(9, '2027-06-30T23:59:59.000Z')]),
  at(10, 'change', [balance(10, 1000, 1000)]),
  at(11, 'change', [balance(11, 2000, -210), expiry(11, '2027-06-30T23:59:59.000Z')]),
];
const plan = planDocument(rows, {
  input: { name: 'q4-adjustments.csv', size: 1184, sha256: 'b5d1c0a3e7f24c11a9e8d3f0b6a2c7e94f1d8a35c6b0e2f7a9d4c1e8b3f6a205', copy: 'input.csv' },
});

const work = await mkdtemp(join(tmpdir(), 'ti-credits-screenshot-'));
const browser = await launchChromium({ width: 1600, height: 900 });
try {
  const file = join(work, 'plan.html');
  await writeFile(file, renderPlanHtml(plan));
  const { page } = await openFile(browser, file);
  await mkdir(join(root, 'docs'), { recursive: true });
  await page.screenshot({ path: join(root, 'docs/plan-html.png'), fullPage: true });
  console.log(`docs/plan-html.png: plan ${plan.id}`);
} finally {
  await browser.close();
  await rm(work, { recursive: true, force: true });
}

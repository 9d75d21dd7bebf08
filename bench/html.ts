import { access, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { PlanDocument, PlanRow } from '../src/report/plan-document.js';
import { renderPlanHtml } from '../src/report/plan-html.js';
import { CHROMIUM, launchChromium, openFile } from '../test/browser.js';
import { change, planDocument, row } from '../test/plan-documents.js';
import { median, RUNS } from './common.js';

/**
 * What plan.html costs for a plan of 100,000 rows (issue 16, part 4):
 * renderPlanHtml's time (median of BENCH_RUNS) and the file's size, then in
 * headless Chromium, when it is installed: the time from navigation to the
 * first page of the changes table drawn, a sort of every row by a column,
 * the next page, the rows in the DOM and the page's JavaScript heap.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const CLIENTS = 20;

/** A plan like a large migration: balances set and adjusted, expiries moved, renames; 1% drifted, 0.5% invalid, 2% unchanged. */
function largePlan(): PlanDocument {
  const clients = Array.from({ length: CLIENTS }, (_, index) => `c0ffee00-0000-4000-8000-${index.toString(16).padStart(12, '0')}`);
  const rows: PlanRow[] = [];
  for (let n = 0; n < ROWS; n++) {
    const id = `3f2a9c1e-5b7d-4e8f-9a0b-${n.toString(16).padStart(12, '0')}`;
    const client = clients[n % CLIENTS] as string;
    const balance = 100 + ((n * 7919) % 100_000);
    if (n % 100 === 7)
      rows.push(row(n + 2, id, client, 'drifted', [change('currentBalance', balance, balance + 100)], { live: { currentBalance: balance - 5 } }));
    else if (n % 200 === 13) rows.push(row(n + 2, id, client, 'invalid', [], { problem: 'currentBalanceDelta -200000 would take the balance below 0' }));
    else if (n % 50 === 21) rows.push(row(n + 2, id, client, 'unchanged', [], { live: { currentBalance: balance } }));
    else {
      const delta = ((n * 31) % 2001) - 1000 || 1;
      const changes = [change('currentBalance', balance, Math.max(0, balance + delta), n % 2 === 0 ? delta : null)];
      if (n % 3 === 0) changes.push(change('expiresOn', '2026-12-31T23:59:59.000Z', '2027-03-31T23:59:59.000Z'));
      if (n % 10 === 0) changes.push(change('name', `Batch ${n}`, `Batch ${n} (FY27)`));
      rows.push(row(n + 2, id, client, 'change', changes));
    }
  }
  return planDocument(rows);
}

const ms = (value: number): string => (value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value).toLocaleString('en-US')} ms`);

const plan = largePlan();
const renders: number[] = [];
let html = '';
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  html = renderPlanHtml(plan);
  renders.push(performance.now() - started);
}
const work = await mkdtemp(join(tmpdir(), 'ti-credits-bench-html-'));
const file = join(work, 'plan.html');
await writeFile(file, html);
const size = (await stat(file)).size;
const jsonSize = Buffer.byteLength(JSON.stringify(plan));

console.log(
  `plan.html for ${ROWS.toLocaleString('en-US')} rows over ${CLIENTS} clients (${plan.totals.changing.toLocaleString('en-US')} changing), median of ${RUNS} runs`,
);
console.log('');
console.log('| | figure |');
console.log('|---|---:|');
console.log(`| renderPlanHtml | ${ms(median(renders))} |`);
console.log(`| plan.html size | ${(size / 1024 / 1024).toFixed(1)} MB (the plan as compact JSON: ${(jsonSize / 1024 / 1024).toFixed(1)} MB) |`);
console.log(`| plan.html gzipped, as a mail or a zip carries it | ${(gzipSync(html).length / 1024 / 1024).toFixed(1)} MB |`);

const installed = await access(CHROMIUM).then(
  () => true,
  () => false,
);
if (!installed) console.log(`| in Chromium | not measured: ${CHROMIUM} is not installed (scripts/ensure-chromium.sh) |`);
else {
  const browser = await launchChromium();
  try {
    const loads: number[] = [];
    const sorts: number[] = [];
    const nextPages: number[] = [];
    let domRows = 0;
    let heap = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const { page } = await openFile(browser, file);
      const table = page.getByTestId('table-changes');
      await table.getByTestId('row').first().waitFor({ state: 'visible' });
      loads.push(performance.now() - started);

      // Timed inside the page: a click's handler runs to its end before click() returns, so this is the sort (or the page) and its drawing, without the driver's round trips.
      const clickTime = (testid: string): Promise<number> =>
        table.getByTestId(testid).evaluate((button) => {
          const clicked = performance.now();
          (button as unknown as { click(): void }).click();
          return performance.now() - clicked;
        });
      sorts.push(await clickTime('sort-balance-change'));
      nextPages.push(await clickTime('page-next'));
      if ((await table.getAttribute('data-page')) !== '2' || (await table.locator('th[aria-sort="ascending"]').count()) !== 1)
        throw new Error('the sort or the next page did not happen');

      domRows = await page.locator('.paged tbody tr').count();
      heap = await page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
      await page.close();
    }
    console.log(`| Chromium: open the file → first page of changes drawn | ${ms(median(loads))} |`);
    console.log(
      `| Chromium: sort all ${plan.totals.changing.toLocaleString('en-US')} changes by Change (in the page: click → rows replaced) | ${ms(median(sorts))} |`,
    );
    console.log(`| Chromium: next page (in the page: click → rows replaced) | ${ms(median(nextPages))} |`);
    console.log(`| rows in the DOM, all tables | ${domRows.toLocaleString('en-US')} |`);
    console.log(`| page's JavaScript heap | ${(heap / 1024 / 1024).toFixed(0)} MB |`);
  } finally {
    await browser.close();
  }
}
await rm(work, { recursive: true, force: true });

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import type { PlanDocument, PlanRow } from '../../src/report/plan-document.js';
import { renderPlanHtml } from '../../src/report/plan-html.js';
import { launchChromium, openFile, type Browser, type OpenedPage } from '../browser.js';
import { tempDir } from '../helpers.js';
import { change, planDocument, row } from '../plan-documents.js';

/**
 * plan.html in headless Chromium: what the approver sees is read from the
 * page's DOM and compared with the document it was made from.
 */

/** Each way a value could leave its place: end the data's script, open a comment, run a script, load an image, break a JavaScript line. */
const PAYLOAD = '</script><script>globalThis.__pwned = 1; alert(1)</script><!-- <img src="http://127.0.0.1:9/x.png"> \u2028\u2029 & "quoted"';

const CLIENTS = ['1ff579ba-d7b9-4914-b61f-513a828fcdbb', 'd4e6c659-8054-4ab9-96f0-2972778af590', '3f82bdfb-c69e-463b-8ec5-ac74892215da'];
const batchId = (n: number): string => `3f2a9c1e-5b7d-4e8f-9a0b-${n.toString(16).padStart(12, '0')}`;

/** A new balance `by` away from `balance`, never below 0 nor the same. */
const setTo = (balance: number, by: number): number => (Math.max(0, balance + by) === balance ? balance + 1 : Math.max(0, balance + by));
const byId = (a: PlanRow, b: PlanRow): number => ((a.id ?? '') < (b.id ?? '') ? -1 : 1);

/** 465 rows over 3 clients: 450 changing (balances set and adjusted, expiries moved both ways, renames), 5 each drifted, invalid and unchanged. */
function testPlan(): PlanDocument {
  const rows: PlanRow[] = [];
  for (let n = 0; n < 465; n++) {
    const line = n + 2;
    const client = CLIENTS[n % 3] as string;
    const balance = 100 + ((n * 37) % 900);
    if (n % 93 === 10)
      rows.push(row(line, batchId(n), client, 'drifted', [change('currentBalance', balance, balance + 50)], { live: { currentBalance: balance - 7 } }));
    else if (n % 93 === 20)
      rows.push(
        row(line, batchId(n), n === 20 ? null : client, 'invalid', [], {
          problem: n === 20 ? `name too long: ${PAYLOAD}` : 'currentBalanceDelta -5000 would take the balance below 0',
          code: n === 20 ? 'TIC-NAME-CONTROL-CHARACTER' : 'TIC-DELTA-BELOW-ZERO',
        }),
      );
    else if (n % 93 === 30) rows.push(row(line, batchId(n), client, 'unchanged', [], { live: { currentBalance: balance } }));
    else {
      const kind = n % 5;
      const changes =
        kind === 0
          ? [change('currentBalance', balance, setTo(balance, ((n * 53) % 401) - 200))]
          : kind === 1
            ? [change('currentBalance', balance, balance + (n % 2 === 0 ? 250 : -75), n % 2 === 0 ? 250 : -75)]
            : kind === 2
              ? [change('expiresOn', '2026-12-31T23:59:59.000Z', n % 4 === 0 ? '2026-09-30T23:59:59.000Z' : '2027-03-31T23:59:59.000Z')]
              : kind === 3
                ? [change('name', `Batch ${n}`, n === 3 ? PAYLOAD : `Batch ${n} (renewed)`), change('currentBalance', balance, balance * 2)]
                : [change('currentBalance', balance, Math.max(0, balance - 300)), change('expiresOn', '2027-01-31T23:59:59.000Z', '2027-06-30T23:59:59.000Z')];
      rows.push(row(line, batchId(n), client, 'change', changes));
    }
  }
  return planDocument(rows, { madeBy: `<img src=x onerror="alert(1)">${PAYLOAD}` });
}

const figure = (text: string | null): string => (text ?? '').replace(/[,\s+]/g, '');
const attribute = async (locator: Locator, name: string): Promise<string | null> => locator.getAttribute(name);
const lines = async (table: Locator): Promise<number[]> =>
  (await table.getByTestId('row').evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-line')))).map(Number);

/** The rows of a state, as the tables list them. */
const inState = (plan: PlanDocument, state: PlanRow['state']): PlanRow[] => plan.rows.filter((entry) => entry.state === state);
const balanceChange = (entry: PlanRow): number | null => {
  const balance = entry.changes.find((item) => item.field === 'currentBalance');
  return balance === undefined ? null : Number(balance.after) - Number(balance.before);
};

describe('plan.html in Chromium', () => {
  let browser: Browser;
  let folder: string;
  const plan = testPlan();

  before(async () => {
    browser = await launchChromium();
    folder = await tempDir();
  });
  after(async () => {
    await browser.close();
  });

  async function open(document: PlanDocument, name: string): Promise<OpenedPage> {
    const file = join(folder, name);
    await writeFile(file, renderPlanHtml(document));
    return openFile(browser, file);
  }

  it('shows the target, who made it and when, the plan id, and the totals and counts of plan.json', async () => {
    const { page, requests, complaints } = await open(plan, 'plan.html');
    assert.equal(await page.getByTestId('plan-id').textContent(), plan.id);
    assert.equal(await page.getByTestId('target').textContent(), plan.target);
    assert.equal(await page.getByTestId('made-by').textContent(), plan.madeBy);
    assert.equal(await page.getByTestId('made-at').getAttribute('datetime'), plan.madeAt);
    assert.equal(await page.getByTestId('key-kind').textContent(), 'live key');

    const { totals } = plan;
    assert.deepEqual(
      {
        rows: figure(await page.getByTestId('count-rows').textContent()),
        changing: figure(await page.getByTestId('count-changing').textContent()),
        unchanged: figure(await page.getByTestId('count-unchanged').textContent()),
        drifted: figure(await page.getByTestId('count-drifted').textContent()),
        invalid: figure(await page.getByTestId('count-invalid').textContent()),
      },
      { rows: '465', changing: '450', unchanged: '5', drifted: '5', invalid: '5' },
    );
    assert.equal(totals.rows, 465);
    assert.deepEqual(
      {
        before: figure(await page.getByTestId('total-before').textContent()),
        added: figure(await page.getByTestId('total-added').textContent()),
        removed: figure(await page.getByTestId('total-removed').textContent()).replace(/^-/, ''),
        net: figure(await page.getByTestId('total-net').textContent()),
        after: figure(await page.getByTestId('total-after').textContent()),
      },
      totals.balance,
    );
    assert.equal(figure(await page.getByTestId('total-expiry-later').textContent()), String(totals.expiry.later));
    assert.equal(figure(await page.getByTestId('total-expiry-earlier').textContent()), String(totals.expiry.earlier));
    assert.equal(figure(await page.getByTestId('total-renamed').textContent()), String(totals.renamed));
    assert.equal(await page.getByTestId('limit-max-balance-change').textContent(), '5,000 credits');
    assert.equal(await page.getByTestId('limit-max-total-change').textContent(), '250,000 credits');
    assert.equal(await page.getByTestId('limit-max-rows').textContent(), 'not set');
    assert.equal(await page.getByTestId('limit-max-expiry-move').textContent(), '400 days');

    // Each table holds the rows of its state, a page at a time.
    const tables = { changes: 'change', drifted: 'drifted', invalid: 'invalid', unchanged: 'unchanged' } as const;
    for (const [table, state] of Object.entries(tables)) {
      const rows = inState(plan, state);
      assert.equal(await attribute(page.getByTestId(`table-${table}`), 'data-total'), String(rows.length), table);
      assert.deepEqual(
        await lines(page.getByTestId(`table-${table}`)),
        rows.slice(0, 200).map((entry) => entry.line),
        table,
      );
    }
    assert.equal(
      await page.locator('section.rows .paged tbody tr').count(),
      200 + 4 + 5 + 5 + 5,
      'one page of changes, the clients (three and "no client"), and the rows set apart',
    );

    await page.screenshot({ path: join(folder, 'plan.png'), fullPage: true });
    assert.deepEqual([...(await readFile(join(folder, 'plan.png'))).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG under the run folder');
    assert.deepEqual(requests, [pathToFileURL(join(folder, 'plan.html')).href], 'no request but the file itself');
    assert.deepEqual(complaints, []);
  });

  it('checks in the page that the totals tie out, and shows each check', async () => {
    const { page } = await open(plan, 'plan.html');
    const verdict = page.getByTestId('tie-out');
    assert.equal(await verdict.getAttribute('data-verdict'), 'ties');
    assert.match((await verdict.textContent()) ?? '', /^Totals tie out — checked in this page/);
    const checks = page.getByTestId('check');
    assert.deepEqual(new Set(await checks.evaluateAll((items) => items.map((item) => item.getAttribute('data-ok')))), new Set(['true']));
    const { before: b, net, after: a } = plan.totals.balance;
    const sum = (await checks.first().textContent()) ?? '';
    assert.equal(BigInt(b) + BigInt(net), BigInt(a));
    assert.match(sum, /^Balance before \+ net change = balance after: /);
    assert.equal(figure(sum.split(': ')[1]?.split(' = ')[1] ?? ''), a);
  });

  it('says loudly that totals do not tie out when Σ before + net ≠ Σ after', async () => {
    const off = { ...plan, totals: { ...plan.totals, balance: { ...plan.totals.balance, after: String(BigInt(plan.totals.balance.after) + 1n) } } };
    const { page, complaints } = await open(off, 'plan-off.html');
    const verdict = page.getByTestId('tie-out');
    assert.equal(await verdict.getAttribute('data-verdict'), 'does-not-tie');
    assert.equal(await verdict.textContent(), 'These totals do NOT tie out — do not approve this plan');
    assert.equal(
      await verdict.evaluate(
        (node) => (globalThis as unknown as { getComputedStyle(node: unknown): { textTransform: string } }).getComputedStyle(node).textTransform,
      ),
      'uppercase',
    );
    const failed = await page.locator('[data-testid=check][data-ok=false]').allTextContents();
    assert.deepEqual(
      failed.map((text) => text.split(':')[0]),
      ['Balance before + net change = balance after', 'Balance after, added up here from the rows'],
    );
    await page.screenshot({ path: join(folder, 'plan-off.png') });
    assert.deepEqual(complaints, []);
  });

  it('checks the totals against the rows themselves, not only against each other', async () => {
    // Totals that agree with one another, over rows that say something else: a row's new balance changed after the totals were added up.
    const rows = plan.rows.map((entry) =>
      entry.line === 2 ? { ...entry, changes: entry.changes.map((item) => ({ ...item, after: Number(item.after) + 1000 })) } : entry,
    );
    const { page } = await open({ ...plan, rows }, 'plan-rows-off.html');
    assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'does-not-tie');
    assert.deepEqual(
      (await page.locator('[data-testid=check][data-ok=false]').allTextContents()).map((text) => text.split(':')[0]),
      ['Balance after, added up here from the rows', 'Credits added, from the rows', 'Credits removed, from the rows'],
    );
  });

  it('sorts by a column when its heading is clicked, both ways, keeping file order among equals', async () => {
    const { page } = await open(plan, 'plan.html');
    const table = page.getByTestId('table-changes');
    const changing = inState(plan, 'change');
    const byChange = (direction: 1 | -1): number[] =>
      [...changing]
        .sort((a, b) => {
          const [x, y] = [balanceChange(a), balanceChange(b)];
          if (x === null || y === null) return x === y ? a.line - b.line : x === null ? 1 : -1;
          return direction * (x - y) || a.line - b.line;
        })
        .map((entry) => entry.line);

    await table.getByTestId('sort-balance-change').click();
    assert.equal(await table.locator('th').nth(7).getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await lines(table), byChange(1).slice(0, 200));
    const shown = (await table.locator('tbody tr td:nth-child(8)').allTextContents()).map((text) => Number(text.replace(/delta$/, '').replace(/[,+]/g, '')));
    assert.deepEqual(
      shown,
      [...shown].sort((a, b) => a - b),
      'the Change column reads in ascending order',
    );

    await table.getByTestId('sort-balance-change').click();
    assert.equal(await table.locator('th').nth(7).getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await lines(table), byChange(-1).slice(0, 200));

    await table.getByTestId('sort-id').click();
    assert.deepEqual(
      await lines(table),
      [...changing]
        .sort(byId)
        .map((entry) => entry.line)
        .slice(0, 200),
    );
    await table.getByTestId('page-last').click();
    assert.deepEqual(
      await lines(table),
      [...changing]
        .sort(byId)
        .map((entry) => entry.line)
        .slice(400),
    );
  });

  it('pages through the changes 200 rows at a time', async () => {
    const { page } = await open(plan, 'plan.html');
    const table = page.getByTestId('table-changes');
    const changing = inState(plan, 'change').map((entry) => entry.line);
    const status = table.getByTestId('page-status');
    assert.equal(await status.textContent(), 'Rows 1–200 of 450 · page 1 of 3');
    assert.equal(await table.getByTestId('page-prev').isDisabled(), true);

    await table.getByTestId('page-next').click();
    assert.equal(await status.textContent(), 'Rows 201–400 of 450 · page 2 of 3');
    assert.deepEqual(await lines(table), changing.slice(200, 400));

    await table.getByTestId('page-last').click();
    assert.equal(await status.textContent(), 'Rows 401–450 of 450 · page 3 of 3');
    assert.deepEqual(await lines(table), changing.slice(400));
    assert.equal(await table.getByTestId('page-next').isDisabled(), true);

    await table.getByTestId('page-input').fill('2');
    await table.getByTestId('page-input').press('Enter');
    assert.equal(await table.getAttribute('data-page'), '2');
    assert.deepEqual(await lines(table), changing.slice(200, 400));

    await table.getByTestId('page-first').click();
    assert.deepEqual(await lines(table), changing.slice(0, 200));
  });

  it('lists each client with the balances of its changing rows, and narrows the changes to one client', async () => {
    const { page } = await open(plan, 'plan.html');
    const clients = page.getByTestId('table-clients');
    assert.equal(await clients.getAttribute('data-total'), '4', 'three clients and the invalid row naming none');
    for (const client of CLIENTS) {
      const changing = inState(plan, 'change').filter((entry) => entry.clientId === client);
      let before = 0n;
      let afterSum = 0n;
      for (const entry of changing) {
        const balance = entry.changes.find((item) => item.field === 'currentBalance');
        if (balance === undefined) continue;
        before += BigInt(balance.before as number);
        afterSum += BigInt(balance.after as number);
      }
      const line = clients.getByTestId('row').filter({ hasText: client });
      const cells = await line.locator('td').allTextContents();
      assert.deepEqual(
        { client: cells[0], changing: figure(cells[2] ?? ''), before: figure(cells[6] ?? ''), net: figure(cells[7] ?? ''), after: figure(cells[8] ?? '') },
        { client, changing: String(changing.length), before: String(before), net: String(afterSum - before), after: String(afterSum) },
      );
    }

    const changes = page.getByTestId('table-changes');
    await clients
      .getByTestId('row')
      .filter({ hasText: CLIENTS[1] as string })
      .getByTestId('show-client')
      .click();
    assert.equal(await changes.getAttribute('data-total'), String(inState(plan, 'change').filter((entry) => entry.clientId === CLIENTS[1]).length));
    assert.deepEqual(new Set(await changes.locator('tbody tr td:nth-child(5)').allTextContents()), new Set([CLIENTS[1]]));

    await page.getByTestId('client-filter').selectOption('*');
    assert.equal(await changes.getAttribute('data-total'), '450');
    await page.getByTestId('search').fill(batchId(41));
    assert.deepEqual(await lines(changes), [43]);
  });

  it('sets drifted and invalid rows apart, with what the batch holds now and why', async () => {
    const { page } = await open(plan, 'plan.html');
    const drifted = page.getByTestId('table-drifted');
    const first = inState(plan, 'drifted')[0] as PlanRow;
    const cells = await drifted.getByTestId('row').first().locator('td').allTextContents();
    assert.deepEqual(cells.slice(4), [
      `currentBalance ${(first.changes[0]?.before as number).toLocaleString('en-US')}`,
      `currentBalance ${(first.live?.currentBalance as number).toLocaleString('en-US')}`,
      `currentBalance ${(first.changes[0]?.after as number).toLocaleString('en-US')}`,
    ]);
    const invalid = page.getByTestId('table-invalid');
    assert.deepEqual(
      await invalid.locator('tbody tr td:nth-child(5)').allTextContents(),
      inState(plan, 'invalid').map((entry) => entry.problem),
    );
    assert.deepEqual(
      await invalid.locator('tbody tr td:nth-child(6)').allTextContents(),
      inState(plan, 'invalid').map((entry) => entry.code),
      'each with its code',
    );
    assert.equal(await page.locator('#drifted').getByTestId('table-changes').count(), 0, 'in a section of their own');
  });

  it('runs no script and loads nothing from a value in the plan: it is shown as text', async () => {
    const { page, requests, complaints } = await open(plan, 'plan.html');
    assert.equal(await page.locator('html').getAttribute('data-ready'), 'true');
    assert.equal(await page.locator('script').count(), 2, 'the data and the page script, nothing injected');
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    const changes = page.getByTestId('table-changes');
    assert.equal(
      await changes
        .getByTestId('row')
        .filter({ has: page.locator('td:nth-child(1)', { hasText: /^5$/ }) })
        .locator('td:nth-child(4)')
        .textContent(),
      PAYLOAD,
    );
    assert.equal(await page.getByTestId('made-by').textContent(), plan.madeBy);
    assert.equal(await page.getByTestId('table-invalid').getByTestId('row').first().locator('td:nth-child(5)').textContent(), `name too long: ${PAYLOAD}`);
    assert.deepEqual(requests, [pathToFileURL(join(folder, 'plan.html')).href]);
    assert.deepEqual(complaints, []);
  });

  it('prints the summary and totals, and says the tables print only their page', async () => {
    const { page } = await open(plan, 'plan.html');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByTestId('tie-out').isVisible(), true);
    assert.equal(await page.getByTestId('total-after').isVisible(), true);
    assert.equal(await page.getByTestId('table-changes').getByTestId('page-next').isVisible(), false, 'no buttons on paper');
    assert.equal(await page.getByTestId('table-changes').getByTestId('page-status').textContent(), 'Rows 1–200 of 450 · page 1 of 3');
    assert.match((await page.getByTestId('print-note').textContent()) ?? '', /each table prints only the page shown on screen/);
    const pdf = await page.pdf({ path: join(folder, 'plan.pdf'), format: 'A4' });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  });
});

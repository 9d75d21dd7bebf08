import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { planId, type PlanDocument, type PlanRow } from '../../src/report/plan-document.js';
import { renderPlanHtml } from '../../src/report/plan-html.js';
import { PlanRows, writePlanFiles } from '../../src/report/plan-rows.js';
import { change, planDocument, row } from '../plan-documents.js';

const folders: string[] = [];
after(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

/** plan.json and plan.html written a row at a time from `plan`'s rows, and what is left in the folder. */
async function writtenFrom(plan: PlanDocument): Promise<{ id: string; json: string; html: string; files: string[] }> {
  const folder = await mkdtemp(join(tmpdir(), 'ti-credits-plan-rows-'));
  folders.push(folder);
  const rows = new PlanRows(folder);
  for (const entry of plan.rows) rows.add(entry);
  rows.close();
  const { id: _id, rows: _rows, ...content } = plan;
  const id = await writePlanFiles(folder, content, rows);
  return {
    id,
    json: await readFile(join(folder, 'plan.json'), 'utf8'),
    html: await readFile(join(folder, 'plan.html'), 'utf8'),
    files: (await readdir(folder)).sort(),
  };
}

/**
 * Rows of every state, with texts that JSON, the canonical form and the HTML page each escape: quotes, `</script>`, line ends,
 * U+2028, a lone surrogate, non-Latin text; names, statuses and allocations as read, and rows past a per-row guardrail, which
 * plan.html's warnings count.
 */
function awkwardRows(count: number): PlanRow[] {
  const rows: PlanRow[] = [];
  for (let index = 0; index < count; index++) {
    const id = `0000000${index % 10}-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const client = `c000000${index % 3}-0000-4000-8000-000000000000`;
    switch (index % 5) {
      case 0:
        rows.push(
          row(
            index + 2,
            id,
            client,
            'change',
            [change('currentBalance', 100 + index, 250 + index), change('expiresOn', '2027-03-31T23:59:59.000Z', '2027-06-30T23:59:59.000Z')],
            {
              name: `Batch ${index} ✓`,
              clientName: 'Acme "Learning" <Co>',
              status: index % 10 === 0 ? 'expired' : 'active',
              allocated: index,
            },
          ),
        );
        break;
      case 1:
        rows.push(row(index + 2, id, client, 'change', [change('name', 'Old "name" </script><!--', `Neu\u2028\u2029 ${'\ud800'} ✓ 名前 \n & <b>`)]));
        break;
      case 2:
        rows.push(row(index + 2, id, client, 'unchanged', []));
        break;
      case 3:
        rows.push(row(index + 2, id, client, 'drifted', [change('currentBalance', 7, 9, 2)], { live: { currentBalance: 8 } }));
        break;
      default:
        rows.push({
          ...row(index + 2, id, null, 'invalid', [], {
            problem: index % 10 === 4 ? 'the balance moves by 9000, more than --max-balance-change allows (5000)' : 'currentBalance "-5" is below 0 </script>',
          }),
          id: null,
        });
    }
  }
  return rows;
}

describe('plan.json and plan.html written a row at a time (PlanRows)', () => {
  for (const count of [0, 1, 7, 2_500]) {
    it(`writes the very bytes and id of the whole document, ${count} rows`, async () => {
      const { rows, ...head } = planDocument(awkwardRows(count), {
        appliedBefore: [{ run: '2026-12-01T10-00-00', startedAt: '2026-12-01T10:00:00.000Z', updated: count }],
      });
      // Rows come last in plan.json, as the plan pass writes it.
      const plan: PlanDocument = { ...head, rows };
      const written = await writtenFrom(plan);
      assert.equal(written.id, plan.id);
      assert.equal(written.id, planId((({ id: _id, ...content }) => content)(plan)));
      assert.equal(written.json, `${JSON.stringify(plan, null, 2)}\n`);
      assert.equal(written.html, renderPlanHtml(plan));
      if (count > 4) assert.match(written.html, /data-testid="warning-guardrail-rows" data-count="[1-9]/);
      assert.deepEqual(JSON.parse(written.json), JSON.parse(JSON.stringify(plan)));
      // The rows' file is gone once the plan is written: the folder holds the plan, nothing half made.
      assert.deepEqual(written.files, ['plan.html', 'plan.json']);
    });
  }

  it('leaves nothing behind when the plan pass fails', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ti-credits-plan-rows-'));
    folders.push(folder);
    const rows = new PlanRows(folder);
    rows.add(awkwardRows(1)[0] as PlanRow);
    rows.discard();
    assert.deepEqual(await readdir(folder), []);
  });
});

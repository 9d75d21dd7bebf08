import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OverwrittenRow } from '../../src/core/credit-action.js';
import { openInput } from '../../src/read/data-rows.js';
import { CORRECTION_FILE, CORRECTION_NOTE_COLUMN, CorrectionFile } from '../../src/report/correction-file.js';
import type { ValidRow } from '../../src/validate/row.js';
import { defaultRules } from '../../src/validate/rules.js';
import { scanInput } from '../../src/validate/scan.js';
import { tempDir } from '../helpers.js';

const CLIENT = 'c0000000-0000-4000-8000-000000000001';
const ROWS: OverwrittenRow[] = [
  {
    line: 12,
    id: 'b0000000-0000-4000-8000-00000000000a',
    clientId: CLIENT,
    credits: -8,
    actions: [
      { id: 'd0000000-0000-4000-8000-000000000001', actionType: 'debit', amount: 7, role: 'source', timestamp: '2026-05-01T12:00:00.001Z' },
      { id: 'd0000000-0000-4000-8000-000000000002', actionType: 'debit', amount: 1, role: 'source', timestamp: '2026-05-01T12:00:00.002Z' },
    ],
  },
  {
    line: 13,
    id: 'b0000000-0000-4000-8000-00000000000b',
    clientId: CLIENT,
    credits: 5,
    actions: [{ id: 'e0000000-0000-4000-8000-000000000001', actionType: 'credit', amount: 5, role: 'target', timestamp: '2026-05-01T12:00:00.003Z' }],
  },
  {
    line: 14,
    id: 'b0000000-0000-4000-8000-00000000000c',
    clientId: CLIENT,
    credits: 0,
    actions: [
      { id: 'd0000000-0000-4000-8000-000000000003', actionType: 'debit', amount: 2, role: 'source', timestamp: '2026-05-01T12:00:00.004Z' },
      { id: 'e0000000-0000-4000-8000-000000000002', actionType: 'credit', amount: 2, role: 'target', timestamp: '2026-05-01T12:00:00.005Z' },
    ],
  },
];

describe('correction.csv', () => {
  it("gives back each row's credits as a currentBalanceDelta, with a note naming the actions, and leaves out a row whose overwrites cancel out", async () => {
    const dir = await tempDir();
    const file = new CorrectionFile(dir);
    for (const row of ROWS) file.add(row);
    assert.equal(file.rows, 2);
    file.commit();
    assert.equal(
      await readFile(join(dir, CORRECTION_FILE), 'utf8'),
      [
        `id,clientId,currentBalanceDelta,${CORRECTION_NOTE_COLUMN}`,
        `${ROWS[0]?.id},${CLIENT},-8,written over by line 12: debit d0000000-0000-4000-8000-000000000001 of 7 credits from the batch at 2026-05-01T12:00:00.001Z; debit d0000000-0000-4000-8000-000000000002 of 1 credit from the batch at 2026-05-01T12:00:00.002Z`,
        `${ROWS[1]?.id},${CLIENT},+5,written over by line 13: credit e0000000-0000-4000-8000-000000000001 of 5 credits to the batch at 2026-05-01T12:00:00.003Z`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(await readdir(dir), [CORRECTION_FILE], 'no .tmp left behind');
  });

  it('is read by apply as a valid file of deltas, the note carried as a note', async () => {
    const dir = await tempDir();
    const file = new CorrectionFile(dir);
    for (const row of ROWS) file.add(row);
    file.commit();
    const rows: ValidRow[] = [];
    const scan = await scanInput(await openInput(join(dir, CORRECTION_FILE), {}), {
      rules: defaultRules(new Date()),
      onHeader: () => (verdict) => {
        assert.ok(verdict.valid, JSON.stringify(verdict.row));
        rows.push(verdict.row);
      },
    });
    assert.deepEqual([scan.rows, scan.invalidRows, scan.duplicates.size], [2, 0, 0]);
    assert.deepEqual([scan.columns.delta, scan.columns.clientId, scan.columns.carried], [2, 1, [0, 1, 2, 3]]);
    assert.deepEqual(
      rows.map((row) => [row.id, row.clientId, row.delta, row.body]),
      [
        [ROWS[0]?.id, CLIENT, -8, {}],
        [ROWS[1]?.id, CLIENT, 5, {}],
      ],
    );
  });

  it('appears whole or not at all', async () => {
    const dir = await tempDir();
    const file = new CorrectionFile(dir);
    file.add(ROWS[0] as OverwrittenRow);
    assert.equal(existsSync(join(dir, CORRECTION_FILE)), false, 'nothing at its name before commit');
    file.discard();
    assert.deepEqual(await readdir(dir), []);
  });
});

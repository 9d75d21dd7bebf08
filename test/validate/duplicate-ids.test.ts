import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { IdIndex } from '../../src/validate/duplicate-ids.js';
import { defaultRules } from '../../src/validate/rules.js';
import { scanFile } from '../../src/validate/scan.js';
import { tempDir, writeCsv } from '../helpers.js';

describe('IdIndex', () => {
  it('returns 0 for a new id and the first line for a repeated one, across many growths', () => {
    const index = new IdIndex();
    const all = Array.from({ length: 50_000 }, () => randomUUID());
    all.forEach((id, i) => assert.equal(index.remember(id, i + 2), 0));
    all.forEach((id, i) => assert.equal(index.remember(id, 100_000 + i), i + 2));
  });
  it('treats ids that differ only in letter case as the same id', () => {
    const index = new IdIndex();
    const id = 'abcdef12-3456-4789-abcd-ef1234567890';
    index.remember(id, 2);
    assert.equal(index.remember(id.toUpperCase(), 5), 2);
  });
  it('tells apart ids that differ in one digit anywhere', () => {
    const index = new IdIndex();
    const base = '00000000-0000-4000-8000-000000000000';
    index.remember(base, 2);
    for (const position of [0, 7, 9, 14, 19, 24, 35]) {
      const other = `${base.slice(0, position)}1${base.slice(position + 1)}`;
      assert.equal(index.remember(other, 3 + position), 0, `differs at ${position}`);
    }
  });
});

describe('scan', () => {
  it('counts rows, invalid rows and duplicated ids in one pass', async () => {
    const dir = await tempDir();
    const [a, b] = [randomUUID(), randomUUID()];
    const path = await writeCsv(dir, `id,currentBalance\n${a},1\n${b},x\n${a},2\n${a.toUpperCase()},3\n`);
    const scan = await scanFile(path, { layout: {}, rules: defaultRules(new Date()) });
    assert.equal(scan.rows, 4);
    assert.equal(scan.invalidRows, 1);
    assert.equal(scan.duplicates.size, 1);
    assert.deepEqual(scan.duplicates.otherLines(a, 2), [4, 5]);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DuplicateIds, IdFingerprints } from '../../src/validate/duplicate-ids.js';
import { defaultRules } from '../../src/validate/rules.js';
import { openInput } from '../../src/read/data-rows.js';
import { scanInput } from '../../src/validate/scan.js';
import { tempDir, writeCsv } from '../helpers.js';

describe('IdFingerprints', () => {
  it('adds a new id and refuses a repeated one, across many growths', () => {
    const fingerprints = new IdFingerprints();
    const all = Array.from({ length: 50_000 }, () => randomUUID());
    all.forEach((id) => assert.equal(fingerprints.add(id), true));
    all.forEach((id) => assert.equal(fingerprints.add(id), false));
  });
  it('tells apart sequential ids, which differ only in their last digits', () => {
    const fingerprints = new IdFingerprints();
    for (let row = 0; row < 200_000; row++) {
      assert.equal(fingerprints.add(`3f2a9c1e-5b7d-4e8f-9a0b-${row.toString(16).padStart(12, '0')}`), true, `row ${row}`);
    }
  });
  it('treats ids that differ only in letter case as the same id', () => {
    const fingerprints = new IdFingerprints();
    const id = 'abcdef12-3456-4789-abcd-ef1234567890';
    fingerprints.add(id);
    assert.equal(fingerprints.add(id.toUpperCase()), false);
  });
  it('tells apart ids that differ in one digit anywhere', () => {
    const fingerprints = new IdFingerprints();
    const base = '00000000-0000-4000-8000-000000000000';
    fingerprints.add(base);
    for (const position of [0, 7, 9, 14, 19, 24, 35]) {
      const other = `${base.slice(0, position)}1${base.slice(position + 1)}`;
      assert.equal(fingerprints.add(other), true, `differs at ${position}`);
    }
  });
});

describe('DuplicateIds', () => {
  const [a, b] = ['aaaaaaaa-0000-4000-8000-000000000000', 'bbbbbbbb-0000-4000-8000-000000000000'];

  it('names the other lines of an id found on several, in any letter case', () => {
    const duplicates = new DuplicateIds();
    duplicates.add(a, 2);
    duplicates.add(a.toUpperCase(), 7);
    duplicates.add(a, 9);
    assert.equal(duplicates.size, 1);
    assert.deepEqual(duplicates.otherLines(a, 2), [7, 9]);
    assert.deepEqual(duplicates.otherLines(a.toUpperCase(), 9), [2, 7]);
  });

  it('does not count a suspect found on one line only, as when two fingerprints were alike', () => {
    const duplicates = new DuplicateIds();
    duplicates.add(a, 2);
    duplicates.add(b, 9);
    duplicates.add(b, 15);
    assert.equal(duplicates.size, 1);
    assert.equal(duplicates.otherLines(a, 2), undefined);
    assert.deepEqual(duplicates.otherLines(b, 15), [9]);
  });
});

describe('scan', () => {
  it('counts rows, invalid rows and duplicated ids in one pass', async () => {
    const dir = await tempDir();
    const [a, b] = [randomUUID(), randomUUID()];
    const path = await writeCsv(dir, `id,currentBalance\n${a},1\n${b},x\n${a},2\n${a.toUpperCase()},3\n`);
    const scan = await scanInput(await openInput(path, {}), { rules: defaultRules(new Date()) });
    assert.equal(scan.rows, 4);
    assert.equal(scan.invalidRows, 1);
    assert.equal(scan.duplicates.size, 1);
    assert.deepEqual(scan.duplicates.otherLines(a, 2), [4, 5]);
  });
});

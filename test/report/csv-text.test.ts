import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { csvText } from '../../src/report/csv-text.js';

/** Characters that matter to CSV, and some that must pass untouched. */
const ALPHABET = ['a', 'Z', ' ', ',', ';', '"', "'", '\r', '\n', '\t', '=', 'é', '€', '\u{1F600}'];

function randomCell(random: () => number): string {
  const length = Math.floor(random() * 6);
  let cell = '';
  for (let i = 0; i < length; i++) cell += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return cell;
}

/** A small seeded generator (mulberry32): a failure names a seed that reproduces it. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('csvText', () => {
  it('writes plain cells bare and empty cells empty', () => {
    assert.equal(csvText([['1', 'updated', '', 'Batch 7']]), '1,updated,,Batch 7\n');
  });

  it('quotes a cell with a comma, a double quote or a line break as csv-stringify does', () => {
    assert.equal(csvText([['Acme, Inc', 'say "hi"', 'two\nlines', 'cr\rhere']]), '"Acme, Inc","say ""hi""","two\nlines","cr\rhere"\n');
    assert.equal(csvText([['{"currentBalance":5}']]), '"{""currentBalance"":5}"\n');
  });

  it('writes one line per record, an empty record included', () => {
    assert.equal(csvText([['a'], [], ['b', 'c']]), 'a\n\nb,c\n');
    assert.equal(csvText([]), '');
  });

  it('is byte for byte what csv-stringify writes, on 2,000 random records, and reads back as written', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seeded(seed);
      const records = Array.from({ length: 100 }, () => Array.from({ length: 1 + Math.floor(random() * 5) }, () => randomCell(random)));
      const text = csvText(records);
      assert.equal(text, stringify(records), `seed ${seed}`);
      const nonEmpty = records.filter((record) => record.length > 1 || record[0] !== '');
      assert.deepEqual(parse(text, { relax_column_count: true, skip_empty_lines: true }), nonEmpty, `seed ${seed}`);
    }
  });
});

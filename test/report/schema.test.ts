import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreditBatchUpdate } from '../../src/core/credit-batch.js';
import { mulberry32 } from '../../src/mock/faults.js';
import { csvText } from '../../src/report/csv-text.js';
import { ROW_REPORT, type OwnColumn } from '../../src/report/schema.js';

const sent = ROW_REPORT.columns.find((column) => column !== 'input columns' && column.name === 'sent') as OwnColumn;
const cellOf = (body: CreditBatchUpdate): string => sent.csv?.({ line: 2, outcome: 'valid', cells: [], attempts: 0, sent: body }) ?? '';

/** Characters JSON treats apart, and some it does not. */
const ALPHABET = ['a', ' ', '"', '\\', '/', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028', '\u{1F600}', '\ud800', '\udfff', ',', "'"];

describe('the sent column', () => {
  it('writes the body as csvText writes what JSON.stringify makes of it, on 2,000 random bodies', () => {
    const random = mulberry32(7);
    for (let body = 0; body < 2000; body++) {
      const text = (): string => Array.from({ length: Math.floor(random() * 8) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
      const fields: [keyof CreditBatchUpdate, () => string | number][] = [
        ['name', text],
        ['expiresOn', () => (random() < 0.5 ? '2027-03-31T23:59:59.000Z' : text())],
        ['currentBalance', () => Math.floor(random() * Number.MAX_SAFE_INTEGER)],
      ];
      const update: Record<string, string | number> = {};
      for (const [field, value] of fields.sort(() => random() - 0.5)) if (random() < 0.8) update[field] = value();
      assert.equal(`${cellOf(update as CreditBatchUpdate)}\n`, csvText([[JSON.stringify(update)]]), JSON.stringify(update));
    }
  });
  it('writes nothing when nothing was sent', () => {
    assert.equal(sent.csv?.({ line: 2, outcome: 'invalid', cells: [], attempts: 0 }), '');
  });
});

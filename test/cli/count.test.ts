import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count } from '../../src/cli/messages.js';

describe('numbers as the views write them (count)', () => {
  it('groups whole numbers exactly as toLocaleString("en-US") does, without loading its locale data', () => {
    const numbers = [0, -0, 1, -1, 999, 1000, -1000, 123456, 1234567, -7654321, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.5, 1234.5678, -1e21, 1e21];
    for (let power = 0; power < 16; power++) numbers.push(10 ** power, 10 ** power - 1, -(10 ** power) + 1, Math.floor(10 ** power * 0.37));
    for (const n of numbers) assert.equal(count(n), n.toLocaleString('en-US'), String(n));
  });
});

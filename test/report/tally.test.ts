import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorShape, Tally } from '../../src/report/tally.js';

const failed = (line: number, httpStatus: number | undefined, error: string) => ({
  line,
  outcome: 'failed' as const,
  cells: [],
  attempts: 1,
  httpStatus,
  error,
});

describe('the most frequent errors', () => {
  it('group by status and shape: ids and numbers set aside, the status kept', () => {
    const tally = new Tally(['updated', 'failed']);
    tally.countRow(failed(2, 404, '404: Credit batch 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b not found'));
    tally.countRow(failed(3, 404, '404: Credit batch 9531985d-5d9d-49f8-9818-e811892f902b not found'));
    tally.countRow(failed(4, 422, '422: currentBalance 5000000000 is larger than 1000000000'));
    tally.countRow(failed(5, 422, '422: currentBalance 7000000000 is larger than 1000000000'));
    tally.countRow(failed(6, undefined, "the API did not answer in time (Timeout awaiting 'request' for 100ms)"));
    assert.deepEqual(
      [...tally.errors.values()].map(({ shape, times }) => [shape, times]),
      [
        ['404: Credit batch <id> not found', 2],
        ['422: currentBalance <n> is larger than <n>', 2],
        ["the API did not answer in time (Timeout awaiting 'request' for <n>ms)", 1],
      ],
    );
    assert.equal([...tally.errors.values()][0]?.example, '404: Credit batch 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b not found');
    assert.deepEqual(
      [...tally.errors.values()].map(({ shown }) => shown),
      [
        '404: Credit batch <id> not found',
        '422: currentBalance <n> is larger than 1000000000',
        "the API did not answer in time (Timeout awaiting 'request' for 100ms)",
      ],
    );
  });

  it('shows a group as what its messages share: a number or an id they all hold stays, one that differs becomes <n> or <id>', () => {
    const tally = new Tally(['failed']);
    const id = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
    for (const [line, wait] of [
      [2, 5],
      [3, 7],
      [4, 5],
    ] as const)
      tally.countRow(failed(line, 200, `the API answered 200 but without the credit batch ${id}; throttled ${wait} s`));
    assert.deepEqual(
      [...tally.errors.values()].map(({ shown, times }) => [shown, times]),
      [[`the API answered 200 but without the credit batch ${id}; throttled <n> s`, 3]],
    );
  });

  it('keeps apart the same words under another status', () => {
    assert.equal(errorShape('503: Try again in 5 s'), '503: Try again in <n> s');
    const tally = new Tally(['failed']);
    tally.countRow(failed(2, 503, 'network error: 1'));
    tally.countRow(failed(3, undefined, 'network error: 1'));
    assert.equal(tally.errors.size, 2);
  });
});

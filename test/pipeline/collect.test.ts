import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { collectGarbage, Collector } from '../../src/pipeline/collect.js';

describe('the collections asked for every so often (Collector)', () => {
  it('collects each time the count it was given is reached again, and not between', () => {
    let collections = 0;
    const collector = new Collector(10, () => collections++);
    collector.count(9);
    assert.equal(collections, 0);
    collector.count(1);
    assert.equal(collections, 1);
    for (let page = 0; page < 7; page++) collector.count(3);
    assert.equal(collections, 2);
    collector.count(25);
    assert.equal(collections, 3);
  });

  it('collects what nothing holds any more', async () => {
    let held: object | undefined = { payload: new Array(1000).fill('x') };
    const watched = new WeakRef(held);
    held = undefined;
    // A WeakRef keeps its target to the end of the turn it was made in.
    await nextTurn();
    collectGarbage();
    assert.equal(watched.deref(), undefined);
  });
});

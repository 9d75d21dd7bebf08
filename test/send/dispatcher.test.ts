import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Dispatcher } from '../../src/send/dispatcher.js';

describe('dispatcher', () => {
  it('runs at most `concurrency` tasks at once and holds the producer back instead of queueing', async () => {
    const dispatcher = new Dispatcher(3);
    let running = 0;
    let maxRunning = 0;
    let accepted = 0;
    let finished = 0;
    let maxWaiting = 0;
    for (let i = 0; i < 40; i++) {
      await dispatcher.submit(async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        // Settles on a later turn of the event loop, after the producer has tried to submit more.
        await nextTurn();
        running--;
        finished++;
      });
      accepted++;
      maxWaiting = Math.max(maxWaiting, accepted - finished - running);
    }
    await dispatcher.drain();
    assert.equal(finished, 40);
    assert.equal(maxRunning, 3);
    assert.ok(maxWaiting <= 3, `${maxWaiting} tasks waited to start`);
  });
  it('reports a task that threw when drained', async () => {
    const dispatcher = new Dispatcher(2);
    await dispatcher.submit(async () => {
      throw new Error('bug');
    });
    await assert.rejects(dispatcher.drain(), /bug/);
  });
});

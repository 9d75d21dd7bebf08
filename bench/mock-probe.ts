import { createInterface } from 'node:readline';
import { startMockApi } from '../src/mock/server.js';
import { CreditBatchStore } from '../src/mock/store.js';

/**
 * The local mock (unknown ids created on first update, no rate limit) with a
 * probe the benchmark drives through stdin, one command a line, so that it
 * can time a run from the API's side, where a request really arrives:
 * - `arm [n]`: print `first <ms>` (Date.now()) when the next request
 *   arrives, and, given n, `reached <ms>` when the n-th request from then does.
 * Prints `listening <origin>` once ready.
 */
let first = false;
let left = 0;
let armed = false;
const mock = await startMockApi({
  store: new CreditBatchStore([], { autoCreate: true }),
  recordRequests: false,
  onRequest: (request) => {
    if (!armed) return;
    if (!first) {
      first = true;
      process.stdout.write(`first ${request.at}\n`);
    }
    if (left > 0 && --left === 0) process.stdout.write(`reached ${request.at}\n`);
  },
});
process.stdout.write(`listening ${mock.origin}\n`);
for await (const command of createInterface({ input: process.stdin })) {
  const [verb, count] = command.split(' ');
  if (verb === 'arm') {
    armed = true;
    first = false;
    left = Number(count ?? 0);
  }
}
await mock.close();

import { randomUUID } from 'node:crypto';
import type { CreditBatch } from '../src/core/credit-batch.js';
import { startMockApi } from '../src/mock/server.js';
import { CreditBatchStore } from '../src/mock/store.js';

/**
 * A mock holding `clients` × `perClient` credit batches, generated rather than
 * read from a seed (a million batches would be a 300 MB seed file), in a
 * process of its own. Prints its address, then `client,id` of every batch on
 * stdout, for the benchmark to build its input from, with its credit
 * account (each client's batches spread over `accounts` of them); then
 * `first-put <Date.now()>` when the first PUT arrives.
 * Usage: node live-mock.js <clients> <perClient> <perPage> <ratePerMinute|0> <burst> [accounts per client]
 */
const [clients = 1, perClient = 1, perPage = 100, rate = 0, burst = 20, accounts = 1] = process.argv.slice(2).map(Number);
const seed: Partial<CreditBatch>[] = [];
for (let client = 0; client < clients; client++) {
  const clientId = randomUUID();
  const accountIds = Array.from({ length: accounts }, () => randomUUID());
  for (let index = 0; index < perClient; index++) {
    seed.push({
      id: randomUUID(),
      clientId,
      creditAccountId: accountIds[index % accounts] ?? randomUUID(),
      name: `Batch ${client}-${index}`,
      currentBalance: 100 + (index % 900),
      expiresOn: '2027-12-31T23:59:59.000Z',
    });
  }
}
let putSeen = false;
const mock = await startMockApi({
  port: 0,
  store: new CreditBatchStore(seed),
  perPage,
  recordRequests: false,
  ...(rate > 0 ? { rateLimit: { perMinute: rate, burst } } : {}),
  onRequest: (request) => {
    if (putSeen || request.method !== 'PUT') return;
    putSeen = true;
    process.stdout.write(`first-put ${request.at}\n`);
  },
});
const lines = [`listening on ${mock.origin}`, ...seed.map((batch) => `${batch.clientId},${batch.id},${batch.creditAccountId ?? ''}`)];
for (let at = 0; at < lines.length; at += 10_000) process.stdout.write(`${lines.slice(at, at + 10_000).join('\n')}\n`);
process.stdout.write('seeded\n');
process.on('SIGINT', () => void mock.close().then(() => process.exit(0)));

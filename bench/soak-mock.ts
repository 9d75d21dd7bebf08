import { createInterface } from 'node:readline';
import type { CreditBatch } from '../src/core/credit-batch.js';
import { startMockApi } from '../src/mock/server.js';
import { CreditBatchStore } from '../src/mock/store.js';
import { SOAK_CLIENT } from './soak-client.js';

/**
 * The mock of `npm run soak:resume`, in a process of its own, so that the
 * runs the soak kills never share its event loop. Seeds `rows` batches with
 * the ids writeRows writes (balance 100), all of client SOAK_CLIENT, answers
 * each request `latency` ms late, prints its address, then answers each
 * `stats` line on stdin with one JSON line: the PUTs received and applied
 * (answered 200) per id, the GETs received, and each batch's balance.
 * Usage: node soak-mock.js <rows> <latencyMs>
 */
const [rows = 1, latencyMs = 0] = process.argv.slice(2).map(Number);
const ids = Array.from({ length: rows }, (_, row) => `3f2a9c1e-5b7d-4e8f-9a0b-${row.toString(16).padStart(12, '0')}`);
const seed: Partial<CreditBatch>[] = ids.map((id, row) => ({
  id,
  clientId: SOAK_CLIENT,
  name: `Batch ${row}`,
  currentBalance: 100,
  expiresOn: '2027-12-31T23:59:59.000Z',
}));
const mock = await startMockApi({ port: 0, store: new CreditBatchStore(seed), faults: { latencyMs } });
process.stdout.write(`listening on ${mock.origin}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stats') continue;
  const received: Record<string, number> = {};
  const applied: Record<string, number> = {};
  let reads = 0;
  for (const request of mock.requests) {
    if (request.method === 'GET') reads++;
    if (request.method !== 'PUT' || request.id === undefined) continue;
    received[request.id] = (received[request.id] ?? 0) + 1;
    if (request.answer === 200) applied[request.id] = (applied[request.id] ?? 0) + 1;
  }
  const balances = Object.fromEntries(ids.map((id) => [id, mock.store.get(id)?.currentBalance ?? null]));
  process.stdout.write(`${JSON.stringify({ received, applied, reads, balances })}\n`);
}
await mock.close();

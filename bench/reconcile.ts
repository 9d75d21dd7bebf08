import type { CreditBatch, ListedBatch } from '../src/core/credit-batch.js';
import { MOCK_API_KEY, startMockApi } from '../src/mock/server.js';
import { CreditBatchStore } from '../src/mock/store.js';
import { readClientBatches } from '../src/pipeline/operations/read-client-batches.js';
import { updateCreditBatch } from '../src/pipeline/operations/update-credit-batch.js';
import { reconcile, reconcileCost, type ReconcileWrite } from '../src/pipeline/reconcile.js';
import { Executor } from '../src/send/executor.js';
import { mb, median, round } from './common.js';

/**
 * What reconciliation reads (issue 21, part 2), for 10,000 rows written over
 * 20 clients of one credit account each (500 batches an account), against the
 * in-process mock (100 a page), whose ledgers hold N redemptions made before
 * the run (BENCH_LEDGER, a comma-separated list; 0, 10,000 and 100,000 by
 * default) and the 100 the mock slips into the window of 100 of the writes.
 * For each N: the requests reconciliation makes, against the 10,000 PUTs; what
 * they take at 600 requests a minute (an Enterprise key), which is what bounds
 * a live run; and, unthrottled, median of BENCH_RUNS (default 3), the wall
 * time of the reconciliation against that of the 10,000 PUTs, measured the
 * same way in the same run, and the heap it adds.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LEDGERS = (process.env.BENCH_LEDGER ?? '0,10000,100000').split(',').map(Number);
const [CLIENTS, PER_ACCOUNT, SLIPPED, PACE] = [20, 500, 100, 600];
const ROWS = CLIENTS * PER_ACCOUNT;

const executorFor = (origin: string, concurrency: number): Executor =>
  new Executor(
    {
      target: { origin, apiKey: MOCK_API_KEY },
      concurrency,
      ratePerMinute: 0,
      maxRatePerMinute: 0,
      rateFrom: 'told',
      burst: 100,
      learnBurst: false,
      timeoutMs: 30_000,
      retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 60_000 },
      maxThrottleWaitMs: 60_000,
      circuitBreaker: 0,
    },
    new AbortController().signal,
  );

const hex = (value: number): string => value.toString(16).padStart(12, '0');
const lines: string[] = [];
for (const ledger of LEDGERS) {
  const seed: Partial<CreditBatch>[] = [];
  for (let client = 0; client < CLIENTS; client++) {
    for (let index = 0; index < PER_ACCOUNT; index++) {
      seed.push({
        id: `b0000000-0000-4000-8000-${hex(client * PER_ACCOUNT + index)}`,
        clientId: `c0000000-0000-4000-8000-${hex(client)}`,
        creditAccountId: `a0000000-0000-4000-8000-${hex(client)}`,
        currentBalance: 1_000_000,
        expiresOn: '2099-12-31T23:59:59.000Z',
      });
    }
  }
  const store = new CreditBatchStore(seed);
  // Redemptions from before the run, spread over every batch: in the ledger, read, and never in a window.
  for (let action = 0; action < ledger; action++) store.redeem(seed[(action * 7919) % ROWS]?.id ?? '', 1, new Date(Date.UTC(2026, 0, 2) + action));
  const slipped = seed.filter((_, index) => index % (ROWS / SLIPPED) === 0).map((batch) => batch.id ?? '');
  const mock = await startMockApi({ store, perPage: 100, recordRequests: false, slipRedemptions: { credits: 7, ids: slipped } });
  try {
    // The run: every client read, then every row written, the updatedAt before and after kept.
    const run = executorFor(mock.origin, 8);
    const read = new Map<string, ListedBatch>();
    for (let client = 0; client < CLIENTS; client++) {
      const listed = await readClientBatches(run, `c0000000-0000-4000-8000-${hex(client)}`);
      if (listed.kind !== 'done') throw new Error(`the batches of client ${client} could not be read`);
      for (const batch of listed.value) read.set(batch.id, batch);
    }
    const writes: ReconcileWrite[] = [];
    const putsStarted = performance.now();
    for (const [index, batch] of seed.entries()) {
      const id = batch.id ?? '';
      const body = { currentBalance: 500_000 + index };
      await run.submit(updateCreditBatch, { line: index + 2, id, body, cells: [], before: {} }, (result) => {
        if (result.kind !== 'done') throw new Error(`the PUT of ${id} failed`);
        const before = read.get(id);
        writes.push({
          line: index + 2,
          id,
          clientId: before?.clientId ?? '',
          creditAccountId: result.value.creditAccountId,
          sent: body,
          readUpdatedAt: before?.updatedAt,
          writtenUpdatedAt: result.value.updatedAt,
        });
      });
    }
    await run.drain();
    const putsMs = performance.now() - putsStarted;
    run.close();

    const cost = reconcileCost(writes);
    const walls: number[] = [];
    const heaps: number[] = [];
    let requests = 0;
    let checked = 0;
    for (let attempt = 0; attempt < RUNS; attempt++) {
      globalThis.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
      const executor = executorFor(mock.origin, 1);
      const started = performance.now();
      const result = await reconcile(executor, writes);
      walls.push(performance.now() - started);
      clearInterval(sampler);
      heaps.push(Math.max(heapPeak, process.memoryUsage().heapUsed) - heapBefore);
      executor.close();
      if (result.kind !== 'checked') throw new Error(`not checked: ${result.reason}`);
      const found = result.overwritten.map((row) => row.id).sort();
      if (found.join() !== [...slipped].sort().join() || result.credits !== -7 * SLIPPED || result.unreadable.length > 0) {
        throw new Error(
          `found ${found.length} rows overwritten (${result.credits} credits), ${result.unreadable.length} unreadable; expected the ${SLIPPED} slipped`,
        );
      }
      ({ requests, checked } = result);
    }
    process.stderr.write(
      `ledger ${round(ledger)}: ${requests} requests, ${round(checked)} actions, ${median(walls).toFixed(0)} ms (PUTs ${putsMs.toFixed(0)} ms)\n`,
    );
    lines.push(
      `| ${round(ledger)} + ${SLIPPED} | ${round(checked)} | ${requests} (at least ${cost.minimumRequests}) | ${((requests / ROWS) * 100).toFixed(2)}% | ${((requests / PACE) * 60).toFixed(0)} s | ${median(walls).toFixed(0)} ms (${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}) | ${putsMs.toFixed(0)} ms | ${(median(walls) / putsMs).toFixed(3)} | ${globalThis.gc === undefined ? 'run with --expose-gc' : mb(median(heaps))} |`,
    );
  } finally {
    await mock.close();
  }
}
process.stdout.write(
  [
    `Reconciliation of ${round(ROWS)} rows written over ${CLIENTS} clients × 1 credit account, 100 a page, median of ${RUNS}:`,
    '',
    '| ledger actions (before the run + slipped) | actions read | requests | requests / PUTs | at 600/min | reconciliation, unthrottled | the 10,000 PUTs, 8 at a time | ratio | heap added |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
  ].join('\n'),
);

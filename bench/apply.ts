import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, mb, median, perSecond, readSummary, round, runNaiveLoop, runNode, RUNS, spawnMock, writeRows } from './common.js';

/**
 * `ti-credits apply` of 20,000 generated rows against the local mock with no
 * rate limit, next to autocannon sending the same PUT with the same
 * concurrency to the same mock, alternating within one run, and next to the
 * plainest got + p-limit + p-retry loop (naive-loop.ts), which shows what got
 * alone costs. The mock runs in a process of its own.
 * Target: apply at least 40% of autocannon's rate.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const CONCURRENCY = 4;

const mock = await spawnMock(['--auto-create']);
const origin = mock.origin;

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-'));
try {
  const input = join(dir, 'rows.csv');
  await writeRows(input, ROWS);
  const apply = { rate: [] as number[], rss: [] as number[] };
  const cannon: number[] = [];
  const naive: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = await autocannon({
      url: `${origin}/incoming/v2/clients/creditBatches/3f2a9c1e-5b7d-4e8f-9a0b-000000000000`,
      method: 'PUT',
      connections: CONCURRENCY,
      amount: ROWS,
      headers: { authorization: `Bearer ${MOCK_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Batch 0', expiresOn: '2027-03-31T23:59:59.000Z', currentBalance: 0 }),
    });
    if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`autocannon got ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    cannon.push(perSecond(result.requests.total, performance.now() - started));

    const loop = await runNaiveLoop(input, origin, CONCURRENCY);
    if (loop.rows !== ROWS) throw new Error(`the naive loop sent ${loop.rows} rows`);
    naive.push(perSecond(ROWS, loop.wallMs));

    const out = join(dir, `run-${run}`);
    const child = await runNode([CLI, 'apply', '--blind', '--yes', input, '--base-url', origin, '--rate', '0', '--concurrency', String(CONCURRENCY), '--out', out], { ...process.env, TI_API_KEY: MOCK_API_KEY });
    const summary = await readSummary(out);
    if (child.code !== 0 || summary.rows.updated !== ROWS) throw new Error(`apply exited ${child.code} with ${summary.rows.updated} rows updated:\n${child.stderr}`);
    apply.rate.push(perSecond(ROWS, child.wallMs));
    apply.rss.push(summary.peakRssBytes);
    await rm(out, { recursive: true });
    process.stderr.write(`run ${run + 1}/${RUNS}: apply ${round(apply.rate.at(-1) ?? 0)} rows/s, naive loop ${round(naive.at(-1) ?? 0)} rows/s, autocannon ${round(cannon.at(-1) ?? 0)} requests/s\n`);
  }
  const ratio = median(apply.rate) / median(cannon);
  process.stdout.write(
    [
      `apply, ${round(ROWS)} rows, --concurrency ${CONCURRENCY} --rate 0, median of ${RUNS} runs (apply and the loop: wall time of the whole process, start-up included)`,
      `| | rows or requests/s | peak RSS |`,
      `|---|---:|---:|`,
      `| ti-credits apply | ${round(median(apply.rate))} | ${mb(median(apply.rss))} |`,
      `| autocannon, same PUT, ${CONCURRENCY} connections (baseline) | ${round(median(cannon))} | |`,
      `| got + p-limit + p-retry, nothing else (bench/naive-loop.ts) | ${round(median(naive))} | |`,
      `| ratio apply / autocannon | ${(ratio * 100).toFixed(0)}% | |`,
      `| ratio naive loop / autocannon | ${((median(naive) / median(cannon)) * 100).toFixed(0)}% | |`,
      `target: >= 40% of autocannon: ${ratio >= 0.4 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  mock.stop();
  await rm(dir, { recursive: true, force: true });
}

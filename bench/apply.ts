import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, cpuProbe, mb, median, perSecond, readCpu, readSummary, round, runNaiveLoop, runNode, RUNS, spawnMock, writeRows } from './common.js';

/**
 * `ti-credits apply` of 20,000 generated rows against the local mock with no
 * rate limit, next to the plainest got + p-limit + p-retry loop sending the
 * same rows (naive-loop.ts: what got alone costs) and autocannon sending the
 * same PUT, with the same concurrency to the same mock, alternating within
 * one run. The mock runs in a process of its own. The CPU each process used
 * (user + system, start-up included) is read as it exits (cpu-probe.ts).
 * Target: apply's CPU per request at most 1.2x the loop's.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const mock = await spawnMock(['--auto-create']);
const origin = mock.origin;

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-'));
try {
  const input = join(dir, 'rows.csv');
  await writeRows(input, ROWS);
  const cpuFile = join(dir, 'cpu.json');
  const probe = cpuProbe(cpuFile);
  const apply = { rate: [] as number[], cpu: [] as number[], rss: [] as number[] };
  const naive = { rate: [] as number[], cpu: [] as number[] };
  const cannon: number[] = [];
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

    const loop = await runNaiveLoop(input, origin, CONCURRENCY, probe.nodeArgs, probe.env);
    if (loop.rows !== ROWS || loop.requests !== ROWS) throw new Error(`the naive loop sent ${loop.rows} rows in ${loop.requests} requests`);
    naive.rate.push(perSecond(ROWS, loop.wallMs));
    naive.cpu.push((await readCpu(cpuFile)) / ROWS);

    const out = join(dir, `run-${run}`);
    const args = [
      ...probe.nodeArgs,
      CLI,
      'apply',
      '--blind',
      '--yes',
      input,
      '--base-url',
      origin,
      '--rate',
      '0',
      '--concurrency',
      String(CONCURRENCY),
      '--out',
      out,
    ];
    const child = await runNode(args, { ...probe.env, TI_API_KEY: MOCK_API_KEY });
    const summary = await readSummary(out);
    if (child.code !== 0 || summary.rows.updated !== ROWS || summary.requests.sent !== ROWS) {
      throw new Error(`apply exited ${child.code} with ${summary.rows.updated} rows updated in ${summary.requests.sent} requests:\n${child.stderr}`);
    }
    apply.rate.push(perSecond(ROWS, child.wallMs));
    apply.cpu.push((await readCpu(cpuFile)) / ROWS);
    apply.rss.push(summary.peakRssBytes);
    await rm(out, { recursive: true });
    process.stderr.write(
      `run ${run + 1}/${RUNS}: apply ${round(apply.rate.at(-1) ?? 0)} rows/s, ${((apply.cpu.at(-1) ?? 0) / 1000).toFixed(3)} ms CPU per request; ` +
        `naive loop ${round(naive.rate.at(-1) ?? 0)} rows/s, ${((naive.cpu.at(-1) ?? 0) / 1000).toFixed(3)} ms; autocannon ${round(cannon.at(-1) ?? 0)} requests/s\n`,
    );
  }
  const ms = (micros: number): string => `${(micros / 1000).toFixed(3)} ms`;
  const spread = (values: readonly number[], show: (value: number) => string): string => `${show(Math.min(...values))}–${show(Math.max(...values))}`;
  const cpuRatio = median(apply.cpu) / median(naive.cpu);
  process.stdout.write(
    [
      `apply, ${round(ROWS)} rows, --concurrency ${CONCURRENCY} --rate 0, median (min–max) of ${RUNS} runs (whole processes, start-up included)`,
      `| | CPU per request | rows or requests/s | peak RSS |`,
      `|---|---:|---:|---:|`,
      `| ti-credits apply | ${ms(median(apply.cpu))} (${spread(apply.cpu, ms)}) | ${round(median(apply.rate))} (${spread(apply.rate, round)}) | ${mb(median(apply.rss))} |`,
      `| got + p-limit + p-retry, nothing else (bench/naive-loop.ts) | ${ms(median(naive.cpu))} (${spread(naive.cpu, ms)}) | ${round(median(naive.rate))} (${spread(naive.rate, round)}) | |`,
      `| autocannon, same PUT, ${CONCURRENCY} connections | | ${round(median(cannon))} | |`,
      `| ratio apply / naive loop | ${cpuRatio.toFixed(2)} | ${(median(apply.rate) / median(naive.rate)).toFixed(2)} | |`,
      `target: CPU per request <= 1.2x the naive loop's: ${cpuRatio <= 1.2 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  mock.stop();
  await rm(dir, { recursive: true, force: true });
}

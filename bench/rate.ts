import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, median, readSummary, runNaiveLoop, runNode, RUNS, spawnMock, writeRows } from './common.js';

/**
 * How close a run gets to the floor a rate limit sets, without being throttled.
 * The mock allows R requests per minute with a burst of B; N rows then take at
 * least (N - B) / R. Three clients send the same N rows, alternating within
 * each round: ti-credits told the server's rate (a), ti-credits with a rate
 * ten times too high, which must learn the pace from the server (b), and the
 * plain p-limit + p-retry loop (bench/naive-loop.ts). A second mock has an
 * Enterprise-sized burst (6,000/min, burst 100), and ti-credits is told
 * neither (c): `--rate 0` and no --burst, so both the pace and the burst must
 * be learned from the first answers' headers. Between runs each mock's
 * bucket is given time to fill up again.
 * Targets: (a) wall/ideal <= 1.03 and no 429; (b) wall/ideal <= 1.15 and under
 * 5% of requests answered 429; (c) wall/ideal <= 1.05 with at most 1% answered 429.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 520);
const LIMIT = 3000;
const BURST = 20;
const CONCURRENCY = 4;
const IDEAL_MS = ((ROWS - BURST) / LIMIT) * 60_000;
const REFILL_MS = (BURST / LIMIT) * 60_000 + 500;
const BIG = { rows: 1200, limit: 6000, burst: 100 };
const BIG_IDEAL_MS = ((BIG.rows - BIG.burst) / BIG.limit) * 60_000;
const BIG_REFILL_MS = (BIG.burst / BIG.limit) * 60_000 + 500;

interface Measure {
  readonly ratio: number;
  readonly requests: number;
  readonly throttled: number;
}

const mock = await spawnMock(['--auto-create', '--rate-limit', String(LIMIT), '--burst', String(BURST)]);
const bigMock = await spawnMock(['--auto-create', '--rate-limit', String(BIG.limit), '--burst', String(BIG.burst)]);
const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-rate-'));
try {
  const input = join(dir, 'rows.csv');
  await writeRows(input, ROWS);
  const bigInput = join(dir, 'big.csv');
  await writeRows(bigInput, BIG.rows);

  const run = async (name: string, file: string, rows: number, origin: string, flags: readonly string[], idealMs: number): Promise<Measure> => {
    const out = join(dir, `run-${name}`);
    const args = [CLI, 'apply', '--blind', '--yes', file, '--base-url', origin, ...flags, '--concurrency', String(CONCURRENCY), '--out', out];
    const child = await runNode(args, { ...process.env, TI_API_KEY: MOCK_API_KEY });
    const summary = await readSummary(out);
    if (child.code !== 0 || summary.rows.updated !== rows) throw new Error(`apply ${flags.join(' ')} exited ${child.code} with ${summary.rows.updated} rows updated:\n${child.stderr}`);
    await rm(out, { recursive: true });
    return { ratio: summary.wallTimeMs / idealMs, requests: summary.requests.sent, throttled: summary.requests.throttled };
  };
  const apply = (rate: number, round: number): Promise<Measure> => run(`${rate}-${round}`, input, ROWS, mock.origin, ['--rate', String(rate), '--burst', String(BURST)], IDEAL_MS);
  const untold = (round: number): Promise<Measure> => run(`untold-${round}`, bigInput, BIG.rows, bigMock.origin, ['--rate', '0'], BIG_IDEAL_MS);
  const naive = async (): Promise<Measure> => {
    const loop = await runNaiveLoop(input, mock.origin, CONCURRENCY);
    if (loop.rows !== ROWS) throw new Error(`the naive loop sent ${loop.rows} rows`);
    return { ratio: loop.sendingMs / IDEAL_MS, requests: loop.requests, throttled: loop.throttled };
  };

  const results = { told: [] as Measure[], learned: [] as Measure[], naive: [] as Measure[], untold: [] as Measure[] };
  for (let round = 0; round < RUNS; round++) {
    for (const [name, measure, refillMs] of [
      ['told', () => apply(LIMIT, round), REFILL_MS],
      ['learned', () => apply(LIMIT * 10, round), REFILL_MS],
      ['naive', naive, REFILL_MS],
      ['untold', () => untold(round), BIG_REFILL_MS],
    ] as const) {
      await sleep(refillMs);
      results[name].push(await measure());
      const last = results[name].at(-1) as Measure;
      process.stderr.write(`run ${round + 1}/${RUNS} ${name}: wall/ideal ${last.ratio.toFixed(3)}, ${last.throttled} of ${last.requests} requests answered 429\n`);
    }
  }

  const row = (label: string, measures: readonly Measure[]): string => {
    const shares = measures.map((m) => m.throttled / m.requests);
    const worst = Math.max(...measures.map((m) => m.throttled));
    return `| ${label} | ${median(measures.map((m) => m.ratio)).toFixed(3)} | ${(median(shares) * 100).toFixed(1)}% | ${worst} |`;
  };
  const told = median(results.told.map((m) => m.ratio));
  const toldThrottled = Math.max(...results.told.map((m) => m.throttled));
  const learned = median(results.learned.map((m) => m.ratio));
  const learnedShare = median(results.learned.map((m) => m.throttled / m.requests));
  const unknown = median(results.untold.map((m) => m.ratio));
  const unknownShare = Math.max(...results.untold.map((m) => m.throttled / m.requests));
  process.stdout.write(
    [
      `${ROWS} rows, mock limited to ${LIMIT}/min with a burst of ${BURST}, --concurrency ${CONCURRENCY}; ideal (N - B) / R = ${(IDEAL_MS / 1000).toFixed(1)} s; median of ${RUNS} runs`,
      '| | wall / ideal | requests answered 429 (median) | most 429s in one run |',
      '|---|---:|---:|---:|',
      row(`(a) ti-credits apply --rate ${LIMIT} --burst ${BURST}`, results.told),
      row(`(b) ti-credits apply --rate ${LIMIT * 10} --burst ${BURST}`, results.learned),
      row('p-limit + p-retry, defaults (bench/naive-loop.ts)', results.naive),
      `target (a) <= 1.03 with no 429: ${told <= 1.03 && toldThrottled === 0 ? 'met' : 'MISSED'}`,
      `target (b) <= 1.15 with under 5% answered 429: ${learned <= 1.15 && learnedShare < 0.05 ? 'met' : 'MISSED'}`,
      '',
      `${BIG.rows} rows, mock limited to ${BIG.limit}/min with a burst of ${BIG.burst}, --concurrency ${CONCURRENCY}; ideal (N - B) / R = ${(BIG_IDEAL_MS / 1000).toFixed(1)} s; median of ${RUNS} runs`,
      '| | wall / ideal | requests answered 429 (median) | most 429s in one run |',
      '|---|---:|---:|---:|',
      row('(c) ti-credits apply --rate 0, no --burst: limit and burst learned', results.untold),
      `target (c) <= 1.05 with at most 1% answered 429 in every run: ${unknown <= 1.05 && unknownShare <= 0.01 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  mock.stop();
  bigMock.stop();
  await rm(dir, { recursive: true, force: true });
}

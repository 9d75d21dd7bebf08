import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from '../src/report/summary.js';
import { mb, median, round, runNode } from './common.js';
import { cli, liveMock, writeInput } from './live-common.js';

/**
 * Big plans stay small (issue 25), against mocks of generated batches in
 * processes of their own (bench/live-mock.ts), 10 clients, 100 a page:
 * - `apply --dry-run` reading the live values of 100,000 and 1,000,000 rows
 *   (unthrottled), next to csv-parse alone reading the same file
 *   (parse-baseline.ts) in the same round: peak RSS, wall time (whole
 *   processes), and where the dry run's time goes, from run.log: the scan,
 *   the reads, the plan pass (`plan` logged once it is built);
 * - `plan` of the 100,000 rows: its peak RSS against the dry run's;
 * - `apply` of the 100,000 rows, sending them unthrottled: peak RSS (issue 15's
 *   target, at most 150 MB);
 * - the reads at the limit: the 100,000-row dry run against a mock limited to
 *   6,000/min with a burst of 100, told as much: its reads against their
 *   floor, (requests − burst) / rate.
 * Targets: a live plan of 1,000,000 rows within 250 MB; `plan` within 1.2×
 * the dry run's memory; the plan pass at most 25% of the run; the reads at
 * most 1.05× their floor.
 * BENCH_RUNS rounds (default 3) at 100,000 rows; BENCH_BIG_RUNS (default 1)
 * at 1,000,000 (0 leaves them out). BENCH_BASELINE_CLI (another build's
 * dist/src/cli/main.js) runs the same dry runs and plans with that build too,
 * in the same rounds: before and after.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIG_RUNS = Number(process.env.BENCH_BIG_RUNS ?? 1);
const CLIENTS = 10;
const PARSE = fileURLToPath(new URL('./parse-baseline.js', import.meta.url));
const BASELINE_CLI = process.env.BENCH_BASELINE_CLI;

/** Seconds from the run's start to each event run.log records, the first of each name. */
async function phases(folder: string, summary: Summary): Promise<{ scan: number; reads: number; plan: number }> {
  const events = new Map<string, number>();
  for (const line of (await readFile(join(folder, 'run.log'), 'utf8')).split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as { event?: string; time?: string };
    if (entry.event !== undefined && entry.time !== undefined && !events.has(entry.event)) events.set(entry.event, Date.parse(entry.time));
  }
  const at = (event: string): number => {
    const time = events.get(event);
    if (time === undefined) throw new Error(`run.log of ${folder} has no ${event} event`);
    return time;
  };
  const started = Date.parse(summary.startedAt);
  return { scan: (at('validated') - started) / 1000, reads: (at('live-read') - at('validated')) / 1000, plan: (at('plan') - at('live-read')) / 1000 };
}

interface Measured {
  readonly rss: number[];
  readonly wall: number[];
  readonly scan: number[];
  readonly reads: number[];
  readonly plan: number[];
}

const measured = (): Measured => ({ rss: [], wall: [], scan: [], reads: [], plan: [] });
const s = (values: readonly number[]): string => `${median(values).toFixed(1)} s`;
const spreadMb = (values: readonly number[]): string =>
  values.length > 1 ? `${mb(median(values))} (${mb(Math.min(...values))}–${mb(Math.max(...values))})` : mb(values[0] ?? 0);

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-scale-'));
const lines: string[] = [];
try {
  const results = new Map<string, Measured>();
  const plans = measured();
  const before = { dry: new Map<number, Measured>(), plan: measured() };
  for (const [rows, rounds] of [
    [100_000, RUNS],
    [1_000_000, BIG_RUNS],
  ] as const) {
    const dry = measured();
    const parse = measured();
    const dryBefore = measured();
    before.dry.set(rows, dryBefore);
    for (let run = 0; run < rounds; run++) {
      const mock = await liveMock(CLIENTS, rows / CLIENTS, 100);
      try {
        const input = join(dir, `rows-${rows}.csv`);
        await writeInput(input, mock.batches, rows);
        const baseline = await runNode([PARSE, input]);
        if (baseline.code !== 0) throw new Error(`csv-parse failed: ${baseline.stderr}`);
        parse.wall.push(baseline.wallMs / 1000);
        parse.rss.push((JSON.parse(baseline.stdout) as { peakRssBytes: number }).peakRssBytes);
        const commands = rows === 100_000 ? (['dry-run', 'plan'] as const) : (['dry-run'] as const);
        const builds = BASELINE_CLI === undefined ? (['this'] as const) : (['this', 'before'] as const);
        for (const [command, build] of commands.flatMap((name) => builds.map((which) => [name, which] as const))) {
          const out = join(dir, `${command}-${build}-${rows}-${run}`);
          const started = performance.now();
          const args =
            command === 'plan'
              ? ['plan', input, '--base-url', mock.origin, '--rate', '0']
              : ['apply', '--dry-run', input, '--base-url', mock.origin, '--rate', '0'];
          const summary = await cli(args, out, { cliPath: build === 'before' ? BASELINE_CLI : undefined, exits: command === 'plan' ? [1] : [0] });
          const wall = (performance.now() - started) / 1000;
          if (summary.rows.valid !== rows) throw new Error(`${command} found ${summary.rows.valid} of ${rows} rows valid`);
          const into = build === 'before' ? (command === 'plan' ? before.plan : dryBefore) : command === 'plan' ? plans : dry;
          into.rss.push(summary.peakRssBytes);
          into.wall.push(wall);
          const phase = await phases(out, summary);
          into.scan.push(phase.scan);
          into.reads.push(phase.reads);
          into.plan.push(phase.plan);
          process.stderr.write(
            `${command}${build === 'before' ? ' (before)' : ''} ${round(rows)} rows, round ${run + 1}/${rounds}: ${mb(summary.peakRssBytes)}, ${wall.toFixed(1)} s (scan ${phase.scan.toFixed(1)}, reads ${phase.reads.toFixed(1)}, plan ${phase.plan.toFixed(1)}); csv-parse ${mb(parse.rss.at(-1) ?? 0)}, ${(parse.wall.at(-1) ?? 0).toFixed(1)} s\n`,
          );
          await rm(out, { recursive: true, force: true });
        }
      } finally {
        mock.stop();
      }
    }
    if (rounds === 0) continue;
    results.set(String(rows), dry);
    lines.push(
      `apply --dry-run, ${round(rows)} rows over ${CLIENTS} clients, live values read unthrottled, median (min–max) of ${rounds}`,
      '| | peak RSS | wall | scan | reads | plan pass | plan pass / wall |',
      '|---|---:|---:|---:|---:|---:|---:|',
      `| apply --dry-run | ${spreadMb(dry.rss)} | ${s(dry.wall)} | ${s(dry.scan)} | ${s(dry.reads)} | ${s(dry.plan)} | ${((100 * median(dry.plan)) / median(dry.wall)).toFixed(0)}% |`,
      `| csv-parse alone, same file (baseline) | ${spreadMb(parse.rss)} | ${s(parse.wall)} | | | | |`,
      `| ratio dry run / csv-parse | ${(median(dry.rss) / median(parse.rss)).toFixed(1)}× | ${(median(dry.wall) / median(parse.wall)).toFixed(1)}× | | | | |`,
      ...(rows === 100_000
        ? [
            `| plan (saved: plan.json, plan.html) | ${spreadMb(plans.rss)} | ${s(plans.wall)} | ${s(plans.scan)} | ${s(plans.reads)} | ${s(plans.plan)} | ${((100 * median(plans.plan)) / median(plans.wall)).toFixed(0)}% |`,
            `| ratio plan / dry run | ${(median(plans.rss) / median(dry.rss)).toFixed(2)}× | | | | | |`,
          ]
        : []),
      ...(BASELINE_CLI === undefined
        ? []
        : [
            `| before: apply --dry-run (${BASELINE_CLI}) | ${spreadMb(dryBefore.rss)} | ${s(dryBefore.wall)} | ${s(dryBefore.scan)} | ${s(dryBefore.reads)} | ${s(dryBefore.plan)} | ${((100 * median(dryBefore.plan)) / median(dryBefore.wall)).toFixed(0)}% |`,
            ...(rows === 100_000
              ? [
                  `| before: plan | ${spreadMb(before.plan.rss)} | ${s(before.plan.wall)} | ${s(before.plan.scan)} | ${s(before.plan.reads)} | ${s(before.plan.plan)} | ${((100 * median(before.plan.plan)) / median(before.plan.wall)).toFixed(0)}% |`,
                ]
              : []),
          ]),
      '',
    );
  }

  // The whole apply, the rows sent as fast as the mock answers.
  const applied: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const mock = await liveMock(CLIENTS, 100_000 / CLIENTS, 100);
    try {
      const input = join(dir, `apply-${run}.csv`);
      await writeInput(input, mock.batches, 100_000);
      const summary = await cli(['apply', '--yes', input, '--base-url', mock.origin, '--rate', '0'], join(dir, `apply-${run}`));
      if (summary.rows.updated !== 100_000) throw new Error(`apply updated ${summary.rows.updated} of 100,000 rows`);
      applied.push(summary.peakRssBytes);
      process.stderr.write(`apply 100,000 rows, round ${run + 1}/${RUNS}: ${mb(summary.peakRssBytes)}, ${(summary.wallTimeMs / 1000).toFixed(1)} s\n`);
      await rm(join(dir, `apply-${run}`), { recursive: true, force: true });
    } finally {
      mock.stop();
    }
  }
  lines.push(`apply of 100,000 rows over ${CLIENTS} clients, sent unthrottled, median (min–max) of ${RUNS}: peak RSS ${spreadMb(applied)}`, '');

  // The reads at the limit: what the pace allows, and nothing slower.
  const [rate, burst, rows] = [6000, 100, 100_000];
  const ratios: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const mock = await liveMock(CLIENTS, rows / CLIENTS, 100, rate, burst);
    try {
      const input = join(dir, `limited-${run}.csv`);
      await writeInput(input, mock.batches, rows);
      const out = join(dir, `limited-${run}`);
      const summary = await cli(['apply', '--dry-run', input, '--base-url', mock.origin, '--rate', String(rate), '--burst', String(burst)], out);
      if (summary.requests.throttled > 0) throw new Error(`${summary.requests.throttled} reads were answered 429`);
      const phase = await phases(out, summary);
      // The dry run's key check (GET /ping) comes before the reads and spends one of the burst.
      const floor = ((summary.requests.sent - burst) / rate) * 60;
      ratios.push(phase.reads / floor);
      process.stderr.write(
        `reads at ${rate}/min, round ${run + 1}/${RUNS}: ${summary.requests.sent} requests, reads ${phase.reads.toFixed(1)} s, floor ${floor.toFixed(1)} s\n`,
      );
    } finally {
      mock.stop();
    }
  }
  const big = results.get('1000000');
  const small = results.get('100000');
  lines.push(
    `reads of ${round(rows)} rows' batches (${CLIENTS} clients, 100 a page) against a mock at ${rate}/min burst ${burst}: reads / floor ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`,
    '',
    `target: a live plan of 1,000,000 rows within 250 MB: ${big === undefined ? 'not measured' : `${mb(median(big.rss))}, ${median(big.rss) <= 250 * 1024 * 1024 ? 'met' : 'MISSED'}`}`,
    `target: plan within 1.2× the dry run's memory: ${small === undefined ? 'not measured' : `${(median(plans.rss) / median(small.rss)).toFixed(2)}×, ${median(plans.rss) <= 1.2 * median(small.rss) ? 'met' : 'MISSED'}`}`,
    ...[...results].map(
      ([count, dry]) =>
        `target: the plan pass at most 25% of the run, ${round(Number(count))} rows: ${((100 * median(dry.plan)) / median(dry.wall)).toFixed(0)}%, ${median(dry.plan) <= 0.25 * median(dry.wall) ? 'met' : 'MISSED'}`,
    ),
    `target: the reads at most 1.05× their floor at the limit: ${median(ratios).toFixed(3)}, ${median(ratios) <= 1.05 ? 'met' : 'MISSED'}`,
    `target (issue 15): apply of 100,000 rows with live values within 150 MB: ${mb(median(applied))}, ${median(applied) <= 150 * 1024 * 1024 ? 'met' : 'MISSED'}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
} finally {
  await rm(dir, { recursive: true, force: true });
}

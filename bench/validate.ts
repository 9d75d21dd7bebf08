import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, mb, median, readSummary, round, runNode, RUNS, writeRows } from './common.js';

/**
 * `ti-credits validate` on a million generated rows, in its own process,
 * against csv-parse alone reading the same file in the same run. Targets:
 * at least half csv-parse's rate, and at most 150 MB peak RSS.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BASELINE = fileURLToPath(new URL('./parse-baseline.js', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-'));
try {
  const input = join(dir, 'rows.csv');
  await writeRows(input, ROWS);
  const validate = { ms: [] as number[], rss: [] as number[] };
  const parse = { ms: [] as number[], rss: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const base = await runNode([BASELINE, input]);
    const measured = JSON.parse(base.stdout) as { rows: number; peakRssBytes: number };
    if (measured.rows !== ROWS) throw new Error(`the baseline read ${measured.rows} rows, not ${ROWS}`);
    parse.ms.push(base.wallMs);
    parse.rss.push(measured.peakRssBytes);

    const out = join(dir, `run-${run}`);
    const child = await runNode([CLI, 'validate', input, '--out', out]);
    const summary = await readSummary(out);
    if (child.code !== 0 || summary.rows.valid !== ROWS) throw new Error(`validate exited ${child.code} with ${summary.rows.valid} valid rows:\n${child.stderr}`);
    validate.ms.push(child.wallMs);
    validate.rss.push(summary.peakRssBytes);
    await rm(out, { recursive: true });
    process.stderr.write(`run ${run + 1}/${RUNS}: validate ${round(child.wallMs)} ms, csv-parse alone ${round(base.wallMs)} ms\n`);
  }
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const spread = (values: readonly number[], show: (value: number) => string): string => `${show(Math.min(...values))}–${show(Math.max(...values))}`;
  const rate = (ROWS * 1000) / median(validate.ms);
  const baseRate = (ROWS * 1000) / median(parse.ms);
  const rss = median(validate.rss);
  process.stdout.write(
    [
      `validate, ${round(ROWS)} rows, median of ${RUNS} runs (wall time of the whole process, start-up included)`,
      `| | rows/s | wall time (min–max) | peak RSS (min–max) |`,
      `|---|---:|---:|---:|`,
      `| ti-credits validate | ${round(rate)} | ${seconds(median(validate.ms))} (${spread(validate.ms, seconds)}) | ${mb(rss)} (${spread(validate.rss, mb)}) |`,
      `| csv-parse alone (baseline) | ${round(baseRate)} | ${seconds(median(parse.ms))} (${spread(parse.ms, seconds)}) | ${mb(median(parse.rss))} |`,
      `| ratio validate / baseline | ${(rate / baseRate).toFixed(2)} | | |`,
      `targets: >= 0.5x csv-parse alone: ${rate >= baseRate / 2 ? 'met' : 'MISSED'}; <= 150 MB peak RSS: ${rss <= 150 * 1024 * 1024 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, mb, median, readSummary, round, runNode, RUNS, writeRows, writeWorkbookRows } from './common.js';

/**
 * `ti-credits validate` on a million generated rows, in its own process,
 * against csv-parse alone reading the same file in the same run. Targets:
 * at least half csv-parse's rate, and at most 150 MB peak RSS.
 *
 * Then on a 100,000-row workbook next to a CSV file of the same rows, run
 * alternately. Target: at most 150 MB peak RSS for the workbook.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const WORKBOOK_ROWS = Number(process.env.BENCH_WORKBOOK_ROWS ?? 100_000);
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

  const workbook = join(dir, 'rows.xlsx');
  const sameRows = join(dir, 'same-rows.csv');
  await writeWorkbookRows(workbook, WORKBOOK_ROWS);
  await writeRows(sameRows, WORKBOOK_ROWS);
  const measured = { workbook: { ms: [] as number[], rss: [] as number[] }, csv: { ms: [] as number[], rss: [] as number[] } };
  for (let run = 0; run < RUNS; run++) {
    for (const [kind, path] of [['workbook', workbook], ['csv', sameRows]] as const) {
      const out = join(dir, `${kind}-${run}`);
      const child = await runNode([CLI, 'validate', path, '--out', out]);
      const summary = await readSummary(out);
      if (child.code !== 0 || summary.rows.valid !== WORKBOOK_ROWS) throw new Error(`validate of the ${kind} exited ${child.code} with ${summary.rows.valid} valid rows:\n${child.stderr}`);
      measured[kind].ms.push(child.wallMs);
      measured[kind].rss.push(summary.peakRssBytes);
      await rm(out, { recursive: true });
    }
    process.stderr.write(`run ${run + 1}/${RUNS}: workbook ${round(measured.workbook.ms.at(-1) ?? 0)} ms, csv ${round(measured.csv.ms.at(-1) ?? 0)} ms\n`);
  }
  const line = (label: string, times: { ms: number[]; rss: number[] }): string => `| ${label} | ${round((WORKBOOK_ROWS * 1000) / median(times.ms))} | ${(median(times.ms) / 1000).toFixed(1)} s | ${mb(median(times.rss))} | ${mb(Math.max(...times.rss))} |`;
  const workbookRss = Math.max(...measured.workbook.rss);
  process.stdout.write(
    [
      `validate, ${round(WORKBOOK_ROWS)} rows as a workbook and as CSV, median of ${RUNS} runs each, alternating (wall time of the whole process, start-up included)`,
      `| | rows/s | wall time | peak RSS (median) | peak RSS (highest) |`,
      `|---|---:|---:|---:|---:|`,
      line(`ti-credits validate, .xlsx (${mb((await stat(workbook)).size)})`, measured.workbook),
      line(`ti-credits validate, the same rows as CSV (${mb((await stat(sameRows)).size)})`, measured.csv),
      `target: <= 150 MB peak RSS validating the workbook, in every run: ${workbookRss <= 150 * 1024 * 1024 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

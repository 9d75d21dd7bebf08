import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, cpuProbe, mb, median, readCpu, readSummary, round, runNode, RUNS, writeRows, writeWorkbookRows } from './common.js';

/**
 * `ti-credits validate` on a million generated rows, in its own process,
 * against csv-parse alone reading the same file in the same run. Targets:
 * at least half csv-parse's rate, and at most 150 MB peak RSS.
 *
 * Then on a 100,000-row workbook (BENCH_WORKBOOK_ROWS) next to a CSV file of
 * the same rows and exceljs's streaming reader alone reading the workbook
 * (exceljs-baseline.ts), run alternately. Targets: at most 150 MB peak RSS
 * for the workbook; at most 1.2× exceljs's time (issue 25). The CPU each
 * process used (cpu-probe.ts) is given beside the wall times, which a busy
 * machine stretches.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const WORKBOOK_ROWS = Number(process.env.BENCH_WORKBOOK_ROWS ?? 100_000);
const BASELINE = fileURLToPath(new URL('./parse-baseline.js', import.meta.url));
const EXCELJS = fileURLToPath(new URL('./exceljs-baseline.js', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-'));
try {
  const input = join(dir, 'rows.csv');
  await writeRows(input, ROWS);
  const cpuFile = join(dir, 'cpu.json');
  const probe = cpuProbe(cpuFile);
  const validate = { ms: [] as number[], rss: [] as number[], cpu: [] as number[] };
  const parse = { ms: [] as number[], rss: [] as number[], cpu: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const base = await runNode([...probe.nodeArgs, BASELINE, input], probe.env);
    parse.cpu.push(await readCpu(cpuFile));
    const measured = JSON.parse(base.stdout) as { rows: number; peakRssBytes: number };
    if (measured.rows !== ROWS) throw new Error(`the baseline read ${measured.rows} rows, not ${ROWS}`);
    parse.ms.push(base.wallMs);
    parse.rss.push(measured.peakRssBytes);

    const out = join(dir, `run-${run}`);
    const child = await runNode([...probe.nodeArgs, CLI, 'validate', input, '--out', out], probe.env);
    validate.cpu.push(await readCpu(cpuFile));
    const summary = await readSummary(out);
    if (child.code !== 0 || summary.rows.valid !== ROWS)
      throw new Error(`validate exited ${child.code} with ${summary.rows.valid} valid rows:\n${child.stderr}`);
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
      `CPU (user + system): validate ${(median(validate.cpu) / 1e6).toFixed(1)} s, csv-parse alone ${(median(parse.cpu) / 1e6).toFixed(1)} s; throughput by CPU ${(median(parse.cpu) / median(validate.cpu)).toFixed(2)}x csv-parse's`,
      `targets: >= 0.5x csv-parse alone: ${rate >= baseRate / 2 ? 'met' : 'MISSED'}; <= 150 MB peak RSS: ${rss <= 150 * 1024 * 1024 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );

  const workbook = join(dir, 'rows.xlsx');
  const sameRows = join(dir, 'same-rows.csv');
  await writeWorkbookRows(workbook, WORKBOOK_ROWS);
  await writeRows(sameRows, WORKBOOK_ROWS);
  const measured = {
    workbook: { ms: [] as number[], rss: [] as number[], cpu: [] as number[] },
    csv: { ms: [] as number[], rss: [] as number[], cpu: [] as number[] },
    exceljs: { ms: [] as number[], rss: [] as number[], cpu: [] as number[] },
  };
  for (let run = 0; run < RUNS; run++) {
    const alone = await runNode([...probe.nodeArgs, EXCELJS, workbook], probe.env);
    const read = JSON.parse(alone.stdout) as { rows: number; peakRssBytes: number };
    if (read.rows !== WORKBOOK_ROWS) throw new Error(`exceljs read ${read.rows} rows, not ${WORKBOOK_ROWS}`);
    measured.exceljs.ms.push(alone.wallMs);
    measured.exceljs.rss.push(read.peakRssBytes);
    measured.exceljs.cpu.push(await readCpu(cpuFile));
    for (const [kind, path] of [
      ['workbook', workbook],
      ['csv', sameRows],
    ] as const) {
      const out = join(dir, `${kind}-${run}`);
      const child = await runNode([...probe.nodeArgs, CLI, 'validate', path, '--out', out], probe.env);
      measured[kind].cpu.push(await readCpu(cpuFile));
      const summary = await readSummary(out);
      if (child.code !== 0 || summary.rows.valid !== WORKBOOK_ROWS)
        throw new Error(`validate of the ${kind} exited ${child.code} with ${summary.rows.valid} valid rows:\n${child.stderr}`);
      measured[kind].ms.push(child.wallMs);
      measured[kind].rss.push(summary.peakRssBytes);
      await rm(out, { recursive: true });
    }
    process.stderr.write(
      `run ${run + 1}/${RUNS}: workbook ${round(measured.workbook.ms.at(-1) ?? 0)} ms, exceljs alone ${round(measured.exceljs.ms.at(-1) ?? 0)} ms, csv ${round(measured.csv.ms.at(-1) ?? 0)} ms\n`,
    );
  }
  const line = (label: string, times: { ms: number[]; rss: number[]; cpu: number[] }): string =>
    `| ${label} | ${round((WORKBOOK_ROWS * 1000) / median(times.ms))} | ${(median(times.ms) / 1000).toFixed(1)} s | ${(median(times.cpu) / 1e6).toFixed(1)} s | ${mb(median(times.rss))} | ${mb(Math.max(...times.rss))} |`;
  const workbookRss = Math.max(...measured.workbook.rss);
  const versus = median(measured.workbook.ms) / median(measured.exceljs.ms);
  process.stdout.write(
    [
      `validate, ${round(WORKBOOK_ROWS)} rows as a workbook and as CSV, median of ${RUNS} runs each, alternating (wall time of the whole process, start-up included)`,
      `| | rows/s | wall time | CPU | peak RSS (median) | peak RSS (highest) |`,
      `|---|---:|---:|---:|---:|---:|`,
      line(`ti-credits validate, .xlsx (${mb((await stat(workbook)).size)})`, measured.workbook),
      line('exceljs streaming reader alone, the same .xlsx (baseline)', measured.exceljs),
      line(`ti-credits validate, the same rows as CSV (${mb((await stat(sameRows)).size)})`, measured.csv),
      `| ratio validate .xlsx / exceljs alone | ${versus.toFixed(2)} (time) | | ${(median(measured.workbook.cpu) / median(measured.exceljs.cpu)).toFixed(2)} | ${(median(measured.workbook.rss) / median(measured.exceljs.rss)).toFixed(2)} | |`,
      `target: <= 150 MB peak RSS validating the workbook, in every run: ${workbookRss <= 150 * 1024 * 1024 ? 'met' : 'MISSED'}`,
      `target: validating the workbook at most 1.2x exceljs's time: ${versus <= 1.2 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

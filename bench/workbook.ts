import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mb, median, round, runNode, RUNS, writeRows, writeWorkbookRows } from './common.js';

/**
 * Reading a 100,000-row workbook, in a process that does nothing else,
 * next to reading the same rows as CSV. The workbook is written as Excel
 * writes one (see writeWorkbookRows). Target: at most 150 MB peak RSS.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const READ = fileURLToPath(new URL('./read-file.js', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-'));
try {
  const workbook = join(dir, 'rows.xlsx');
  const csv = join(dir, 'rows.csv');
  await writeWorkbookRows(workbook, ROWS);
  await writeRows(csv, ROWS);
  const measured = { workbook: { ms: [] as number[], rss: [] as number[] }, csv: { ms: [] as number[], rss: [] as number[] } };
  for (let run = 0; run < RUNS; run++) {
    for (const [kind, path] of [
      ['workbook', workbook],
      ['csv', csv],
    ] as const) {
      const child = await runNode([READ, kind, path]);
      if (child.code !== 0) throw new Error(`reading the ${kind} failed:\n${child.stderr}`);
      const result = JSON.parse(child.stdout) as { rows: number; peakRssBytes: number };
      if (result.rows !== ROWS) throw new Error(`the ${kind} read ${result.rows} rows, not ${ROWS}`);
      measured[kind].ms.push(child.wallMs);
      measured[kind].rss.push(result.peakRssBytes);
    }
    process.stderr.write(`run ${run + 1}/${RUNS}: workbook ${round(measured.workbook.ms.at(-1) ?? 0)} ms, csv ${round(measured.csv.ms.at(-1) ?? 0)} ms\n`);
  }
  const line = (label: string, times: { ms: number[]; rss: number[] }): string =>
    `| ${label} | ${round((ROWS * 1000) / median(times.ms))} | ${(median(times.ms) / 1000).toFixed(1)} s | ${mb(median(times.rss))} |`;
  const rss = median(measured.workbook.rss);
  process.stdout.write(
    [
      `reading ${round(ROWS)} rows, median of ${RUNS} runs (wall time of the whole process, start-up included)`,
      `| | rows/s | wall time | peak RSS |`,
      `|---|---:|---:|---:|`,
      line(`readWorkbookBatches, .xlsx (${mb((await stat(workbook)).size)})`, measured.workbook),
      line(`readCsvBatches, the same rows as CSV (${mb((await stat(csv)).size)})`, measured.csv),
      `target: <= 150 MB peak RSS reading the workbook: ${rss <= 150 * 1024 * 1024 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

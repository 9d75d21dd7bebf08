import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, mb, median, readSummary, round, writeRows } from './common.js';

/**
 * `apply --resume` of a big run killed at 90%, next to a fresh run of the
 * same file, in the same invocation. For each size, each round runs:
 * a fresh apply to the end; the same apply into another folder, SIGKILLed
 * once the mock has answered 90% of the rows; then `--resume` of that folder.
 * The mock (bench/mock-probe.ts) runs in a process of its own, creates the
 * batches on first update, has no rate limit, and says when the first
 * request of each run arrives, so that "launch → first request" is timed
 * where the request lands. Peak RSS comes from each run's summary.json;
 * the fresh run's validation pass and the resume's end-of-run rewrite of
 * report.csv from run.log (`validated`; `compacted`, which times the rewrite
 * alone; last row to `end` adds closing the files and summary.json).
 * Targets: resume peak RSS <= 1.2x the fresh run's, and flat from 300k to 1M
 * rows; resume launch → first request <= 1.5x the fresh run's; the rewrite
 * <= 20% of the fresh run's validation pass.
 * BENCH_ROWS: the sizes, comma-separated (default 300000,1000000);
 * BENCH_RUNS: rounds per size (default 3).
 */
const SIZES = (process.env.BENCH_ROWS ?? '300000,1000000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = 4;
const KILL_AT = 0.9;
const PROBE = fileURLToPath(new URL('./mock-probe.js', import.meta.url));

interface Measure {
  readonly launchMs: number;
  readonly totalMs: number;
  readonly rss: number;
  /** Fresh: start → file validated. Resume: the report rewritten with one record per row (its `compacted` entry in run.log). */
  readonly phaseMs: number;
  /** Resume: from its last row recorded to its end (the files closed, the report rewritten, summary.json written). */
  readonly endMs: number;
}

/** The probe mock, and the lines it prints, awaited one kind at a time. */
class Probe {
  readonly origin: string;
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #waiting = new Map<string, (value: number) => void>();

  private constructor(child: ChildProcessByStdio<Writable, Readable, null>, origin: string) {
    this.#child = child;
    this.origin = origin;
  }

  static async start(): Promise<Probe> {
    const child = spawn(process.execPath, [PROBE], { stdio: ['pipe', 'pipe', 'inherit'] });
    // Lines may come before the probe is made (none do but `listening`); they are delivered once it is.
    const made: { probe?: Probe } = {};
    const origin = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [word = '', value = ''] = line.split(' ');
        if (word === 'listening') resolve(value);
        else made.probe?.deliver(word, Number(value));
      });
      child.once('exit', (code) => reject(new Error(`the mock probe exited with ${code}`)));
    });
    made.probe = new Probe(child, origin);
    return made.probe;
  }

  deliver(word: string, value: number): void {
    this.#waiting.get(word)?.(value);
  }

  /** Arms the probe: resolves `first` with the arrival of the next request, `reached` with that of the n-th from now. */
  arm(count = 0): { first: Promise<number>; reached: Promise<number> } {
    const first = new Promise<number>((resolve) => this.#waiting.set('first', resolve));
    const reached = new Promise<number>((resolve) => this.#waiting.set('reached', resolve));
    this.#child.stdin.write(`arm ${count}\n`);
    return { first, reached };
  }

  stop(): void {
    this.#child.stdin.end();
  }
}

function apply(input: string, origin: string, out: string, resume: boolean): ChildProcessByStdio<null, null, Readable> {
  const args = [
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
    ...(resume ? ['--resume', out] : ['--out', out]),
  ];
  return spawn(process.execPath, args, { env: { ...process.env, TI_API_KEY: MOCK_API_KEY }, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function finished(child: ChildProcessByStdio<null, null, Readable>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

/** Times of the log's entries of the last session in run.log: its start, `validated`, its last `row`, `end`; and how long `compacted` says the rewrite took. */
async function sessionTimes(folder: string): Promise<{ start: number; validated: number; lastRow: number; end: number; compactedMs: number }> {
  const times = { start: 0, validated: 0, lastRow: 0, end: 0, compactedMs: 0 };
  const timeOf = (line: string): number => Date.parse(/"time":"([^"]+)"/.exec(line)?.[1] ?? '');
  for await (const line of createInterface({ input: createReadStream(join(folder, 'run.log')) })) {
    const event = /"event":"([^"]+)"/.exec(line)?.[1];
    if (event === 'start') times.start = timeOf(line);
    else if (event === 'validated') times.validated = timeOf(line);
    else if (event === 'row') times.lastRow = timeOf(line);
    else if (event === 'end') times.end = timeOf(line);
    else if (event === 'compacted') times.compactedMs = Number(/"durationMs":(\d+)/.exec(line)?.[1]);
  }
  return times;
}

async function measureFresh(probe: Probe, input: string, out: string, rows: number): Promise<Measure> {
  const { first } = probe.arm();
  const launched = Date.now();
  const child = apply(input, probe.origin, out, false);
  const [arrived, { code, stderr }] = await Promise.all([first, finished(child)]);
  const totalMs = Date.now() - launched;
  const summary = await readSummary(out);
  if (code !== 0 || summary.rows.updated !== rows) throw new Error(`the fresh run exited ${code} with ${summary.rows.updated} rows updated:\n${stderr}`);
  const times = await sessionTimes(out);
  return { launchMs: arrived - launched, totalMs, rss: summary.peakRssBytes, phaseMs: times.validated - times.start, endMs: 0 };
}

async function killAt90(probe: Probe, input: string, out: string, rows: number): Promise<void> {
  const { reached } = probe.arm(Math.round(rows * KILL_AT));
  const child = apply(input, probe.origin, out, false);
  const ended = finished(child);
  await reached;
  child.kill('SIGKILL');
  await ended;
}

async function measureResume(probe: Probe, input: string, out: string, rows: number): Promise<Measure> {
  const { first } = probe.arm();
  const launched = Date.now();
  const child = apply(input, probe.origin, out, true);
  const [arrived, { code, stderr }] = await Promise.all([first, finished(child)]);
  const totalMs = Date.now() - launched;
  const summary = await readSummary(out);
  if (code !== 0 || summary.rows.updated !== rows) throw new Error(`the resume exited ${code} with ${summary.rows.updated} rows updated:\n${stderr}`);
  const times = await sessionTimes(out);
  return { launchMs: arrived - launched, totalMs, rss: summary.peakRssBytes, phaseMs: times.compactedMs, endMs: times.end - times.lastRow };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const spread = (values: readonly number[], show: (value: number) => string): string => `${show(Math.min(...values))}–${show(Math.max(...values))}`;

const probe = await Probe.start();
const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-resume-'));
const report: string[] = [];
try {
  for (const rows of SIZES) {
    const input = join(dir, `rows-${rows}.csv`);
    await writeRows(input, rows);
    const fresh: Measure[] = [];
    const resumed: Measure[] = [];
    for (let pass = 0; pass < ROUNDS; pass++) {
      const freshOut = join(dir, `fresh-${rows}-${pass}`);
      fresh.push(await measureFresh(probe, input, freshOut, rows));
      await rm(freshOut, { recursive: true });
      const killedOut = join(dir, `killed-${rows}-${pass}`);
      await killAt90(probe, input, killedOut, rows);
      resumed.push(await measureResume(probe, input, killedOut, rows));
      await rm(killedOut, { recursive: true });
      const [f, r] = [fresh.at(-1) as Measure, resumed.at(-1) as Measure];
      process.stderr.write(
        `${round(rows)} rows, round ${pass + 1}/${ROUNDS}: fresh launch→first ${seconds(f.launchMs)}, total ${seconds(f.totalMs)}, ${mb(f.rss)}, validation ${seconds(f.phaseMs)}; ` +
          `resume launch→first ${seconds(r.launchMs)}, total ${seconds(r.totalMs)}, ${mb(r.rss)}, rewrite ${seconds(r.phaseMs)} (last row → end ${seconds(r.endMs)})\n`,
      );
    }
    const m = (measures: readonly Measure[], key: keyof Measure): number => median(measures.map((measure) => measure[key]));
    const cell = (measures: readonly Measure[], key: keyof Measure, show: (value: number) => string): string =>
      `${show(m(measures, key))} (${spread(
        measures.map((measure) => measure[key]),
        show,
      )})`;
    const launchRatio = m(resumed, 'launchMs') / m(fresh, 'launchMs');
    const rssRatio = m(resumed, 'rss') / m(fresh, 'rss');
    const rewriteRatio = m(resumed, 'phaseMs') / m(fresh, 'phaseMs');
    report.push(
      `${round(rows)} rows, killed at ${KILL_AT * 100}% and resumed, --concurrency ${CONCURRENCY} --rate 0; median (min–max) of ${ROUNDS} rounds`,
      '| | launch → first request | total | peak RSS | validation pass / end-of-run rewrite | last row → end |',
      '|---|---:|---:|---:|---:|---:|',
      `| fresh run | ${cell(fresh, 'launchMs', seconds)} | ${cell(fresh, 'totalMs', seconds)} | ${cell(fresh, 'rss', mb)} | ${cell(fresh, 'phaseMs', seconds)} | |`,
      `| --resume | ${cell(resumed, 'launchMs', seconds)} | ${cell(resumed, 'totalMs', seconds)} | ${cell(resumed, 'rss', mb)} | ${cell(resumed, 'phaseMs', seconds)} | ${cell(resumed, 'endMs', seconds)} |`,
      `| ratio resume / fresh | ${launchRatio.toFixed(2)} | | ${rssRatio.toFixed(2)} | ${rewriteRatio.toFixed(2)} | |`,
      `targets: launch <= 1.5x: ${launchRatio <= 1.5 ? 'met' : 'MISSED'}; peak RSS <= 1.2x: ${rssRatio <= 1.2 ? 'met' : 'MISSED'}; rewrite <= 20% of validation: ${rewriteRatio <= 0.2 ? 'met' : 'MISSED'}`,
      '',
    );
  }
  process.stdout.write(`${report.join('\n')}\n`);
} finally {
  probe.stop();
  await rm(dir, { recursive: true, force: true });
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { MOCK_API_KEY } from '../src/mock/server.js';
import type { Summary } from '../src/report/summary.js';

/** The built CLI, run as a user runs it: its own process, its own memory. */
export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** How many times each measurement is repeated; the median is reported. */
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Writes `rows` valid rows with distinct ids, deterministic so that every run
 * of a benchmark reads the same bytes.
 */
export async function writeRows(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,name,expiresOn,currentBalance\n');
  let chunk = '';
  for (let row = 0; row < rows; row++) {
    const hex = row.toString(16).padStart(12, '0');
    chunk += `3f2a9c1e-5b7d-4e8f-9a0b-${hex},Batch ${row},2027-03-31T23:59:59.000Z,${row % 5000}\n`;
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/**
 * Writes the rows `writeRows` writes, as a workbook written the way Excel
 * writes one: text in the shared-strings table, the expiry a date cell
 * (the moment writeRows gives, in UTC), the balance a number.
 */
export async function writeWorkbookRows(path: string, rows: number): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = writer.addWorksheet('changes');
  sheet.addRow(['id', 'name', 'expiresOn', 'currentBalance']).commit();
  const expiry = new Date(Date.UTC(2027, 2, 31, 23, 59, 59));
  for (let row = 0; row < rows; row++) {
    const added = sheet.addRow([`3f2a9c1e-5b7d-4e8f-9a0b-${row.toString(16).padStart(12, '0')}`, `Batch ${row}`, expiry, row % 5000]);
    added.getCell(3).numFmt = 'yyyy-mm-dd hh:mm:ss';
    added.commit();
  }
  await writer.commit();
}

export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

export async function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr, wallMs: performance.now() - started };
}

export async function readSummary(folder: string): Promise<Summary> {
  return JSON.parse(await readFile(`${folder}/summary.json`, 'utf8')) as Summary;
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const perSecond = (count: number, ms: number): number => (count * 1000) / ms;
export const round = (value: number): string => Math.round(value).toLocaleString('en-US');

export interface MockProcess {
  readonly origin: string;
  stop(): void;
}

/** The local mock in a process of its own, so that its work does not share the measured process's event loop. */
export async function spawnMock(args: readonly string[]): Promise<MockProcess> {
  const mock = spawn(process.execPath, [CLI, 'mock', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    let said = '';
    mock.stdout.on('data', (data: Buffer) => {
      said += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(said);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    mock.once('exit', (code) => reject(new Error(`the mock exited with ${code}`)));
  });
  return { origin, stop: () => mock.kill('SIGINT') };
}

/** What bench/naive-loop.ts reports of its run. */
export interface NaiveRun {
  readonly rows: number;
  readonly requests: number;
  readonly throttled: number;
  /** From the first request to the last answer. */
  readonly sendingMs: number;
  /** Of the whole process, start-up included. */
  readonly wallMs: number;
}

export const NAIVE_LOOP = fileURLToPath(new URL('./naive-loop.js', import.meta.url));

export async function runNaiveLoop(
  input: string,
  origin: string,
  concurrency: number,
  nodeArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<NaiveRun> {
  const loop = await runNode([...nodeArgs, NAIVE_LOOP, input, origin, String(concurrency)], { ...env, TI_API_KEY: MOCK_API_KEY });
  if (loop.code !== 0) throw new Error(`the naive loop failed:\n${loop.stderr}`);
  return { ...(JSON.parse(loop.stdout) as Omit<NaiveRun, 'wallMs'>), wallMs: loop.wallMs };
}

const CPU_PROBE = new URL('./cpu-probe.js', import.meta.url).href;

/** Node's arguments and environment that make a child write the CPU it used to `file` as it exits (bench/cpu-probe.ts). */
export function cpuProbe(file: string): { readonly nodeArgs: readonly string[]; readonly env: NodeJS.ProcessEnv } {
  return { nodeArgs: ['--import', CPU_PROBE], env: { ...process.env, BENCH_CPU_FILE: file } };
}

/** What the probe wrote: CPU microseconds, user and system together, and the peak RSS in bytes. */
export async function readProbe(file: string): Promise<{ readonly cpuMicros: number; readonly peakRssBytes: number }> {
  return JSON.parse(await readFile(file, 'utf8')) as { cpuMicros: number; peakRssBytes: number };
}

/** What the probe wrote: CPU microseconds, user and system together. */
export async function readCpu(file: string): Promise<number> {
  return (JSON.parse(await readFile(file, 'utf8')) as { cpuMicros: number }).cpuMicros;
}

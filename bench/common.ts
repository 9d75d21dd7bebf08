import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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

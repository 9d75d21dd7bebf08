import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from '../src/cli/program.js';
import type { CreditBatch } from '../src/core/credit-batch.js';
import { MOCK_API_KEY, startMockApi, type MockApi, type MockOptions } from '../src/mock/server.js';
import { CreditBatchStore } from '../src/mock/store.js';

export const KEY = MOCK_API_KEY;

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ti-credits-test-'));
}

/** Writes `text` to a new CSV file in `dir` and returns its path. */
export async function writeCsv(dir: string, text: string, name = 'input.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

export function ids(count: number): string[] {
  return Array.from({ length: count }, () => randomUUID());
}

/** A mock on a random loopback port, seeded with a batch for each id (balance 100, name "Batch <n>"). */
export async function startMock(
  seedIds: readonly string[],
  options: Omit<MockOptions, 'store'> = {},
  start: typeof startMockApi = startMockApi,
): Promise<MockApi> {
  const seed: Partial<CreditBatch>[] = seedIds.map((id, index) => ({ id, name: `Batch ${index}`, currentBalance: 100, expiresOn: '2027-01-01T00:00:00.000Z' }));
  return start({ ...options, store: new CreditBatchStore(seed) });
}

/** A startMockApi for one test file: every mock it starts is closed once the file's tests are done. */
export function mockApiStarter(): typeof startMockApi {
  const mocks: MockApi[] = [];
  after(async () => {
    await Promise.all(mocks.map((mock) => mock.close()));
  });
  return async (options) => {
    const mock = await startMockApi(options);
    mocks.push(mock);
    return mock;
  };
}

/** A startMock for one test file: every mock it starts is closed once the file's tests are done. */
export function mockStarter(): typeof startMock {
  const start = mockApiStarter();
  return (seedIds, options = {}) => startMock(seedIds, options, start);
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Spawns the real command line, as a user runs it; resolves with its exit code and output. */
export function spawnCli(
  args: readonly string[],
  cwd: string,
  onStart?: (pid: number) => void,
  env: Record<string, string> = { TI_API_KEY: KEY },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (child.pid !== undefined) onStart?.(child.pid);
  });
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, as the entry point would, capturing what it prints. */
export async function cli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; shutdown?: AbortSignal },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? { TI_API_KEY: KEY },
    cwd: options.cwd,
    shutdown: options.shutdown ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** The single run folder under `<cwd>/reports` (beside the run ledger's files). */
export async function runFolder(cwd: string): Promise<string> {
  const entries = (await readdir(join(cwd, 'reports'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  if (entries.length !== 1) throw new Error(`expected one run folder, found ${entries.length}`);
  return join(cwd, 'reports', entries[0] ?? '');
}

export async function readCsvFile(path: string): Promise<Record<string, string>[]> {
  return parse(await readFile(path), { columns: true, bom: true }) as Record<string, string>[];
}

/** report.csv of the run in `cwd`, rows sorted by line (rows are written as they finish). */
export async function readReport(cwd: string): Promise<Record<string, string>[]> {
  const rows = await readCsvFile(join(await runFolder(cwd), 'report.csv'));
  return rows.sort((a, b) => Number(a.line) - Number(b.line));
}

export async function readSummary(cwd: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(await runFolder(cwd), 'summary.json'), 'utf8')) as Record<string, any>;
}

/** The entries of run.log of the run in `cwd` whose event is `event`. */
export async function readLog(cwd: string, event: string): Promise<Record<string, any>[]> {
  const text = await readFile(join(await runFolder(cwd), 'run.log'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((entry) => entry.event === event);
}

/** Requests the mock received for one id. */
export function requestsFor(mock: MockApi, id: string): MockApi['requests'] {
  return mock.requests.filter((request) => request.id === id);
}

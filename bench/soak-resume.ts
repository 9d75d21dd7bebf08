import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { mulberry32 } from '../src/mock/faults.js';
import { RESENT_NOTE } from '../src/report/resent-note.js';
import { CLI, readSummary, writeRows } from './common.js';
import { SOAK_CLIENT } from './soak-client.js';

/**
 * `npm run soak:resume`: random SIGKILL/--resume sequences of `apply`
 * against the mock in its own process (bench/soak-mock.ts), blind and
 * reading before writing (SOAK_MODES, default both). Each repetition
 * sends a fresh file, kills the command line 1 to 3 times at random moments
 * (any of them may land while the file is validated, mid-send or while the
 * report is rewritten), then resumes it to its end, and checks what the
 * issue asks: no row recorded `updated` applied twice unflagged, no row
 * missing from the report, requests.sent equal to the report's attempts, the
 * requests the mock received beside them, the server state equal to the CSV.
 * Reading before writing, a row in flight at a kill is settled by the check
 * just before its next request (found holding its target, it is not sent
 * again), so no row should be applied twice at all; requests.sent also
 * counts the reads, of which a killed session's last second goes uncounted
 * (summary.json is rewritten once a second), so the PUTs are compared.
 *
 * SOAK_RUNS (default 20) repetitions, SOAK_ROWS rows each (default 300),
 * stopping early once SOAK_SECONDS (default 240) have passed; SOAK_SEED seeds
 * the kill moments.
 */
const RUNS = Number(process.env.SOAK_RUNS ?? 20);
const MODES = (process.env.SOAK_MODES ?? 'blind,live').split(',') as Mode[];
const ROWS = Number(process.env.SOAK_ROWS ?? 300);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 240);
const LATENCY_MS = 10;
const random = mulberry32(Number(process.env.SOAK_SEED ?? 12));
const SOAK_MOCK = fileURLToPath(new URL('./soak-mock.js', import.meta.url));

type Mode = 'blind' | 'live';

interface MockStats {
  readonly received: Record<string, number>;
  readonly applied: Record<string, number>;
  readonly reads: number;
  readonly balances: Record<string, number | null>;
}

interface Totals {
  runs: number;
  kills: number;
  appliedTwiceUnflagged: number;
  missing: number;
  appliedTwiceFlagged: number;
  flagged: number;
  sent: number;
  attempts: number;
  received: number;
  reads: number;
  mismatchedSent: number;
  stateWrong: number;
  notCompleted: number;
}

class SoakMock {
  readonly #child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly origin: string;

  private constructor(child: ChildProcess, lines: AsyncIterator<string>, origin: string) {
    this.#child = child;
    this.#lines = lines;
    this.origin = origin;
  }

  static async start(rows: number): Promise<SoakMock> {
    const child = spawn(process.execPath, [SOAK_MOCK, String(rows), String(LATENCY_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
    const first = (await lines.next()).value as string;
    return new SoakMock(child, lines, first.replace('listening on ', ''));
  }

  async stats(): Promise<MockStats> {
    this.#child.stdin?.write('stats\n');
    return JSON.parse((await this.#lines.next()).value as string) as MockStats;
  }

  async stop(): Promise<void> {
    this.#child.stdin?.end();
    await once(this.#child, 'close');
  }
}

/** Runs the command line; kills it after `killAfterMs` when given. */
async function runCli(
  args: readonly string[],
  cwd: string,
  killAfterMs?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, TI_API_KEY: MOCK_API_KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stderr };
}

async function repetition(mode: Mode, totals: Totals): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ti-credits-soak-'));
  const mock = await SoakMock.start(ROWS);
  try {
    const input = join(dir, 'input.csv');
    await writeRows(input, ROWS);
    const folder = join(dir, 'run');
    const args = [
      'apply',
      ...(mode === 'blind' ? ['--blind'] : ['--client', SOAK_CLIENT]),
      '--yes',
      input,
      '--base-url',
      mock.origin,
      '--rate',
      '0',
      '--concurrency',
      '4',
    ];
    // A fresh run of ROWS rows takes about ROWS × LATENCY_MS / 4 plus start-up: kills land anywhere in it.
    const span = 300 + (ROWS * LATENCY_MS) / 4;
    const kills = 1 + Math.floor(random() * 3);
    for (let kill = 0; kill < kills; kill++) {
      const killed = await runCli(kill === 0 ? [...args, '--out', folder] : [...args, '--resume', folder], dir, Math.floor(random() * span));
      if (killed.signal === 'SIGKILL') totals.kills++;
      else if (killed.code !== 0 && killed.code !== 2) throw new Error(`a session ended with ${String(killed.code)}:\n${killed.stderr}`);
      // Killed before run.json was written: nothing was sent, and the run starts afresh.
      if (
        !(await readFile(join(folder, 'run.json')).then(
          () => true,
          () => false,
        ))
      )
        await rm(folder, { recursive: true, force: true });
    }
    const exists = await readFile(join(folder, 'run.json')).then(
      () => true,
      () => false,
    );
    const last = await runCli(exists ? [...args, '--resume', folder] : [...args, '--out', folder], dir);
    if (last.code !== 0) throw new Error(`the last session ended with ${String(last.code)}:\n${last.stderr}`);
    // A killed session's request still in the mock's hands is answered to no one within its latency.
    await sleep(LATENCY_MS * 5);
    const stats = await mock.stats();
    const report = parse(await readFile(join(folder, 'report.csv')), { columns: true }) as Record<string, string>[];
    const summary = await readSummary(folder);
    const byId = new Map(report.map((row) => [row.id ?? '', row]));
    const expected = new Map(Array.from({ length: ROWS }, (_, row) => [`3f2a9c1e-5b7d-4e8f-9a0b-${row.toString(16).padStart(12, '0')}`, row % 5000]));
    let attempts = 0;
    for (const [id, balance] of expected) {
      const row = byId.get(id);
      if (row === undefined) {
        totals.missing++;
        continue;
      }
      attempts += Number(row.attempts);
      const flagged = row.error?.startsWith(RESENT_NOTE) === true;
      if (flagged) totals.flagged++;
      if ((stats.applied[id] ?? 0) > 1) {
        if (flagged) totals.appliedTwiceFlagged++;
        else totals.appliedTwiceUnflagged++;
      }
      if (stats.balances[id] !== balance) totals.stateWrong++;
    }
    const received = Object.values(stats.received).reduce((sum, count) => sum + count, 0);
    totals.runs++;
    totals.sent += summary.requests.sent;
    totals.attempts += attempts;
    totals.received += received;
    totals.reads += stats.reads;
    // Reading before writing, requests.sent counts the reads too, not all of them from a killed session: the PUTs are compared.
    if (mode === 'blind' ? summary.requests.sent !== attempts : received > attempts) totals.mismatchedSent++;
    if (summary.status !== 'completed' || report.length !== ROWS) totals.notCompleted++;
  } finally {
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const line = (label: string, value: number | string): string => `  ${label.padEnd(66)} ${String(value)}`;
let failed = false;
const started = performance.now();
for (const mode of MODES) {
  const totals: Totals = {
    runs: 0,
    kills: 0,
    appliedTwiceUnflagged: 0,
    missing: 0,
    appliedTwiceFlagged: 0,
    flagged: 0,
    sent: 0,
    attempts: 0,
    received: 0,
    reads: 0,
    mismatchedSent: 0,
    stateWrong: 0,
    notCompleted: 0,
  };
  const modeStarted = performance.now();
  // The time bound is shared: each mode gets its part of what is left.
  const deadline = modeStarted + (SECONDS * 1000 - (modeStarted - started)) / (MODES.length - MODES.indexOf(mode));
  for (let run = 0; run < RUNS && performance.now() < deadline; run++) await repetition(mode, totals);
  const report = [
    `soak:resume, ${mode === 'blind' ? 'apply --blind' : 'apply reading before writing (--client)'}: ${totals.runs} of ${RUNS} repetitions of ${ROWS} rows, ${totals.kills} SIGKILLs, ${((performance.now() - modeStarted) / 1000).toFixed(1)} s`,
    line('rows applied twice yet recorded updated unflagged (must be 0)', totals.appliedTwiceUnflagged),
    line('rows missing from the final report (must be 0)', totals.missing),
    line('rows applied twice while in flight, flagged', totals.appliedTwiceFlagged),
    line('rows flagged resent after interruption', totals.flagged),
    line('requests.sent (summary.json, all runs)', totals.sent),
    line("sum of the reports' attempts", totals.attempts),
    line('PUTs the mock received', totals.received),
    ...(mode === 'live' ? [line('GETs the mock received (reads)', totals.reads)] : []),
    line(
      mode === 'blind' ? 'runs whose requests.sent differs from their attempts (must be 0)' : 'runs whose PUTs received exceed their attempts (must be 0)',
      totals.mismatchedSent,
    ),
    line("batches not holding the CSV's value (must be 0)", totals.stateWrong),
    line('runs not completed with one line per row (must be 0)', totals.notCompleted),
  ];
  process.stdout.write(`${report.join('\n')}\n`);
  if (totals.appliedTwiceUnflagged + totals.missing + totals.mismatchedSent + totals.stateWrong + totals.notCompleted > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;

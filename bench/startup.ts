import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, cpuProbe, median, readCpu, readSummary, runNaiveLoop, runNode, RUNS, spawnMock, writeRows } from './common.js';

/**
 * Start-up (issue 25): a one-row `apply` as a user runs it, a whole process
 * from launch to exit, against the local mock in a process of its own, next
 * to the plainest got + p-limit + p-retry loop sending the same row
 * (naive-loop.ts), alternating within each round. Blind (`--blind`: the PUT
 * alone, as the loop sends it) and reading before writing (`--client`: the
 * client's batches read first, the ledger read after). Wall time and CPU
 * (user + system) of each process. Target: a one-row blind run in at most
 * 0.3 s.
 * Then launch → first request of a fresh `apply --blind` of 1,000,000 rows
 * (BENCH_FIRST_ROWS; 0 leaves it out), timed where the request lands (the
 * mock of bench/mock-probe.ts), the run killed once it has; next to
 * csv-parse alone reading the same file (parse-baseline.ts).
 */
const FIRST_ROWS = Number(process.env.BENCH_FIRST_ROWS ?? 1_000_000);
const PROBE = fileURLToPath(new URL('./mock-probe.js', import.meta.url));
const PARSE = fileURLToPath(new URL('./parse-baseline.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./import-floor.js', import.meta.url));
const CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const ID = '3f2a9c1e-5b7d-4e8f-9a0b-000000000001';

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-startup-'));
const seed = join(dir, 'seed.json');
await writeFile(
  seed,
  JSON.stringify([
    {
      id: ID,
      clientId: CLIENT,
      creditAccountId: 'acc00000-0000-4000-8000-000000000001',
      name: 'Batch 1',
      currentBalance: 5,
      expiresOn: '2027-03-31T23:59:59.000Z',
    },
  ]),
);
const mock = await spawnMock(['--seed', seed]);
try {
  const input = join(dir, 'one.csv');
  await writeFile(input, `id,name,expiresOn,currentBalance\n${ID},Batch 1,2027-03-31T23:59:59.000Z,10\n`);
  const cpuFile = join(dir, 'cpu.json');
  const probe = cpuProbe(cpuFile);
  const env = { ...probe.env, TI_API_KEY: MOCK_API_KEY };
  const times = { naive: [] as number[], blind: [] as number[], live: [] as number[], floor: [] as number[] };
  const cpus = { naive: [] as number[], blind: [] as number[], live: [] as number[], floor: [] as number[] };
  await writeFile(join(dir, 'live.csv'), `id,clientId,currentBalance\n${ID},${CLIENT},10\n`);
  for (let run = 0; run < RUNS; run++) {
    const loop = await runNaiveLoop(input, mock.origin, 4, probe.nodeArgs, probe.env);
    if (loop.requests !== 1) throw new Error(`the naive loop sent ${loop.requests} requests`);
    times.naive.push(loop.wallMs);
    cpus.naive.push(await readCpu(cpuFile));
    const floor = await runNode([...probe.nodeArgs, FLOOR], probe.env);
    if (floor.code !== 0) throw new Error(`loading the libraries failed: ${floor.stderr}`);
    times.floor.push(floor.wallMs);
    cpus.floor.push(await readCpu(cpuFile));
    for (const kind of ['blind', 'live'] as const) {
      const out = join(dir, `${kind}-${run}`);
      const args = kind === 'blind' ? ['--blind', input] : [join(dir, 'live.csv')];
      const child = await runNode([...probe.nodeArgs, CLI, 'apply', '--yes', ...args, '--base-url', mock.origin, '--out', out], env);
      const summary = await readSummary(out);
      if (child.code !== 0 || (summary.rows.updated ?? 0) + (summary.rows.unchanged ?? 0) !== 1)
        throw new Error(`apply ${kind} exited ${child.code}:\n${child.stderr}`);
      times[kind].push(child.wallMs);
      cpus[kind].push(await readCpu(cpuFile));
    }
    process.stderr.write(
      `round ${run + 1}/${RUNS}: naive ${times.naive.at(-1)?.toFixed(0)} ms, apply --blind ${times.blind.at(-1)?.toFixed(0)} ms, apply reading first ${times.live.at(-1)?.toFixed(0)} ms\n`,
    );
  }
  const s = (values: readonly number[]): string =>
    `${(median(values) / 1000).toFixed(2)} s (${(Math.min(...values) / 1000).toFixed(2)}–${(Math.max(...values) / 1000).toFixed(2)})`;
  const cpu = (values: readonly number[]): string => `${(median(values) / 1e6).toFixed(2)} s`;
  const ratio = (kind: 'blind' | 'live'): string => (median(times[kind]) / median(times.naive)).toFixed(2);
  process.stdout.write(
    [
      `one-row apply, a whole process from launch to exit, median (min–max) of ${RUNS} rounds`,
      '| | wall | CPU | wall / naive loop |',
      '|---|---:|---:|---:|',
      `| got + p-limit + p-retry, one PUT (bench/naive-loop.ts) | ${s(times.naive)} | ${cpu(cpus.naive)} | 1.00 |`,
      `| loading got, yargs, pino, csv-parse and p-retry, nothing else (bench/import-floor.ts) | ${s(times.floor)} | ${cpu(cpus.floor)} | ${(median(times.floor) / median(times.naive)).toFixed(2)} |`,
      `| ti-credits apply --blind | ${s(times.blind)} | ${cpu(cpus.blind)} | ${ratio('blind')} |`,
      `| ti-credits apply, reading before writing (1 list read, the PUT, 2 ledger reads) | ${s(times.live)} | ${cpu(cpus.live)} | ${ratio('live')} |`,
      `target: a one-row blind apply in at most 0.3 s: ${median(times.blind) <= 300 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
  if (FIRST_ROWS > 0) process.stdout.write(await firstRequest(dir));
} finally {
  mock.stop();
  await rm(dir, { recursive: true, force: true });
}

/** Launch → first request of a fresh blind apply of FIRST_ROWS rows, against csv-parse alone reading the file. */
async function firstRequest(folder: string): Promise<string> {
  const input = join(folder, 'big.csv');
  await writeRows(input, FIRST_ROWS);
  const probe = spawn(process.execPath, [PROBE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: probe.stdout })[Symbol.asyncIterator]();
  const next = async (word: string): Promise<string> => {
    for (let line = await lines.next(); line.done !== true; line = await lines.next()) {
      const [said = '', value = ''] = String(line.value).split(' ');
      if (said === word) return value;
    }
    throw new Error(`the mock probe ended before saying ${word}`);
  };
  const origin = await next('listening');
  const first: number[] = [];
  const parse: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const baseline = await runNode([PARSE, input]);
      if (baseline.code !== 0) throw new Error(`csv-parse failed: ${baseline.stderr}`);
      parse.push(baseline.wallMs);
      probe.stdin.write('arm\n');
      const launched = Date.now();
      const apply = spawn(
        process.execPath,
        [CLI, 'apply', '--blind', '--yes', input, '--base-url', origin, '--rate', '0', '--out', join(folder, `big-${run}`)],
        { env: { ...process.env, TI_API_KEY: MOCK_API_KEY }, stdio: 'ignore' },
      );
      const arrived = Number(await next('first'));
      apply.kill('SIGKILL');
      await once(apply, 'close');
      first.push(arrived - launched);
      await rm(join(folder, `big-${run}`), { recursive: true, force: true });
      process.stderr.write(`first request, round ${run + 1}/${RUNS}: ${first.at(-1)} ms after launch; csv-parse alone ${Math.round(baseline.wallMs)} ms\n`);
    }
  } finally {
    probe.kill();
  }
  const sec = (values: readonly number[]): string =>
    `${(median(values) / 1000).toFixed(1)} s (${(Math.min(...values) / 1000).toFixed(1)}–${(Math.max(...values) / 1000).toFixed(1)})`;
  return [
    '',
    `fresh apply --blind of ${FIRST_ROWS.toLocaleString('en-US')} rows: launch → first request ${sec(first)}; csv-parse alone reading the file ${sec(parse)}; ratio ${(median(first) / median(parse)).toFixed(2)}`,
    '',
  ].join('\n');
}

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { FILE_DONE, type Counts } from './test-reporter.js';

/**
 * `npm test`'s runner: the test files, taken one at a time from one queue by a
 * few long-lived worker processes, each running the files it takes in itself.
 *
 * `node --test` starts a process for every file. Each of those spent 0.3–0.7
 * CPU-seconds loading Node, the mock and the command line before its first
 * test: about 60 of the suite's 310 CPU-seconds on these 2 cores, for 113
 * files. A worker loads them once. The queue (not a split fixed in advance)
 * keeps the workers busy until the end whatever the files cost; the largest
 * files are taken first, so no long file starts last. There are more workers
 * than cores because some files mostly wait (pacing at a real rate, a
 * browser, a pseudo-terminal) while others compute.
 *
 * Files sharing a worker run one after another, never side by side. A
 * file's root-level `after` hooks run once its tests have ended, before the
 * next file is loaded; a root-level `before` would not be waited for (node:test
 * runs one declared after the first test at once), so `before` goes in a
 * `describe` (eslint refuses it at the root of a test file). Nothing a test
 * file does may outlive it but handles those hooks close.
 *
 *   node dist/scripts/run-tests.js [--workers N] [--check <npm script>]... [--times] <file or folder>...
 *
 * --workers: how many (3 per core by default). --check: an npm script run
 * beside the tests, counted as one. --times: the time and the CPU time each
 * file took (its CLI processes and browsers included), most CPU first.
 */

const REPORTER = fileURLToPath(new URL('./test-reporter.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

type FromParent = { readonly file: string } | { readonly end: true };
type FromWorker = { readonly ready: true } | { readonly done: string; readonly cpuMs: number; readonly error?: string };

if (process.argv[2] === '--worker') await worker();
else process.exitCode = await parent(process.argv.slice(2));

/**
 * Runs each file the parent sends, and says when it has ended: its tests, and
 * then its root-level `after` hooks, which node:test runs each time the tests
 * it was given have all ended. The next file is loaded only then, so a file's
 * hooks never run in the middle of the next file's tests.
 */
async function worker(): Promise<void> {
  const { after, test } = await import('node:test');
  const send = (message: FromWorker): void => void process.send?.(message);
  process.on('message', (message: FromParent) => {
    if ('end' in message) {
      // With the channel closed the event loop can empty, which is when node:test ends the root test and reports.
      process.disconnect();
      return;
    }
    const cpuBefore = cpuMs();
    import(pathToFileURL(message.file).href).then(
      () => {
        // A test after the file's, so that there is one to end even in a file without any; then a hook after the file's hooks.
        test(FILE_DONE, () => {});
        after(() => send({ done: message.file, cpuMs: cpuMs() - cpuBefore }));
      },
      (error: unknown) => send({ done: message.file, cpuMs: cpuMs() - cpuBefore, error: inspect(error) }),
    );
  });
  send({ ready: true });
}

/**
 * CPU time of this process and of the processes it started and waited for
 * (the command line a test ran, a browser), so far; without /proc, of this
 * process alone.
 */
function cpuMs(): number {
  try {
    // utime, stime, cutime and cstime: fields 14 to 17 of /proc/self/stat (in ticks of 10 ms), counted after the command's name, which may hold spaces.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * 10;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}

async function parent(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const options = parseArguments(args);
  // Largest first: the size of a test file is a fair guess at its cost, and a long file taken last would end alone.
  const queue = options.paths
    .flatMap((path) => testFiles(resolve(path)))
    .map((file) => ({ file, size: statSync(file).size }))
    .sort((a, b) => b.size - a.size)
    .map(({ file }) => file);
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const countsDir = mkdtempSync(join(tmpdir(), 'ti-credits-tests-'));
  const problems: string[] = [];
  const took: { file: string; ms: number; cpuMs: number; worker: number }[] = [];
  let workersStarted = 0;

  const runWorker = (): Promise<void> =>
    new Promise((done) => {
      const index = workersStarted++;
      const countsFile = join(countsDir, `${index}.json`);
      const child: ChildProcess = fork(SELF, ['--worker'], {
        execArgv: [`--test-reporter=${REPORTER}`],
        env: { ...process.env, TI_CREDITS_TEST_COUNTS: countsFile },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let current: string | undefined;
      let since = 0;
      const next = (cpuMs = 0): void => {
        if (current !== undefined) took.push({ file: current, ms: performance.now() - since, cpuMs, worker: index });
        current = queue.shift();
        since = performance.now();
        child.send(current === undefined ? { end: true } : ({ file: current } satisfies FromParent));
      };
      child.on('message', (message: FromWorker) => {
        if ('done' in message && message.error !== undefined) problems.push(`${relative(process.cwd(), message.done)} could not be loaded:\n${message.error}`);
        if ('ready' in message) next();
        else if (message.done === current) next(message.cpuMs);
      });
      child.on('exit', (code, signal) => {
        const ended = signal ?? `code ${code}`;
        const counts = readCounts(countsFile);
        if (counts !== undefined) for (const key of ['passed', 'failed', 'skipped'] as const) total[key] += counts[key];
        // A process that ended in the middle of a file takes the totals of the files it had run with it; the run fails all the same.
        if (current !== undefined) problems.push(`${relative(process.cwd(), current)}: its process ended (${ended}) before its tests did`);
        else if (counts === undefined) problems.push(`a test process ended (${ended}) without its totals`);
        else if (code !== 0 && counts.failed === 0) problems.push(`a test process ended (${ended}) after its tests passed`);
        // What a process that died had left in the queue is run by one that takes its place.
        if (current !== undefined && queue.length > 0) void runWorker().then(done);
        else done();
      });
    });

  try {
    await Promise.all([
      ...options.checks.map((script) => runCheck(script, total, problems)),
      ...Array.from({ length: Math.min(options.workers, queue.length) }, () => runWorker()),
    ]);
  } finally {
    rmSync(countsDir, { recursive: true, force: true });
  }
  if (options.times) {
    process.stdout.write('\n  wall s   CPU s  worker  file\n');
    for (const { file, ms, cpuMs, worker } of took.sort((a, b) => b.cpuMs - a.cpuMs)) {
      const seconds = (value: number): string => (value / 1000).toFixed(1).padStart(8);
      process.stdout.write(`${seconds(ms)}${seconds(cpuMs)}  ${String(worker).padStart(6)}  ${relative(process.cwd(), file)}\n`);
    }
  }
  for (const problem of problems) process.stdout.write(`\nFAIL ${problem}\n`);
  const failed = total.failed + problems.length;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\n${total.passed} passed, ${failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''} (${seconds} s)\n`);
  return failed === 0 ? 0 : 1;
}

/**
 * `npm run <script>` beside the tests: lint and the format check take about
 * 33 CPU-seconds, which fit in the time the tests spend waiting. Counted as one test each; what a failing one printed
 * is shown.
 */
function runCheck(script: string, total: Counts, problems: string[]): Promise<void> {
  return new Promise((done) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.on('close', (code, signal) => {
      if (code === 0) total.passed++;
      else problems.push(`npm run ${script} (${signal ?? `code ${code}`}):\n${output.trimEnd()}`);
      done();
    });
  });
}

interface Options {
  readonly workers: number;
  readonly checks: readonly string[];
  readonly times: boolean;
  readonly paths: readonly string[];
}

function parseArguments(args: readonly string[]): Options {
  let workers = 3 * availableParallelism();
  let times = false;
  const checks: string[] = [];
  const paths: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--workers') {
      workers = Number(args[++index]);
      if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers takes a whole number of at least 1, not ${args[index]}`);
    } else if (arg === '--check') {
      const script = args[++index];
      if (script === undefined) throw new Error('--check takes the name of an npm script.');
      checks.push(script);
    } else if (arg === '--times') times = true;
    else paths.push(arg);
  }
  if (paths.length === 0) throw new Error('Name the test files or the folders that hold them.');
  return { workers, checks, times, paths };
}

/** `path` if it is a file, else every *.test.js below it. */
function testFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function readCounts(file: string): Counts | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Counts;
  } catch {
    return undefined;
  }
}

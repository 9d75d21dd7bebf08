import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, median, readSummary, runNaiveLoop, runNode, RUNS, spawnMock, writeRows, type MockProcess } from './common.js';

/**
 * How close a run gets to the floor a rate limit sets. A mock allows R
 * requests per minute with a burst of B; N rows then take at least (N - B) / R.
 * Every client sends the same N rows with --concurrency 4, alternating within
 * each round, each mock's bucket given time to fill up again between runs;
 * the plain p-limit + p-retry loop (bench/naive-loop.ts) is measured in the
 * same rounds. Each ti-credits run writes into a folder of its own, so that
 * no run starts from what another learned (pace.json), except where that is
 * what is measured.
 *
 * With the API's X-RateLimit-* headers (3,000/min, burst 20; 520 rows):
 * (a) told the server's rate, (b) told ten times too much, which must learn
 * the pace from the headers; on an Enterprise-sized mock (6,000/min, burst 100;
 * 1,200 rows) (c) `--rate 0`, no --burst: both learned from the first answers;
 * on a 600/min key (burst 100, 300 rows) (d) nothing told: the default pace
 * must follow the header up from 120.
 * Targets: (a) wall/ideal <= 1.03 and no 429; (b) <= 1.15 and under 5%
 * answered 429; (c) <= 1.05 with at most 1% 429 in every run; (d) <= 1.05.
 *
 * Without the headers (a gateway stripped them), at the issue's 600/min, with
 * a burst of 5 or 20, answering 429 with an honest Retry-After or with
 * `Retry-After: 0` (200 rows): ti-credits told 100,000, told 1,200 and told
 * nothing, and, with an honest Retry-After, told 100,000 again in the same
 * folder, starting from the pace the first run learned. Targets, told too
 * high: at most 10% of the rows answered 429 and at most 1.35x the ideal.
 *
 * BENCH_PART=headers or no-headers runs one part; BENCH_BASELINE_CLI, the
 * main.js of another build, measures the cells with headers with it too, in
 * the same rounds: whether a change moved them.
 */
const CONCURRENCY = 4;
const WITH_HEADERS = { rows: Number(process.env.BENCH_ROWS ?? 520), limit: 3000, burst: 20 };
const ENTERPRISE = { rows: 1200, limit: 6000, burst: 100 };
const KEY_600 = { rows: 300, limit: 600, burst: 100 };
const WITHOUT = { rows: Number(process.env.BENCH_NO_HEADER_ROWS ?? 200), limit: 600 };
const PART = process.env.BENCH_PART;
const BASELINE_CLI = process.env.BENCH_BASELINE_CLI;

interface Server {
  readonly rows: number;
  readonly limit: number;
  readonly burst: number;
}

interface Measure {
  readonly ratio: number;
  readonly requests: number;
  readonly throttled: number;
  readonly rows: number;
}

const idealMs = (server: Server): number => ((server.rows - server.burst) / server.limit) * 60_000;
const refillMs = (server: Server): number => (server.burst / server.limit) * 60_000 + 500;

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-rate-'));
const mocks: MockProcess[] = [];
const mockFor = async (server: Server, ...flags: string[]): Promise<MockProcess> => {
  const mock = await spawnMock(['--auto-create', '--rate-limit', String(server.limit), '--burst', String(server.burst), ...flags]);
  mocks.push(mock);
  return mock;
};
const inputs = new Map<number, string>();
const inputOf = async (rows: number): Promise<string> => {
  const known = inputs.get(rows);
  if (known !== undefined) return known;
  const path = join(dir, `rows-${rows}.csv`);
  await writeRows(path, rows);
  inputs.set(rows, path);
  return path;
};
let folders = 0;

/** One ti-credits run; `home` is the folder holding its run folder (and pace.json): a new one unless given. */
async function apply(server: Server, origin: string, flags: readonly string[], home?: string, cli = CLI): Promise<Measure> {
  const parent = home ?? join(dir, `home-${++folders}`);
  await mkdir(parent, { recursive: true });
  const out = join(parent, `run-${++folders}`);
  const args = [
    cli,
    'apply',
    '--blind',
    '--yes',
    await inputOf(server.rows),
    '--base-url',
    origin,
    ...flags,
    '--concurrency',
    String(CONCURRENCY),
    '--out',
    out,
  ];
  const child = await runNode(args, { ...process.env, TI_API_KEY: MOCK_API_KEY });
  const summary = await readSummary(out);
  if (child.code !== 0 || summary.rows.updated !== server.rows)
    throw new Error(`apply ${flags.join(' ')} exited ${child.code} with ${summary.rows.updated} rows updated:\n${child.stderr}`);
  await rm(out, { recursive: true });
  return { ratio: summary.wallTimeMs / idealMs(server), requests: summary.requests.sent, throttled: summary.requests.throttled, rows: server.rows };
}

async function naive(server: Server, origin: string): Promise<Measure> {
  const loop = await runNaiveLoop(await inputOf(server.rows), origin, CONCURRENCY);
  if (loop.rows !== server.rows) throw new Error(`the naive loop sent ${loop.rows} rows`);
  return { ratio: loop.sendingMs / idealMs(server), requests: loop.requests, throttled: loop.throttled, rows: server.rows };
}

interface Cell {
  readonly label: string;
  readonly server: Server;
  readonly measure: (round: number) => Promise<Measure>;
  readonly results: Measure[];
}

try {
  const told = await mockFor(WITH_HEADERS);
  const enterprise = await mockFor(ENTERPRISE);
  const key600 = await mockFor(KEY_600);
  const headerCells: Cell[] = [
    {
      label: `(a) ti-credits apply --rate ${WITH_HEADERS.limit} --burst ${WITH_HEADERS.burst}`,
      server: WITH_HEADERS,
      measure: () => apply(WITH_HEADERS, told.origin, ['--rate', String(WITH_HEADERS.limit), '--burst', String(WITH_HEADERS.burst)]),
      results: [],
    },
    {
      label: `(b) ti-credits apply --rate ${WITH_HEADERS.limit * 10} --burst ${WITH_HEADERS.burst}`,
      server: WITH_HEADERS,
      measure: () => apply(WITH_HEADERS, told.origin, ['--rate', String(WITH_HEADERS.limit * 10), '--burst', String(WITH_HEADERS.burst)]),
      results: [],
    },
    { label: 'p-limit + p-retry, defaults (bench/naive-loop.ts)', server: WITH_HEADERS, measure: () => naive(WITH_HEADERS, told.origin), results: [] },
    {
      label: '(c) ti-credits apply --rate 0, no --burst: limit and burst learned',
      server: ENTERPRISE,
      measure: () => apply(ENTERPRISE, enterprise.origin, ['--rate', '0']),
      results: [],
    },
    {
      label: '(d) ti-credits apply, no --rate, no --burst: the default follows the header',
      server: KEY_600,
      measure: () => apply(KEY_600, key600.origin, []),
      results: [],
    },
    { label: 'p-limit + p-retry, defaults, same 600/min key', server: KEY_600, measure: () => naive(KEY_600, key600.origin), results: [] },
  ];
  if (BASELINE_CLI !== undefined) {
    headerCells.push(
      {
        label: `(a) with ${BASELINE_CLI}`,
        server: WITH_HEADERS,
        measure: () => apply(WITH_HEADERS, told.origin, ['--rate', String(WITH_HEADERS.limit), '--burst', String(WITH_HEADERS.burst)], undefined, BASELINE_CLI),
        results: [],
      },
      {
        label: `(b) with ${BASELINE_CLI}`,
        server: WITH_HEADERS,
        measure: () =>
          apply(WITH_HEADERS, told.origin, ['--rate', String(WITH_HEADERS.limit * 10), '--burst', String(WITH_HEADERS.burst)], undefined, BASELINE_CLI),
        results: [],
      },
      {
        label: `(c) with ${BASELINE_CLI}`,
        server: ENTERPRISE,
        measure: () => apply(ENTERPRISE, enterprise.origin, ['--rate', '0'], undefined, BASELINE_CLI),
        results: [],
      },
      { label: `(d) with ${BASELINE_CLI}`, server: KEY_600, measure: () => apply(KEY_600, key600.origin, [], undefined, BASELINE_CLI), results: [] },
    );
  }

  const columns: { readonly title: string; readonly server: Server; readonly cells: Cell[] }[] = [];
  for (const burst of [5, 20]) {
    for (const zero of [false, true]) {
      const server: Server = { rows: WITHOUT.rows, limit: WITHOUT.limit, burst };
      const mock = await mockFor(server, '--no-rate-limit-headers', ...(zero ? ['--retry-after-zero'] : []));
      // The run told 100,000 keeps its folder for the round: the run again after it starts from the pace.json it wrote.
      const home = (round: number): string => join(dir, `remembering-${burst}-${zero ? 'zero' : 'honest'}-${round}`);
      const cells: Cell[] = [
        { label: 'ti-credits --rate 100000', server, measure: (round) => apply(server, mock.origin, ['--rate', '100000'], home(round)), results: [] },
        { label: 'ti-credits --rate 1200', server, measure: () => apply(server, mock.origin, ['--rate', '1200']), results: [] },
        { label: 'ti-credits, no --rate (the default)', server, measure: () => apply(server, mock.origin, []), results: [] },
        { label: 'p-limit + p-retry, defaults (bench/naive-loop.ts)', server, measure: () => naive(server, mock.origin), results: [] },
      ];
      if (!zero)
        cells.push({
          label: 'ti-credits --rate 100000, run again (pace.json)',
          server,
          measure: (round) => apply(server, mock.origin, ['--rate', '100000'], home(round)),
          results: [],
        });
      columns.push({ title: `burst ${burst}, ${zero ? '`Retry-After: 0`' : 'honest Retry-After'}`, server, cells });
    }
  }

  for (let round = 0; round < RUNS; round++) {
    for (const cell of [...(PART === 'no-headers' ? [] : headerCells), ...(PART === 'headers' ? [] : columns.flatMap((column) => column.cells))]) {
      await sleep(refillMs(cell.server));
      const measure = await cell.measure(round);
      cell.results.push(measure);
      process.stderr.write(
        `run ${round + 1}/${RUNS} ${cell.label} (${cell.server.limit}/min, burst ${cell.server.burst}): wall/ideal ${measure.ratio.toFixed(3)}, ${measure.throttled} of ${measure.requests} requests answered 429\n`,
      );
    }
  }

  const ratio = (measures: readonly Measure[]): number => median(measures.map((m) => m.ratio));
  const perRow = (measures: readonly Measure[]): number => median(measures.map((m) => m.throttled / m.rows));
  const headerRow = (cell: Cell): string => {
    const shares = cell.results.map((m) => m.throttled / m.requests);
    return `| ${cell.label} | ${cell.server.limit}/min, burst ${cell.server.burst}, ${cell.server.rows} rows | ${ratio(cell.results).toFixed(3)} | ${(median(shares) * 100).toFixed(1)}% | ${Math.max(...cell.results.map((m) => m.throttled))} |`;
  };
  const [a, b, , c, d] = headerCells as [Cell, Cell, Cell, Cell, Cell, Cell];
  const worstShare = (cell: Cell): number => Math.max(...cell.results.map((m) => m.throttled / m.requests));
  const lines: string[] = [];
  if (PART !== 'no-headers') {
    lines.push(
      `With rate-limit headers; --concurrency ${CONCURRENCY}; ideal (N - B) / R; median of ${RUNS} runs`,
      '| | mock | wall / ideal | requests answered 429 (median) | most 429s in one run |',
      '|---|---|---:|---:|---:|',
      ...headerCells.map(headerRow),
      `target (a) <= 1.03 with no 429: ${ratio(a.results) <= 1.03 && worstShare(a) === 0 ? 'met' : 'MISSED'}`,
      `target (b) <= 1.15 with under 5% answered 429: ${ratio(b.results) <= 1.15 && median(b.results.map((m) => m.throttled / m.requests)) < 0.05 ? 'met' : 'MISSED'}`,
      `target (c) <= 1.05 with at most 1% answered 429 in every run: ${ratio(c.results) <= 1.05 && worstShare(c) <= 0.01 ? 'met' : 'MISSED'}`,
      `target (d) <= 1.05: ${ratio(d.results) <= 1.05 ? 'met' : 'MISSED'}`,
      '',
    );
  }
  if (PART !== 'headers') {
    lines.push(
      `Without rate-limit headers: ${WITHOUT.rows} rows, mock at ${WITHOUT.limit}/min; --concurrency ${CONCURRENCY}; wall / ideal, then 429s per row; median of ${RUNS} runs`,
      `| | ${columns.map((column) => column.title).join(' | ')} |`,
      `|---|${columns.map(() => '---:').join('|')}|`,
    );
    const labels = [...new Set(columns.flatMap((column) => column.cells.map((cell) => cell.label)))];
    for (const label of labels) {
      const cells = columns.map((column) => column.cells.find((cell) => cell.label === label));
      lines.push(
        `| ${label} | ${cells.map((cell) => (cell === undefined ? '' : `${ratio(cell.results).toFixed(2)}, ${perRow(cell.results).toFixed(3)}`)).join(' | ')} |`,
      );
    }
    const toldTooHigh = columns.flatMap((column) =>
      column.cells.filter((cell) => cell.label === 'ti-credits --rate 100000' || cell.label === 'ti-credits --rate 1200'),
    );
    const met = toldTooHigh.every((cell) => ratio(cell.results) <= 1.35 && perRow(cell.results) <= 0.1);
    lines.push(`target, told too high (--rate 100000, 1200): at most 0.10 × 429 per row and 1.35 × the ideal in every column: ${met ? 'met' : 'MISSED'}`, '');
  }
  process.stdout.write(lines.join('\n'));
} finally {
  for (const mock of mocks) mock.stop();
  await rm(dir, { recursive: true, force: true });
}

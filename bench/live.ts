import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOCK_API_KEY } from '../src/mock/server.js';
import type { Summary } from '../src/report/summary.js';
import { CLI, median, round, runNode } from './common.js';
import { cli, liveMock, writeInput } from './live-common.js';

/**
 * What reading before writing costs (issue 15), against mocks in processes of
 * their own, each holding generated batches (bench/live-mock.ts):
 * (A) `snapshot` of 10,000 batches of 20 clients, 100 a page, against a mock
 *     limited to 480/min with a burst of 20: wall time against the floor the
 *     limit sets, (requests − burst) / rate; target ≤ 1.05.
 * (B) `apply` of 10,000 rows over 20 clients, in random order, against a mock
 *     limited to 6,000/min with a burst of 100 — ten times an Enterprise key,
 *     so that a run takes 100 s, with --max-staleness 60 scaled likewise from
 *     the default 10 min at 600/min: read requests as a share of the PUTs
 *     (target ≤ 5%) and wall time against the PUT-only floor.
 *     Then `verify` of that run: its requests and wall time (issue 16).
 * (D) reads by credit account; (E) launch → first PUT against another build.
 * What the live values of many rows cost (the former part C) is bench/scale.ts.
 */
const LIVE_RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Which of (A), (B), (D), (E) to measure: BENCH_PARTS=B measures the reads per PUT alone. */
const PARTS = process.env.BENCH_PARTS ?? 'ABDE';
const spread = (values: readonly number[], digits: number): string =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-live-'));
const lines: string[] = [];
try {
  // (A) snapshot at the pace the limit allows.
  if (PARTS.includes('A')) {
    const [rate, burst, clients, perClient, perPage] = [480, 20, 20, 500, 100];
    const requests = (clients * perClient) / perPage;
    const idealMs = ((requests - burst) / rate) * 60_000;
    const ratios: number[] = [];
    for (let run = 0; run < LIVE_RUNS; run++) {
      const mock = await liveMock(clients, perClient, perPage, rate, burst);
      try {
        const ids = [...new Set(mock.batches.map((batch) => batch.client))];
        const summary = await cli(
          ['snapshot', ...ids.flatMap((client) => ['--client', client]), '--base-url', mock.origin, '--rate', String(rate), '--burst', String(burst)],
          join(dir, `snapshot-${run}`),
        );
        if (summary.snapshot?.batches !== clients * perClient || summary.requests.throttled > 0)
          throw new Error(`snapshot: ${JSON.stringify(summary.snapshot)}, ${summary.requests.throttled} throttled`);
        ratios.push(summary.wallTimeMs / idealMs);
        process.stderr.write(`snapshot run ${run + 1}/${LIVE_RUNS}: ${summary.requests.sent} requests, wall/ideal ${ratios.at(-1)?.toFixed(3)}\n`);
      } finally {
        mock.stop();
      }
    }
    lines.push(
      `(A) snapshot of ${round(clients * perClient)} batches of ${clients} clients, ${perPage} a page (${requests} requests), mock at ${rate}/min burst ${burst}; floor ${(idealMs / 1000).toFixed(1)} s`,
      `    wall / floor, median (min–max) of ${LIVE_RUNS}: ${spread(ratios, 3)}; target ≤ 1.05: ${median(ratios) <= 1.05 ? 'met' : 'MISSED'}`,
    );
  }

  // (B) apply over 20 clients in random order, at the limit, at the default --max-staleness scaled to the pace (30 s at 600/min: 3 s at 6,000/min).
  if (PARTS.includes('B')) {
    const [rate, burst, clients, perClient, rows, staleness] = [6000, 100, 20, 500, 10_000, '3'];
    const idealMs = ((rows - burst) / rate) * 60_000;
    const shares: number[] = [];
    const ratios: number[] = [];
    const verifyRequests: number[] = [];
    const verifySeconds: number[] = [];
    const reconcileReads: number[] = [];
    for (let run = 0; run < LIVE_RUNS; run++) {
      const mock = await liveMock(clients, perClient, 100, rate, burst);
      try {
        const input = join(dir, `apply-${run}.csv`);
        await writeInput(input, mock.batches, rows);
        const summary = await cli(
          ['apply', '--yes', input, '--base-url', mock.origin, '--rate', String(rate), '--burst', String(burst), '--max-staleness', staleness],
          join(dir, `apply-${run}`),
        );
        const puts = summary.rows.updated ?? 0;
        if (puts !== rows) throw new Error(`apply updated ${puts} of ${rows}`);
        const ledger = Number(summary.reconciliation?.requests ?? 0);
        reconcileReads.push(ledger);
        shares.push((summary.requests.sent - puts - ledger) / puts);
        ratios.push(summary.wallTimeMs / idealMs);
        process.stderr.write(
          `apply run ${run + 1}/${LIVE_RUNS}: ${summary.requests.sent - puts} reads for ${puts} PUTs, wall/PUT-only floor ${ratios.at(-1)?.toFixed(3)}, ${summary.requests.throttled} answered 429\n`,
        );
        const folder = join(dir, `apply-${run}`);
        const verify = await runNode([CLI, 'verify', folder, '--base-url', mock.origin, '--rate', String(rate), '--burst', String(burst)], {
          ...process.env,
          TI_API_KEY: MOCK_API_KEY,
        });
        if (verify.code !== 0) throw new Error(`verify exited ${verify.code}:\n${verify.stderr}\n${verify.stdout}`);
        const verified = JSON.parse(await readFile(join(folder, 'verify.json'), 'utf8')) as Summary<unknown>;
        if (verified.rows.holds !== rows) throw new Error(`verify found ${verified.rows.holds} rows holding`);
        verifyRequests.push(verified.requests.sent);
        verifySeconds.push(verified.wallTimeMs / 1000);
      } finally {
        mock.stop();
      }
    }
    lines.push(
      `(B) apply of ${round(rows)} rows over ${clients} clients in random order, mock at ${rate}/min burst ${burst}, --max-staleness ${staleness}; PUT-only floor ${(idealMs / 1000).toFixed(1)} s`,
      `    read requests of the batch lists / PUTs, median (min–max) of ${LIVE_RUNS}: ${spread(
        shares.map((share) => share * 100),
        2,
      )}%; target ≤ 25%: ${median(shares) <= 0.25 ? 'met' : 'MISSED'}`,
      `    then the credit ledger read to reconcile the run: ${spread(reconcileReads, 0)} requests`,
      `    wall / PUT-only floor: ${spread(ratios, 3)}`,
      `    then verify of the ${round(rows)} rows updated: ${spread(verifyRequests, 0)} requests, ${spread(verifySeconds, 1)} s`,
    );
  }

  // (D) a client of 5,000 batches in 10 credit accounts receiving 200 rows of one account, at the limit, the default --max-staleness scaled.
  if (PARTS.includes('D')) {
    const [rate, burst, perClient, accounts, rows, staleness] = [6000, 100, 5000, 10, 200, '3'];
    for (const named of [true, false]) {
      const shares: number[] = [];
      for (let run = 0; run < LIVE_RUNS; run++) {
        const mock = await liveMock(1, perClient, 100, rate, burst, accounts);
        try {
          const account = mock.batches[0]?.account ?? '';
          const input = join(dir, `large-${named}-${run}.csv`);
          await writeInput(
            input,
            mock.batches.filter((batch) => batch.account === account),
            rows,
            true,
          );
          if (!named) await writeFile(input, (await readFile(input, 'utf8')).replace(/^id,clientId,creditAccountId,/, 'id,clientId,note,'));
          const summary = await cli(
            [
              'apply',
              '--yes',
              input,
              '--base-url',
              mock.origin,
              '--rate',
              String(rate),
              '--burst',
              String(burst),
              '--max-staleness',
              staleness,
              '--no-reconcile',
            ],
            join(dir, `large-${named}-${run}`),
          );
          const puts = summary.rows.updated ?? 0;
          if (puts !== rows) throw new Error(`apply updated ${puts} of ${rows}`);
          const planReads = Math.ceil(perClient / 100);
          shares.push((summary.requests.sent - puts - planReads) / puts);
          process.stderr.write(
            `large client run ${run + 1}/${LIVE_RUNS}${named ? '' : ' (no creditAccountId)'}: ${summary.requests.sent - puts} reads for ${puts} PUTs\n`,
          );
        } finally {
          mock.stop();
        }
      }
      lines.push(
        `(D) apply of ${rows} rows of one credit account of a client of ${round(perClient)} batches in ${accounts} accounts, ${named ? 'with' : 'without'} a creditAccountId column, mock at ${rate}/min, --max-staleness ${staleness}: reads after the plan's / PUTs ${spread(
          shares.map((share) => share * 100),
          1,
        )}%${named ? `; target ≤ 25%: ${median(shares) <= 0.25 ? 'met' : 'MISSED'}` : ''}`,
      );
    }
  }

  // (E) launch → first PUT, against a build of another tree (BENCH_BASELINE_CLI: its dist/src/cli/main.js), same mock, same file.
  if (PARTS.includes('E')) {
    const baseline = process.env.BENCH_BASELINE_CLI;
    const [clients, perClient, rows] = [20, 500, 10_000];
    const times: Record<'this' | 'baseline', number[]> = { this: [], baseline: [] };
    for (let run = 0; run < LIVE_RUNS; run++) {
      const builds: (readonly ['this' | 'baseline', string])[] = [['this', CLI], ...(baseline === undefined ? [] : [['baseline', baseline] as const])];
      for (const [which, cliPath] of builds) {
        const mock = await liveMock(clients, perClient, 100);
        try {
          const input = join(dir, `first-${which}-${run}.csv`);
          await writeInput(input, mock.batches, rows);
          const launched = Date.now();
          const child = await runNode(
            [cliPath, 'apply', '--yes', input, '--base-url', mock.origin, '--rate', '0', '--out', join(dir, `first-${which}-${run}`)],
            { ...process.env, TI_API_KEY: MOCK_API_KEY },
          );
          if (child.code !== 0) throw new Error(`${which} exited ${child.code}: ${child.stderr}`);
          times[which].push((mock.firstPut() ?? Number.NaN) - launched);
        } finally {
          mock.stop();
        }
      }
    }
    const ratio = times.baseline.length === 0 ? undefined : median(times.this) / median(times.baseline);
    lines.push(
      `(E) launch → first PUT, apply of ${round(rows)} rows over ${clients} clients: ${spread(times.this, 0)} ms${ratio === undefined ? ' (no BENCH_BASELINE_CLI to compare with)' : `; the baseline build ${spread(times.baseline, 0)} ms; ratio ${ratio.toFixed(3)}; target ≤ 1.10: ${ratio <= 1.1 ? 'met' : 'MISSED'}`}`,
    );
  }

  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

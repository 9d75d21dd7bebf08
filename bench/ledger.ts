import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { endOf } from '../src/report/ledger/folder-record.js';
import { LEDGER_FILE, LEDGER_INDEX, lookupLedger, readLedger } from '../src/report/ledger/ledger-file.js';
import type { LedgerEvent, LedgerRecord } from '../src/report/ledger/record.js';
import { RunLedger } from '../src/report/ledger/run-ledger.js';
import type { Summary } from '../src/report/summary.js';
import { median, RUNS } from './common.js';

/**
 * What the run ledger costs (issue 23): reading a ledger of many years of
 * runs whole (what `runs` lists), against the lookup a run makes before it
 * sends (the runs of its content), through the index with a few runs
 * appended since, and with no index (the first lookup); recording one run (a start and an end, each under the lock, forced
 * to disk); and the end-of-run pass over report.csv that gives the ledger
 * the balances a run moved, against csv-parse alone over the same file.
 */
const LEDGER_RUNS = Number(process.env.BENCH_LEDGER_RUNS ?? 20_000);
const REPORT_ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

function record(n: number): LedgerRecord {
  return {
    id: `2026${String(n).padStart(8, '0')}Z-adjustments`,
    folder: `2026${String(n).padStart(8, '0')}Z-adjustments`,
    command: 'apply',
    status: 'running',
    instance: 'https://acme.thoughtindustries.com',
    keyKind: 'live',
    operator: 'dana',
    input: { path: '/home/dana/adjustments.csv', sha256: n.toString(16).padStart(64, '0'), delta: n % 2 === 0 },
    planId: null,
    approvedBy: null,
    approval: null,
    startedAt: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString(),
    finishedAt: null,
    sessions: 1,
    counts: null,
    requests: null,
    balance: null,
    again: null,
    selfApproved: null,
  };
}

const end = {
  status: 'completed',
  finishedAt: '2026-01-01T00:00:00.000Z',
  counts: { total: 500, updated: 498, failed: 2 },
  requests: 1000,
  balance: { before: 50_000, after: 55_000, net: 5000, added: 5000, removed: 0 },
};

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(`${line}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

function* ledgerLines(runs: number): Generator<string> {
  for (let n = 0; n < runs; n++) {
    yield JSON.stringify({ v: 1, t: 'start', record: record(n) } satisfies LedgerEvent);
    yield JSON.stringify({ v: 1, t: 'end', id: record(n).id, end } satisfies LedgerEvent);
  }
}

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;

const work = await mkdtemp(join(tmpdir(), 'ti-credits-bench-ledger-'));
try {
  await writeLines(join(work, LEDGER_FILE), ledgerLines(LEDGER_RUNS));
  const whole: number[] = [];
  const cold: number[] = [];
  const indexed: number[] = [];
  const ledger = new RunLedger(work);
  const keys = { inputs: [record(LEDGER_RUNS >> 1).input?.sha256 ?? ''] };
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    await readLedger(work);
    whole.push(performance.now() - started);
    await rm(join(work, LEDGER_INDEX), { force: true });
    started = performance.now();
    await lookupLedger(work, keys);
    cold.push(performance.now() - started);
    // Five runs recorded since the index was written.
    for (let n = 0; n < 5; n++) await ledger.start(record(LEDGER_RUNS + run * 5 + n));
    started = performance.now();
    const found = await lookupLedger(work, keys);
    indexed.push(performance.now() - started);
    if (found.records.size !== 1) throw new Error(`the lookup found ${found.records.size} runs`);
  }
  const recording: number[] = [];
  for (let run = 0; run < RUNS * 4; run++) {
    const started = performance.now();
    await ledger.start(record(LEDGER_RUNS * 2 + run));
    await ledger.end(record(LEDGER_RUNS * 2 + run).id, end);
    recording.push(performance.now() - started);
  }

  // A report of REPORT_ROWS rows updated, as a guarded apply writes it.
  const folder = await mkdtemp(join(work, 'run-'));
  const header = 'line,outcome,httpStatus,attempts,error,id,clientId,currentBalanceDelta,sent,baseline.name,baseline.expiresOn,baseline.currentBalance';
  await writeLines(
    join(folder, 'report.csv'),
    (function* () {
      yield header;
      for (let n = 0; n < REPORT_ROWS; n++)
        yield `${n + 2},updated,200,1,,3f2a9c1e-5b7d-4e8f-9a0b-${n.toString(16).padStart(12, '0')},c0ffee00-0000-4000-8000-000000000001,+5,"{""currentBalance"":${(n % 5000) + 5}}",,,${n % 5000}`;
    })(),
  );
  const summary = {
    rows: { total: REPORT_ROWS, updated: REPORT_ROWS },
    options: { blind: false },
    status: 'completed',
    finishedAt: '',
    requests: { sent: REPORT_ROWS },
  } as unknown as Summary<unknown>;
  const passes: number[] = [];
  const bare: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    await endOf(folder, 'apply', summary);
    passes.push(performance.now() - started);
    started = performance.now();
    for await (const _ of createReadStream(join(folder, 'report.csv')).pipe(parse({ bom: true, relax_column_count: true }))) void _;
    bare.push(performance.now() - started);
  }

  console.log(`Run ledger, median of ${RUNS} runs`);
  console.log('');
  console.log('| | time |');
  console.log('|---|---:|');
  console.log(`| \`runs\`: read a ledger of ${LEDGER_RUNS.toLocaleString('en-US')} runs whole | ${ms(median(whole))} |`);
  console.log(`| check before a run: the runs of one content, no index yet (read whole, index written) | ${ms(median(cold))} |`);
  console.log(`| check before a run: through the index, 5 runs appended since | ${ms(median(indexed))} |`);
  console.log(`| ratio indexed check / whole read | ${(median(indexed) / median(whole)).toFixed(3)} |`);
  console.log(`| record one run: start and end, each under the lock, forced to disk (median of ${RUNS * 4}) | ${ms(median(recording))} |`);
  console.log(`| end-of-run balances from report.csv, ${REPORT_ROWS.toLocaleString('en-US')} rows updated | ${ms(median(passes))} |`);
  console.log(`| csv-parse alone over the same report.csv (baseline) | ${ms(median(bare))} |`);
  console.log(`| ratio balances / csv-parse alone | ${(median(passes) / median(bare)).toFixed(2)} |`);
} finally {
  await rm(work, { recursive: true, force: true });
}

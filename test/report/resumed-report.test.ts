import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Columns } from '../../src/core/columns.js';
import { mulberry32 } from '../../src/mock/faults.js';
import { openInput, readDataRows } from '../../src/read/data-rows.js';
import type { CsvRecord } from '../../src/read/csv-records.js';
import type { RowOutcome } from '../../src/report/outcome.js';
import { AppendBatch } from '../../src/report/append-batch.js';
import { markResent } from '../../src/report/resent-note.js';
import { csvCell } from '../../src/report/csv-text.js';
import { ReportWriter } from '../../src/report/report-writer.js';
import { RunFolder } from '../../src/report/run-folder.js';
import { ROW_REPORT } from '../../src/report/schema.js';
import { SentLog } from '../../src/report/sent-log.js';
import { readHeader } from '../../src/validate/header.js';
import { tempDir } from '../helpers.js';

/**
 * A resumed run's report, byte for byte. The files two killed sessions leave
 * are planted, deterministically: an input of `rows` rows (quoted names
 * spanning lines, formula-like and accented text, rows with the wrong number
 * of cells, blank lines, an old `error` column that is not carried), a
 * report.csv with each session's records in the order rows finished
 * (updated, failed, invalid, skipped; rows in flight at a kill resent and
 * flagged by the next session; a last record cut short inside a quoted field
 * that spans lines) and a sent.log (settled lines, a last line cut short,
 * zeros a power cut left). A third session loads them, appends what a
 * session appends, and compacts the report.
 *
 * The expected figures and SHA-256 digests are what the implementation
 * before issue 14 (main at 1e7a398: report.csv read whole and parsed with
 * csv-parse, compacted by reading the input again) made of these very files:
 * this test was run on that code to take them. Any change to how a resumed
 * run reads its report back or rewrites it that moves one byte fails here.
 * Since issue 26 the input's cells are guarded against spreadsheets'
 * formulas as ti-credits' own are (`'=SUM(A50)`): the digests were taken
 * again, and the files compared with that code's, differing only there.
 * Since issue 22 both files have a `code` column after `error`: the rows
 * planted carry codes, the digests are of the files with that column taken
 * out (so still those of that code), and every code is checked apart.
 */
interface Expected {
  readonly updated: number;
  readonly updatedDigest: string;
  readonly inFlight: readonly number[];
  readonly requests: number;
  readonly report: string;
  readonly failed: string;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** The input's text: `rows` rows, a few of them odd in the ways spreadsheets are. */
function inputText(rows: number, random: () => number): string {
  const lines = ['id,name,expiresOn,currentBalance,error'];
  for (let row = 0; row < rows; row++) {
    const id = `7c1d2e3f-4a5b-4c6d-8e9f-${row.toString(16).padStart(12, '0')}`;
    const pick = random();
    const name =
      pick < 0.02
        ? `"Line one ${row}\nline two"`
        : pick < 0.04
          ? `"Batch, ${row}"`
          : pick < 0.05
            ? `"The ""big"" one ${row}"`
            : pick < 0.06
              ? `=SUM(A${row})`
              : pick < 0.08
                ? `Crédit ${row}`
                : pick < 0.1
                  ? ''
                  : `Batch ${row}`;
    const expiresOn = random() < 0.2 ? '' : '2027-03-31T23:59:59.000Z';
    const balance = random() < 0.1 ? '' : String(row % 7000);
    const leftover = random() < 0.01 ? 'an earlier run failed' : '';
    const shape = random();
    if (shape < 0.001) lines.push(`${id},${name},${expiresOn}`);
    else if (shape < 0.002) lines.push(`${id},${name},${expiresOn},${balance},${leftover},extra`);
    else lines.push(`${id},${name},${expiresOn},${balance},${leftover}`);
    if (random() < 0.001) lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** The input's records as the reader numbers them. */
async function readRecords(path: string): Promise<{ columns: Columns; records: CsvRecord[] }> {
  const rows = await readDataRows(await openInput(path, {}));
  const columns = readHeader(path, rows.header as CsvRecord);
  const records: CsvRecord[] = [];
  for await (const batch of rows.batches) records.push(...batch);
  return { columns, records };
}

/** Records in the order rows finish: about in file order, up to `window` places apart. */
function finishOrder<T>(items: readonly T[], random: () => number, window: number): T[] {
  return items
    .map((item, index) => ({ item, key: index + random() * window }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

/** What one session makes of a row: deterministic in `random`, plausible in every column. */
function outcomeOf(record: CsvRecord, columns: Columns, random: () => number, session: number): RowOutcome {
  const { line, cells } = record;
  if (cells.length !== columns.names.length)
    return {
      line,
      outcome: 'invalid',
      cells,
      attempts: 0,
      error: `the row has ${cells.length} cells but the header has ${columns.names.length}`,
      code: 'TIC-ROW-WIDTH',
    };
  const sent = { ...(cells[1] === '' ? {} : { name: cells[1] ?? '' }), ...(cells[3] === '' ? {} : { currentBalance: Number(cells[3]) }) };
  const pick = random();
  if (pick < 0.85) {
    const result = {
      id: cells[0] ?? '',
      name: pick < 0.01 ? `-${cells[1] ?? ''}` : (cells[1] ?? ''),
      expiresOn: '2027-03-31T23:59:59.000Z',
      startingBalance: 500,
      currentBalance: Number(cells[3] ?? 0),
      clientId: 'c0ffee00-0000-4000-8000-000000000001',
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: `2026-11-2${session}T10:00:00.000Z`,
      creditAccountId: '+acct',
      allocatedCredits: 0,
    };
    return { line, outcome: 'updated', cells, attempts: 1 + Math.floor(random() * 3), httpStatus: 200, sent, result };
  }
  if (pick < 0.95)
    return {
      line,
      outcome: 'failed',
      cells,
      attempts: 1 + Math.floor(random() * 6),
      httpStatus: 503,
      sent,
      error: 'the API answered 503: "busy, try again", 2 s',
      code: 'TIC-API-5XX',
    };
  if (pick < 0.98)
    return {
      line,
      outcome: 'failed',
      cells,
      attempts: 1,
      httpStatus: 422,
      sent,
      error: '=the API refused the row: currentBalance too large',
      code: 'TIC-API-422',
    };
  return {
    line,
    outcome: 'skipped',
    cells,
    attempts: 0,
    sent,
    error: 'not sent because the run stopped: the API looks unavailable',
    code: 'TIC-SKIPPED-RUN-STOPPED',
  };
}

/**
 * One session over the rows it has to do, in finish order: each valid row
 * journalled before it is sent, a row the last session left in flight
 * flagged and settled. Killed after `share` of them: the last `inFlight`
 * sent have no record.
 */
function session(
  report: ReportWriter,
  sent: SentLog,
  todo: readonly CsvRecord[],
  columns: Columns,
  resentLines: ReadonlySet<number>,
  random: () => number,
  number: number,
  share: number,
  inFlight: number,
): void {
  const ordered = finishOrder(todo, random, 32);
  const end = Math.round(ordered.length * share);
  ordered.slice(0, end).forEach((record, index) => {
    const outcome = outcomeOf(record, columns, random, number);
    if (outcome.outcome !== 'invalid' && outcome.attempts > 0) void sent.record(record.line);
    if (index >= end - inFlight && outcome.outcome !== 'invalid' && outcome.attempts > 0) return;
    const row = resentLines.has(record.line) ? markResent(outcome, 1) : outcome;
    report.write(row);
    if (row !== outcome) sent.settle(record.line, 1);
  });
}

/** Plants the run folder two killed sessions leave, then runs the third to its end; returns what it loaded and the final files. */
async function resumeRun(rows: number, excel: boolean): Promise<Expected> {
  const dir = await tempDir();
  const random = mulberry32(14);
  const input = join(dir, 'input.csv');
  writeFileSync(input, inputText(rows, random));
  const { columns, records } = await readRecords(input);

  const batch = new AppendBatch(() => {});
  const first = { report: new ReportWriter(dir, columns, { batch, excel }), sent: new SentLog(dir, batch) };
  session(first.report, first.sent, records, columns, new Set(), random, 1, 0.8, 12);
  first.report.close();
  first.sent.close();
  // A run folder holds run.json: what it was started with (only its shape matters here).
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ command: 'apply', startedAt: '', input: { path: input, size: 0, sha256: '' }, target: null, options: {} }),
  );
  const reopened = await RunFolder.reopen(dir, new Date());
  const afterFirst = reopened.loadPrior(columns, ROW_REPORT);
  reopened.release();
  const second = { report: new ReportWriter(dir, columns, { batch, append: true, excel }), sent: new SentLog(dir, batch) };
  session(
    second.report,
    second.sent,
    records.filter((record) => !afterFirst.updated.has(record.line)),
    columns,
    new Set(afterFirst.inFlight),
    random,
    2,
    0.7,
    9,
  );
  second.report.close();
  second.sent.close();
  // The second session is killed while writing a record whose name spans lines, and while journalling a row.
  const spanning = records.find((record) => record.cells[1]?.includes('\n') === true) as CsvRecord;
  appendFileSync(
    join(dir, 'report.csv'),
    `${spanning.line},updated,200,1,,,${spanning.cells[0]},"${(spanning.cells[1] ?? '').slice(0, (spanning.cells[1] ?? '').indexOf('\n') + 3)}`,
  );
  appendFileSync(join(dir, 'sent.log'), `${spanning.line}\n${spanning.line + 1}`);
  appendFileSync(join(dir, 'sent.log'), Buffer.alloc(6));

  const folder = await RunFolder.reopen(dir, new Date());
  const prior = folder.loadPrior(columns, ROW_REPORT);
  const report = folder.openReport(columns, { schema: ROW_REPORT, durable: true, excel });
  const sent = folder.openSentLog();
  session(
    report,
    sent,
    records.filter((record) => !prior.updated.has(record.line)),
    columns,
    new Set(prior.inFlight),
    random,
    3,
    1,
    0,
  );
  report.close();
  sent.close();
  await folder.compactReport(async () => (await readDataRows(await openInput(input, {}))).batches, columns, { schema: ROW_REPORT, excel });
  folder.release();

  const updated = [...prior.updated].sort((a, b) => a - b);
  return {
    updated: updated.length,
    updatedDigest: sha256(updated.join(',')),
    inFlight: [...prior.inFlight].sort((a, b) => a - b),
    requests: prior.requests,
    report: sha256(withoutCodes(readFileSync(join(dir, 'report.csv'), 'utf8'), 'report')),
    failed: sha256(withoutCodes(readFileSync(join(dir, 'failed.csv'), 'utf8'), 'failed')),
  };
}

/** The code each planted row carries, by what its `error` says (RESENT_NOTE may come before it). */
function plantedCode(error: string): string {
  if (error === '') return '';
  if (error.includes('cells but the header has')) return 'TIC-ROW-WIDTH';
  if (error.includes('answered 503')) return 'TIC-API-5XX';
  if (error.includes('the API refused the row')) return 'TIC-API-422';
  if (error.includes('the run stopped')) return 'TIC-SKIPPED-RUN-STOPPED';
  // A resent row's note alone: an updated row's, which has no code.
  return '';
}

/**
 * The file as it was before it had a `code` column (report.csv's sixth,
 * failed.csv's last), after checking that every record's code is its
 * error's: the bytes of every other cell are left as they are.
 */
function withoutCodes(text: string, file: 'report' | 'failed'): string {
  const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
  const records = parse(text.slice(bom.length), { raw: true, relax_column_count: true }) as unknown as { record: string[]; raw: string }[];
  let out = bom;
  records.forEach(({ record, raw }, index) => {
    const at = file === 'report' ? 5 : record.length - 1;
    const error = record[at - 1] ?? '';
    const code = record[at] ?? '';
    assert.equal(code, index === 0 ? 'code' : plantedCode(error), `${file}.csv record ${index + 1}: ${error}`);
    // Where the code cell starts: after the cells before it, as csvText writes them.
    const from = record.slice(0, at).map(csvCell).join(',').length;
    assert.equal(raw.slice(from, from + 1 + code.length), `,${code}`);
    out += raw.slice(0, from) + raw.slice(from + 1 + code.length);
  });
  return out;
}

describe('a resumed run of 100,000 rows', () => {
  it('loads what its earlier sessions did and ends with the report.csv and failed.csv it always did', async () => {
    assert.deepEqual(await resumeRun(100_000, false), {
      updated: 86843,
      updatedDigest: '4ab88eaa3d47902ed57bb081a6ddb5305017c3296b7897736836b4c83935801e',
      inFlight: [23, 92230, 92231, 92232, 92236, 92240, 92241, 92243, 92245, 92249],
      requests: 212539,
      report: 'e2b32615b5ef2795c088902b4daa2f223a94c3ac5ba52b2cdfacaec951e61689',
      failed: '2842ae19ad4d95ac8d26a928c4631c2cde8d056ef4ca0fac9a324fff085a04db',
    });
  });
  it('does the same with --excel (a byte order mark before the header)', async () => {
    assert.deepEqual(await resumeRun(2_000, true), {
      updated: 1722,
      updatedDigest: 'd59108e22b4d0ce44816f624a5a7c3132284f0a366a61ffc92daaa72d31644bc',
      inFlight: [23, 1831, 1835, 1836, 1837, 1845, 1846, 1847, 1855, 1856],
      requests: 4265,
      report: 'ffbdc1fd5673b9245be84edd951a75f8618abc484eb7e12eeb367a2b31076a1b',
      failed: '20a612b7e2cfa6f63318e12313b1323f11f3763e377acf8e6cb7fb2992a166d8',
    });
  });
});

import { createReadStream, existsSync, readFileSync, renameSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseAsync } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Columns } from '../core/columns.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { BASELINE_FILE } from './baseline-file.js';
import { TiError } from '../core/errors.js';
import type { Outcome, RowOutcome } from './outcome.js';
import { FAILED_FILE, REPORT_FILE, ReportWriter } from './report-writer.js';
import { INPUT_COLUMNS, reportHeader, ROW_REPORT, type RecordedOutcome, type ReportSchema } from './schema.js';

/** What report.csv of an earlier run says about one input line: its latest record, and every request made for it. */
export interface RecordedRow {
  /** The latest record, as the schema reads it back. */
  readonly latest: RecordedOutcome;
  readonly outcome: Outcome;
  /** Requests over every record of the line. */
  readonly attempts: number;
  /** Records with at least one request: answers received. */
  readonly answered: number;
  /** Whether some record says the row was in flight when a run died. */
  readonly resent: boolean;
}

export const RESENT_NOTE = 'resent after interruption: an earlier request was sent but its answer never recorded, so the API may have applied this row twice';

/** A row that was in flight when the run died, as the resumed run records it: the lost request counts, and the report says so. */
export function markResent(row: RowOutcome): RowOutcome {
  return { ...row, attempts: row.attempts + 1, error: row.error === undefined ? RESENT_NOTE : `${RESENT_NOTE}; ${row.error}` };
}

/**
 * Reads the report.csv of an interrupted run: one or more records per input
 * line, in the order rows finished. A crash or power cut may have cut the
 * last record short; it is dropped, and the file truncated after the last
 * complete record so that new records can follow it. Anything else amiss
 * means the file cannot be trusted, and the run is not resumed.
 */
export function readRecordedReport(folder: string, columns: Columns, schema: ReportSchema = ROW_REPORT): Map<number, RecordedRow> {
  const path = join(folder, REPORT_FILE);
  const expected = reportHeader(schema, columns);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw damaged(path, (error as Error).message);
  }
  const { records, bytes } = completeRecords(text);
  if (bytes < Buffer.byteLength(text)) truncateSync(path, bytes);
  const [header, ...rows] = records;
  if (header === undefined) return new Map();
  if (header.join(',') !== expected.join(',')) throw damaged(path, 'its columns are not those of this file');

  const recorded = new Map<number, RecordedRow>();
  rows.forEach((record, index) => {
    const latest = record.length === expected.length ? readRecord(schema, columns, record) : undefined;
    if (latest?.line === undefined || latest.outcome === undefined || latest.attempts === undefined) {
      throw damaged(path, `record ${index + 2} is not one ti-credits wrote`);
    }
    const earlier = recorded.get(latest.line);
    recorded.set(latest.line, {
      latest,
      outcome: latest.outcome,
      attempts: (earlier?.attempts ?? 0) + latest.attempts,
      answered: (earlier?.answered ?? 0) + (latest.attempts > 0 ? 1 : 0),
      // The report is the only lasting record of it; the note is ti-credits' own text.
      resent: earlier?.resent === true || (latest.error ?? '').startsWith(RESENT_NOTE),
    });
  });
  return recorded;
}

/** A record read back through the schema's columns; undefined when a cell cannot be one ti-credits wrote. */
function readRecord(schema: ReportSchema, columns: Columns, record: readonly string[]): RecordedOutcome | undefined {
  const row: RecordedOutcome = {};
  let at = 0;
  for (const column of schema.columns) {
    if (column === INPUT_COLUMNS) {
      at += columns.carried.length;
      continue;
    }
    if (!column.read(record[at] ?? '', row)) return undefined;
    at++;
  }
  return row;
}

/** The records of `text` up to the last one that is complete, and how many bytes they take. */
function completeRecords(text: string): { records: string[][]; bytes: number } {
  // Every record ti-credits writes ends with a newline: whatever follows the last one is a cut-off record.
  let kept = text.replace(/\0+$/, '');
  kept = kept.slice(0, kept.lastIndexOf('\n') + 1);
  for (;;) {
    try {
      // An --excel report starts with a byte order mark; it stays in the byte count, as it stays in the file.
      const records = parse(kept, { bom: true, relax_column_count: true }) as string[][];
      return { records, bytes: Buffer.byteLength(kept) };
    } catch {
      // A record cut inside a quoted field that spans lines: drop lines until what is left parses.
      kept = kept.slice(0, kept.lastIndexOf('\n', kept.length - 2) + 1);
    }
  }
}

function damaged(path: string, why: string): TiError {
  return new TiError('invalid', `${path} cannot be read back (${why}), so the run cannot be resumed safely.`, {
    hint: 'Send the rows not updated (failed.csv, and the rows report.csv does not list) in a new run instead.',
  });
}

/**
 * Rewrites report.csv and failed.csv of a resumed run as one run: one record
 * per input line in file order, the latest outcome, every request counted.
 * `rows` are the input's data records, read again for each row's cells as
 * given. Both files are replaced only once complete.
 */
export async function compactReport(rows: AsyncIterable<readonly { readonly line: number; readonly cells: string[] }[]>, folder: string, columns: Columns, excel: boolean, schema: ReportSchema = ROW_REPORT): Promise<void> {
  const recorded = readRecordedReport(folder, columns, schema);
  const files = { report: `${REPORT_FILE}.tmp`, failed: `${FAILED_FILE}.tmp` };
  const writer = new ReportWriter(folder, columns, { files, excel, schema });
  for await (const batch of rows) {
    for (const { line, cells } of batch) {
      const row = recorded.get(line);
      if (row !== undefined) writer.write(asOutcome(line, cells, row));
    }
  }
  writer.close();
  renameSync(join(folder, files.report), join(folder, REPORT_FILE));
  renameSync(join(folder, files.failed), join(folder, FAILED_FILE));
}

/** A recorded row as the writer takes it: the latest record, every request counted. */
function asOutcome(line: number, cells: string[], row: RecordedRow): RowOutcome {
  const latest = row.latest.error ?? '';
  // A later record of a resent row must not hide that it may have been applied twice.
  const error = row.resent && !latest.startsWith(RESENT_NOTE) ? (latest === '' ? RESENT_NOTE : `${RESENT_NOTE}; ${latest}`) : latest;
  return { ...row.latest, line, outcome: row.outcome, cells, attempts: row.attempts, error: error === '' ? undefined : error };
}

/** A row a run recorded `updated`, with what it wrote and, where known, its client. */
export interface UpdatedRow {
  readonly line: number;
  readonly id: string;
  readonly clientId: string | undefined;
  readonly written: CreditBatchUpdate;
}

/**
 * The rows a finished run updated, from its report.csv: their id and
 * clientId (input columns, any letter case), what was sent; a client the
 * report does not name is taken from baseline.csv when the run wrote one.
 */
export async function readUpdatedRows(folder: string): Promise<UpdatedRow[]> {
  const clients = await baselineClients(folder);
  const rows: UpdatedRow[] = [];
  // A run refused before it read a row has no report, and updated nothing.
  if (!existsSync(join(folder, REPORT_FILE))) return rows;
  let header: { line: number; outcome: number; sent: number; id: number; clientId: number } | undefined;
  for await (const record of createReadStream(join(folder, REPORT_FILE)).pipe(parseAsync({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    if (header === undefined) {
      const at = (name: string): number => record.findIndex((cell) => cell.trim().toLowerCase() === name.toLowerCase());
      header = { line: at('line'), outcome: at('outcome'), sent: at('sent'), id: at('id'), clientId: at('clientId') };
      if (header.line < 0 || header.outcome < 0 || header.sent < 0 || header.id < 0) throw damaged(join(folder, REPORT_FILE), 'it lacks the line, outcome, sent or id column');
      continue;
    }
    if (record[header.outcome] !== 'updated') continue;
    const line = Number(record[header.line]);
    const sent = record[header.sent] ?? '';
    let written: CreditBatchUpdate;
    try {
      written = JSON.parse(sent === '' ? '{}' : sent) as CreditBatchUpdate;
    } catch {
      throw damaged(join(folder, REPORT_FILE), `the sent cell of line ${line} is not JSON`);
    }
    const clientCell = header.clientId < 0 ? '' : (record[header.clientId] ?? '').trim();
    rows.push({ line, id: (record[header.id] ?? '').trim(), clientId: clientCell === '' ? clients.get(line) : clientCell, written });
  }
  return rows;
}

/** The client of each line baseline.csv records; empty when the run wrote none (a blind run). */
async function baselineClients(folder: string): Promise<Map<number, string>> {
  const clients = new Map<number, string>();
  const path = join(folder, BASELINE_FILE);
  if (!existsSync(path)) return clients;
  for await (const record of createReadStream(path).pipe(parseAsync({ from_line: 2 })) as AsyncIterable<string[]>) {
    clients.set(Number(record[0]), record[2] ?? '');
  }
  return clients;
}

/** A row of a finished run not updated (nor already as asked), with why, from its report.csv. */
export interface ProblemRow {
  readonly line: number;
  readonly id: string;
  readonly outcome: string;
  readonly error: string;
}

/** Every row of a finished run's report.csv that is neither updated nor unchanged, in the report's order. */
export async function readProblemRows(folder: string): Promise<ProblemRow[]> {
  const rows: ProblemRow[] = [];
  const path = join(folder, REPORT_FILE);
  if (!existsSync(path)) return rows;
  let header: { line: number; outcome: number; error: number; id: number } | undefined;
  for await (const record of createReadStream(path).pipe(parseAsync({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    if (header === undefined) {
      const at = (name: string): number => record.findIndex((cell) => cell.trim().toLowerCase() === name.toLowerCase());
      header = { line: at('line'), outcome: at('outcome'), error: at('error'), id: at('id') };
      continue;
    }
    const outcome = record[header.outcome] ?? '';
    if (outcome === 'updated' || outcome === 'unchanged') continue;
    rows.push({ line: Number(record[header.line]), id: (record[header.id] ?? '').trim(), outcome, error: record[header.error] ?? '' });
  }
  return rows;
}

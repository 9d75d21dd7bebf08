import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseAsync } from 'csv-parse';
import {
  API_COLUMN_PREFIX,
  BASELINE_COLUMN_PREFIX,
  CODE_COLUMN,
  ERROR_COLUMN,
  LIVE_COLUMN_PREFIX,
  READ_UPDATED_AT_COLUMN,
  SENT_COLUMN,
} from '../core/columns.js';
import { UPDATABLE_FIELDS, type CreditBatchUpdate, type UpdatableField } from '../core/credit-batch.js';
import type { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';
import { BASELINE_FILE } from './baseline-file.js';
import { REPORT_FILE } from './report-writer.js';
import { GUARDED_REPORT, INPUT_COLUMNS, restoreFormula, type OwnColumn, type RecordedOutcome } from './schema.js';

/**
 * A finished run's report.csv read back for what it records: the rows it
 * updated (for undo.csv, verify, reconciliation) and the rows it did not
 * (for report.html). One pass of csv-parse each, a record at a time.
 */

/**
 * Where a report's columns are: ti-credits' own by their exact names (an
 * input column may be called `Sent` or `Baseline.name`, carried as a note,
 * never to be read for what ti-credits wrote), the input's by name in any
 * letter case, as the input's header is read.
 */
interface Lookups {
  own(name: string): number;
  input(name: string): number;
}

/** The records of a run folder's report.csv after its header, with the header's lookups; none when the run wrote no report. */
async function* reportRecords(folder: string): AsyncGenerator<{ readonly lookups: Lookups; readonly record: readonly string[] }> {
  const path = join(folder, REPORT_FILE);
  // A run refused before it read a row has no report.
  if (!existsSync(path)) return;
  let lookups: Lookups | undefined;
  for await (const record of createReadStream(path).pipe(parseAsync({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    if (lookups === undefined) {
      const header = record;
      lookups = { own: (name) => header.indexOf(name), input: (name) => header.findIndex((cell) => cell.trim().toLowerCase() === name.toLowerCase()) };
      continue;
    }
    yield { lookups, record };
  }
}

function damaged(folder: string, why: string): TiError {
  return failure(RUN_FOLDER_WORDS, 'TIC-REPORT-UNREADABLE', { path: join(folder, REPORT_FILE), why });
}

/** A row a run recorded `updated`, with what it wrote and, where known, its client. */
export interface UpdatedRow {
  readonly line: number;
  readonly id: string;
  readonly clientId: string | undefined;
  readonly written: CreditBatchUpdate;
  /**
   * What the fields written held before (`baseline.*`): the plan's values, or
   * for a balance adjusted by a delta, the live balance the delta was added
   * to. Empty for a blind run, which read nothing.
   */
  readonly baseline: CreditBatchUpdate;
  /** The batch's updatedAt as read before the write (readUpdatedAt), as the API wrote it; undefined when not recorded. */
  readonly readUpdatedAt: string | undefined;
  /** The updatedAt and creditAccountId the write's answer gave (api.*). */
  readonly writtenUpdatedAt: string | undefined;
  readonly creditAccountId: string | undefined;
  /** The batch's name as the write's answer gave it (api.name). */
  readonly batchName: string | undefined;
}

/** The rows a finished run updated, from its report.csv (see updatedRows), all at once. */
export async function readUpdatedRows(folder: string): Promise<UpdatedRow[]> {
  const rows: UpdatedRow[] = [];
  for await (const row of updatedRows(folder)) rows.push(row);
  return rows;
}

/**
 * The rows a finished run updated, from its report.csv, in its order: their
 * id and clientId (input columns, any letter case), what was sent, and the
 * baseline it replaced; a client the report does not name is taken from
 * baseline.csv when the run wrote one.
 */
export async function* updatedRows(folder: string): AsyncGenerator<UpdatedRow> {
  const clients = await baselineClients(folder);
  let header:
    | {
        line: number;
        outcome: number;
        sent: number;
        id: number;
        clientId: number;
        readUpdatedAt: number;
        writtenUpdatedAt: number;
        creditAccountId: number;
        batchName: number;
        baseline: { readonly at: number; readonly column: OwnColumn }[];
      }
    | undefined;
  for await (const { lookups, record } of reportRecords(folder)) {
    if (header === undefined) {
      const { own, input } = lookups;
      // The baseline cells are read back as the schema that wrote them reads them (a name starting with `=` was written `'=`).
      const baseline = GUARDED_REPORT.columns.flatMap((column) =>
        column !== INPUT_COLUMNS && column.name.startsWith(BASELINE_COLUMN_PREFIX) && own(column.name) >= 0 ? [{ at: own(column.name), column }] : [],
      );
      header = {
        line: own('line'),
        outcome: own('outcome'),
        sent: own('sent'),
        id: input('id'),
        clientId: input('clientId'),
        readUpdatedAt: own(READ_UPDATED_AT_COLUMN),
        writtenUpdatedAt: own(`${API_COLUMN_PREFIX}updatedAt`),
        creditAccountId: own(`${API_COLUMN_PREFIX}creditAccountId`),
        batchName: own(`${API_COLUMN_PREFIX}name`),
        baseline,
      };
      if (header.line < 0 || header.outcome < 0 || header.sent < 0 || header.id < 0) throw damaged(folder, 'it lacks the line, outcome, sent or id column');
    }
    if (record[header.outcome] !== 'updated') continue;
    const line = Number(record[header.line]);
    const sent = record[header.sent] ?? '';
    let written: CreditBatchUpdate;
    try {
      written = JSON.parse(sent === '' ? '{}' : sent) as CreditBatchUpdate;
    } catch {
      throw damaged(folder, `the sent cell of line ${line} is not JSON`);
    }
    const before: RecordedOutcome = {};
    for (const { at, column } of header.baseline) {
      if (!column.read(record[at] ?? '', before)) throw damaged(folder, `the ${column.name} cell of line ${line} is not one ti-credits wrote`);
    }
    // Every cell is guarded against spreadsheets' formulas, the input's too (see core/formula-guard.ts).
    const clientCell = header.clientId < 0 ? '' : restoreFormula(record[header.clientId] ?? '').trim();
    // ti-credits' own cells, written with a leading apostrophe where a spreadsheet would take them for a formula.
    const own = (at: number): string | undefined => (at < 0 || (record[at] ?? '') === '' ? undefined : restoreFormula(record[at] ?? ''));
    yield {
      line,
      id: restoreFormula(record[header.id] ?? '').trim(),
      clientId: clientCell === '' ? clients.get(line) : clientCell,
      written,
      baseline: before.baseline ?? {},
      readUpdatedAt: own(header.readUpdatedAt),
      writtenUpdatedAt: own(header.writtenUpdatedAt),
      creditAccountId: own(header.creditAccountId),
      batchName: own(header.batchName),
    };
  }
}

/** The client of each line baseline.csv records; empty when the run wrote none (a blind run). */
async function baselineClients(folder: string): Promise<Map<number, string>> {
  const clients = new Map<number, string>();
  const path = join(folder, BASELINE_FILE);
  if (!existsSync(path)) return clients;
  for await (const record of createReadStream(path).pipe(parseAsync({ from_line: 2 })) as AsyncIterable<string[]>) {
    clients.set(Number(record[0]), restoreFormula(record[2] ?? ''));
  }
  return clients;
}

/** A row of a finished run not updated (nor already as asked), with why, from its report.csv. */
export interface ProblemRow {
  readonly line: number;
  readonly id: string;
  readonly outcome: string;
  readonly error: string;
  /** The codes of what `error` says; empty in a report written before reports had them. */
  readonly code: string;
  readonly baseline?: CreditBatchUpdate | null;
  readonly live?: CreditBatchUpdate | null;
  readonly target?: CreditBatchUpdate | null;
}

/**
 * Every row of a finished run's report.csv that is neither updated nor
 * unchanged, in the report's order; a row the run compared with its batch
 * (drifted, uncertain) with the values its report holds: what the change
 * was made from, what the batch held, and what was asked.
 */
export async function readProblemRows(folder: string): Promise<ProblemRow[]> {
  const rows: ProblemRow[] = [];
  let header: { line: number; outcome: number; error: number; code: number; id: number; sent: number; baseline: ValueCells; live: ValueCells } | undefined;
  for await (const { lookups, record } of reportRecords(folder)) {
    header ??= {
      line: lookups.own('line'),
      outcome: lookups.own('outcome'),
      error: lookups.own(ERROR_COLUMN),
      code: lookups.own(CODE_COLUMN),
      id: lookups.input('id'),
      sent: lookups.own(SENT_COLUMN),
      baseline: valueCells(lookups, BASELINE_COLUMN_PREFIX),
      live: valueCells(lookups, LIVE_COLUMN_PREFIX),
    };
    const outcome = record[header.outcome] ?? '';
    if (outcome === 'updated' || outcome === 'unchanged') continue;
    const row: ProblemRow = {
      line: Number(record[header.line]),
      id: restoreFormula(record[header.id] ?? '').trim(),
      outcome,
      error: restoreFormula(record[header.error] ?? ''),
      code: header.code < 0 ? '' : (record[header.code] ?? ''),
    };
    if (outcome !== 'drifted' && outcome !== 'uncertain') rows.push(row);
    else rows.push({ ...row, baseline: valuesIn(record, header.baseline), live: valuesIn(record, header.live), target: sentIn(record[header.sent]) });
  }
  return rows;
}

/** Where a report's cells of one set of values are (`baseline.name`…), by field; -1 when it has none. */
type ValueCells = readonly (readonly [UpdatableField, number])[];

function valueCells(lookups: Lookups, prefix: string): ValueCells {
  return UPDATABLE_FIELDS.map((field) => [field, lookups.own(`${prefix}${field}`)] as const);
}

/** The values a row's cells hold, as the report wrote them; null when it holds none. */
function valuesIn(record: readonly string[], cells: ValueCells): CreditBatchUpdate | null {
  const values: Record<string, string | number> = {};
  for (const [field, at] of cells) {
    const cell = at < 0 ? '' : (record[at] ?? '');
    if (cell === '') continue;
    const text = restoreFormula(cell);
    values[field] = field === 'currentBalance' && /^\d{1,16}$/.test(text) ? Number(text) : text;
  }
  return Object.keys(values).length === 0 ? null : (values as CreditBatchUpdate);
}

function sentIn(cell: string | undefined): CreditBatchUpdate | null {
  if (cell === undefined || cell === '') return null;
  try {
    return JSON.parse(cell) as CreditBatchUpdate;
  } catch {
    return null;
  }
}

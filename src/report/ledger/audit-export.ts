import { rename, rm } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import type ExcelJS from 'exceljs';
import type { UpdatableField } from '../../core/credit-batch.js';
import { AtomicCsvFile } from '../atomic-csv-file.js';
import { updatedRows } from '../report-rows.js';
import { neutraliseFormula } from '../schema.js';
import type { LedgerRecord } from './record.js';

/** The audit file's columns: one row per field a run changed. */
export const AUDIT_COLUMNS = ['run', 'timeWritten', 'operator', 'approver', 'instance', 'client', 'batchId', 'batchName', 'field', 'old', 'new'] as const;

/** One field changed, as the audit file lists it. */
export interface AuditRow {
  readonly run: string;
  /** The batch's updatedAt as the write's answer gave it (server time); '' when not recorded. */
  readonly timeWritten: string;
  readonly operator: string;
  readonly approver: string;
  readonly instance: string;
  readonly client: string;
  readonly batchId: string;
  readonly batchName: string;
  readonly field: UpdatableField;
  /** What it held before (the baseline): unknown for a blind run (''). */
  readonly old: string | number;
  readonly new: string | number;
}

/** What the audit file holds, to say it. */
export interface AuditFigures {
  readonly runs: number;
  readonly rows: number;
  /** Σ (new − old) over the currentBalance rows whose old value is known: each run's net, added up. */
  readonly net: bigint;
}

/**
 * Every field each run changed, read from its report.csv (a row `updated`:
 * its `sent` against its `baseline.*`), in the order of the runs given and
 * of each report: the figures are the reports' own, so that they tie out.
 */
export async function* auditRows(runs: readonly { readonly record: LedgerRecord; readonly folder: string }[]): AsyncGenerator<AuditRow> {
  for (const { record, folder } of runs) {
    for await (const row of updatedRows(folder)) {
      for (const field of Object.keys(row.written) as UpdatableField[]) {
        const written = row.written[field];
        if (written === undefined) continue;
        yield {
          run: record.id,
          timeWritten: row.writtenUpdatedAt ?? '',
          operator: record.operator ?? '',
          approver: record.approvedBy ?? '',
          instance: record.instance ?? '',
          client: row.clientId ?? '',
          batchId: row.id,
          batchName: row.batchName ?? '',
          field,
          old: row.baseline[field] ?? '',
          new: written,
        };
      }
    }
  }
}

/** Writes the audit file: .xlsx (typed cells) when its name says so, else CSV; whole or not at all. */
export async function writeAudit(path: string, rows: AsyncIterable<AuditRow>): Promise<AuditFigures> {
  return path.toLowerCase().endsWith('.xlsx') ? writeWorkbook(path, rows) : writeCsv(path, rows);
}

function tally(figures: { rows: number; net: bigint; runs: Set<string> }, row: AuditRow): void {
  figures.rows++;
  figures.runs.add(row.run);
  if (row.field === 'currentBalance' && typeof row.old === 'number' && typeof row.new === 'number') figures.net += BigInt(row.new) - BigInt(row.old);
}

async function writeCsv(path: string, rows: AsyncIterable<AuditRow>): Promise<AuditFigures> {
  const file = new AtomicCsvFile(path, [...AUDIT_COLUMNS]);
  const figures = { rows: 0, net: 0n, runs: new Set<string>() };
  try {
    for await (const row of rows) {
      tally(figures, row);
      // Text from the API or a person is written so that a spreadsheet never runs it as a formula.
      file.add(AUDIT_COLUMNS.map((column) => neutraliseFormula(String(row[column]))));
    }
    file.commit();
  } catch (error) {
    file.discard();
    throw error;
  }
  return { runs: figures.runs.size, rows: figures.rows, net: figures.net };
}

async function writeWorkbook(path: string, rows: AsyncIterable<AuditRow>): Promise<AuditFigures> {
  const { default: Excel } = await import('exceljs');
  const partial = `${path}.tmp`;
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('audit');
  const figures = { rows: 0, net: 0n, runs: new Set<string>() };
  try {
    sheet.addRow([...AUDIT_COLUMNS]).commit();
    for await (const row of rows) {
      tally(figures, row);
      const cells = AUDIT_COLUMNS.map((column) => typed(column, row));
      const added = sheet.addRow(cells.map((cell) => cell.value));
      cells.forEach((cell, index) => {
        if (cell.format !== undefined) added.getCell(index + 1).numFmt = cell.format;
      });
      added.commit();
      if (figures.rows % 20 === 0) await setImmediate();
    }
    await workbook.commit();
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { runs: figures.runs.size, rows: figures.rows, net: figures.net };
}

const MOMENT_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"';

/** A cell typed: a moment as a date (its UTC digits shown), a balance as a number, the rest as text. */
function typed(column: (typeof AUDIT_COLUMNS)[number], row: AuditRow): { readonly value: ExcelJS.CellValue; readonly format?: string } {
  const value = row[column];
  if (value === '') return { value: null };
  if (column === 'timeWritten' || ((column === 'old' || column === 'new') && row.field === 'expiresOn')) {
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isNaN(time) ? { value } : { value: new Date(time), format: MOMENT_FORMAT };
  }
  return { value };
}

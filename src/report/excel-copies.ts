import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import type { Columns } from '../core/columns.js';
import type { SheetDate, SheetValue } from '../core/sheet-values.js';
import { FAILED_FILE, REPORT_FILE } from './report-writer.js';
import { INPUT_COLUMNS, restoreFormula, type OwnColumn, type ReportSchema } from './schema.js';

export const REPORT_WORKBOOK = 'report.xlsx';
export const FAILED_WORKBOOK = 'failed.xlsx';

/** The input's cells typed, by column (see validate/sheet-values.ts); `cells` is indexed as the input's header. */
export type InputValues = (cells: readonly string[]) => readonly SheetValue[];

/**
 * Rows written between two turns of the event loop, which let the zip
 * stream take what the sheet has written: exceljs's writer gives no sign of
 * back-pressure, and without them a report would be held whole before it is
 * compressed. The writer alone, writing 200,000 rows of a report in a process
 * of its own: peak RSS 108 MB yielding every 20 rows, 109 MB every 50,
 * 182 MB every 500, 201 MB every 5,000, in the same time.
 */
const ROWS_PER_TURN = 20;

/**
 * report.xlsx and failed.xlsx (--excel): the rows of report.csv and
 * failed.csv once they are complete, in the same order, typed. Written from
 * the CSV files rather than beside them, so that they hold exactly what the
 * CSV files hold however the run ended or was resumed; each appears whole
 * or not at all. exceljs's streaming writer writes each row as it comes, so
 * memory stays flat however long the report.
 */
export async function writeExcelCopies(folder: string, columns: Columns, schema: ReportSchema, inputValues: InputValues): Promise<void> {
  // Loaded only for --excel: exceljs is large, and most runs write CSV alone.
  const { default: Excel } = await import('exceljs');
  const carried = columns.carried;
  const inputOf = (cells: readonly string[], from: number): readonly SheetValue[] => {
    const input: string[] = new Array<string>(columns.names.length).fill('');
    carried.forEach((index, k) => (input[index] = restoreFormula(cells[from + k] ?? '')));
    const typed = inputValues(input);
    return carried.map((index) => typed[index]);
  };
  await copy(Excel, join(folder, REPORT_FILE), join(folder, REPORT_WORKBOOK), 'report', (record) => {
    const values: SheetValue[] = [];
    let at = 0;
    for (const column of schema.columns) {
      if (column === INPUT_COLUMNS) {
        values.push(...inputOf(record, at));
        at += carried.length;
      } else {
        values.push(ownValue(column, record[at] ?? ''));
        at++;
      }
    }
    return values;
  });
  await copy(Excel, join(folder, FAILED_FILE), join(folder, FAILED_WORKBOOK), 'failed', (record) => {
    // The last two cells say why: the error, and its code.
    const cells = record.slice(0, -2);
    const said: SheetValue[] = [restoreFormula(record.at(-2) ?? ''), (record.at(-1) ?? '') === '' ? undefined : record.at(-1)];
    if (cells.length === carried.length) return [...inputOf(cells, 0), ...said];
    // A row with the wrong number of cells goes back as text, its message beyond the error column: a row
    // with a value in a column the header does not name is refused, as its CSV line is, never re-read shifted.
    const values: SheetValue[] = cells.map((cell) => (cell === '' ? undefined : restoreFormula(cell)));
    while (values.length < carried.length + 2) values.push(undefined);
    values.push(...said);
    return values;
  });
}

/** The sheet `name` of `to`: the header of `from` as it is, then each of its records as `values` types it. */
async function copy(Excel: typeof ExcelJS, from: string, to: string, name: string, values: (record: string[]) => readonly SheetValue[]): Promise<void> {
  const partial = `${to}.tmp`;
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(name);
  const records = createReadStream(from).pipe(parse({ bom: true, relax_column_count: true }));
  try {
    let header = true;
    let written = 0;
    for await (const record of records as AsyncIterable<string[]>) {
      const typed: readonly SheetValue[] = header ? record : values(record);
      header = false;
      const row = sheet.addRow(typed.map(excelValue));
      typed.forEach((value, index) => {
        if (typeof value === 'object') row.getCell(index + 1).numFmt = dateFormat(value);
      });
      row.commit();
      if (++written % ROWS_PER_TURN === 0) await setImmediate();
    }
    await workbook.commit();
    await rename(partial, to);
  } catch (error) {
    records.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/** One of ti-credits' own cells, typed as its column says. */
function ownValue(column: OwnColumn, cell: string): SheetValue {
  if (cell === '') return undefined;
  switch (column.sheet) {
    case 'number':
      return /^\d{1,15}$/.test(cell) ? Number(cell) : cell;
    case 'moment':
      return utcMoment(restoreFormula(cell)) ?? restoreFormula(cell);
    case 'message':
      return restoreFormula(cell);
    case undefined:
      return cell;
  }
}

const UTC_MOMENT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** A moment as the API writes one, in UTC. */
function utcMoment(text: string): SheetDate | undefined {
  const match = UTC_MOMENT.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return { kind: 'date', year, month, day, hour, minute, second, millisecond: Number((match[7] ?? '').padEnd(3, '0')), hasTime: true, utc: true };
}

/** A value as exceljs writes it: a date is the instant whose UTC digits are the ones to show, exceljs's own convention. */
function excelValue(value: SheetValue): ExcelJS.CellValue {
  if (value === undefined) return null;
  if (typeof value !== 'object') return value;
  return new Date(Date.UTC(value.year, value.month - 1, value.day, value.hour, value.minute, value.second, value.millisecond));
}

function dateFormat(value: SheetDate): string {
  if (!value.hasTime) return 'yyyy-mm-dd';
  const time = value.millisecond === 0 ? 'hh:mm:ss' : 'hh:mm:ss.000';
  return value.utc ? `yyyy-mm-dd ${time} "UTC"` : `yyyy-mm-dd ${time}`;
}

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { readCsvBatches } from '../../src/read/csv-records.js';
import { sniffLayout, type LayoutChoice } from '../../src/read/layout.js';
import { chooseSheet, readWorkbookBatches, type FilledCell, type WorkbookCell } from '../../src/read/workbook.js';
import { parseExpiresOn } from '../../src/validate/expires-on.js';
import { parseCurrentBalance, parseId, parseName, type Parsed } from '../../src/validate/fields.js';
import { defaultRules, parseDateFormat, type FieldRules } from '../../src/validate/rules.js';
import { parseCurrentBalanceCell, parseExpiresOnCell, parseIdCell, parseNameCell } from '../../src/validate/workbook-cells.js';

/**
 * The workbooks in fixtures/exports were saved as .xlsx by LibreOffice Calc
 * from the sheets beside them (see generate.sh), as were the CSV exports.
 * Read by type, each workbook gives exactly what its CSV export gives, with
 * none of the options the CSV needs: display formats and locales are in the
 * text a CSV holds, not in the values a workbook holds.
 */

const exportsDir = fileURLToPath(new URL('../../../fixtures/exports/', import.meta.url));
const rules = defaultRules(new Date('2026-11-24T12:00:00Z'));
const ID = (n: number): string => `6f1c2a80-3b4d-4e5f-8a9b-0c1d2e3f4a0${n}`;

interface Change {
  name?: string;
  expiresOn?: string;
  currentBalance?: number;
}

const FIELDS = ['name', 'expiresOn', 'currentBalance'] as const;

function value<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) assert.fail(parsed.problem.message);
  return parsed.value;
}

/** What a header's columns are, by field. */
function columnsOf(header: readonly string[]): { id: number } & Partial<Record<(typeof FIELDS)[number], number>> {
  const index = (name: string): number => header.findIndex((cell) => cell.trim().toLowerCase() === name.toLowerCase());
  const columns: { id: number } & Partial<Record<(typeof FIELDS)[number], number>> = { id: index('id') };
  for (const field of FIELDS) if (index(field) >= 0) columns[field] = index(field);
  return columns;
}

async function fromCsv(file: string, fieldRules: FieldRules, layout: LayoutChoice = {}): Promise<Map<string, Change>> {
  const path = `${exportsDir}${file}`;
  const records = [];
  for await (const batch of readCsvBatches(path, await sniffLayout(path, layout))) records.push(...batch);
  const [header, ...rows] = records;
  const columns = columnsOf(header?.cells ?? []);
  const changes = new Map<string, Change>();
  for (const { cells } of rows) {
    const change: Change = {};
    const cell = (field: (typeof FIELDS)[number]): string => cells[columns[field] ?? -1] ?? '';
    if (cell('name') !== '') change.name = value(parseName(cell('name')));
    if (cell('expiresOn') !== '') change.expiresOn = value(parseExpiresOn(cell('expiresOn'), fieldRules));
    if (cell('currentBalance') !== '') change.currentBalance = value(parseCurrentBalance(cell('currentBalance'), fieldRules.thousandsSeparator));
    changes.set(value(parseId(cells[columns.id] ?? '')), change);
  }
  return changes;
}

const isHeader = (cells: string[]): boolean => columnsOf(cells).id >= 0;

async function fromWorkbook(file: string, fieldRules: FieldRules): Promise<{ changes: Map<string, Change>; typed: WorkbookCell[][] }> {
  const path = `${exportsDir}${file}`;
  const records = [];
  for await (const batch of readWorkbookBatches(path, { sheet: await chooseSheet(path, { isHeader }) })) records.push(...batch);
  const [header, ...rows] = records;
  const columns = columnsOf(header?.cells ?? []);
  const changes = new Map<string, Change>();
  for (const { typed } of rows) {
    const change: Change = {};
    const cell = (column: number | undefined): FilledCell | undefined => {
      const found = typed[column ?? -1];
      return found === undefined || found.kind === 'empty' ? undefined : found;
    };
    const name = cell(columns.name);
    const expiresOn = cell(columns.expiresOn);
    const currentBalance = cell(columns.currentBalance);
    if (name !== undefined) change.name = value(parseNameCell(name));
    if (expiresOn !== undefined) change.expiresOn = value(parseExpiresOnCell(expiresOn, fieldRules));
    if (currentBalance !== undefined) change.currentBalance = value(parseCurrentBalanceCell(currentBalance, fieldRules));
    const id = cell(columns.id);
    assert.ok(id !== undefined, 'every row has an id');
    changes.set(value(parseIdCell(id)), change);
  }
  return { changes, typed: records.map((record) => record.typed) };
}

/** What adjustments.fods says, in every export of it. */
const ADJUSTMENTS = new Map<string, Change>([
  [ID(1), { name: 'Société Générale – Paris', expiresOn: '2027-03-31T23:59:59.999Z', currentBalance: 1250 }],
  [ID(2), { name: 'Müller, "Bau" GmbH', currentBalance: 0 }],
  [ID(3), { name: 'Ærø Kommune', expiresOn: '2027-06-30T21:00:00.000Z' }],
  [ID(4), { name: 'Café Zoë; Lyon', expiresOn: '2027-12-31T23:59:59.999Z', currentBalance: 40000 }],
]);

describe('workbooks saved by LibreOffice Calc', () => {
  it('adjustments.xlsx gives what the ISO CSV export gives, dates read as dates and balances as numbers', async () => {
    const csv = await fromCsv('adjustments-utf8.csv', rules);
    assert.deepEqual(csv, ADJUSTMENTS);
    const { changes, typed } = await fromWorkbook('adjustments.xlsx', rules);
    assert.deepEqual(changes, csv);
    assert.deepEqual(
      typed[1]?.map((cell) => cell.kind),
      ['text', 'text', 'date', 'number'],
    );
    // The text cell holding an exact moment is read by the CSV rules.
    assert.equal(typed[3]?.[2]?.kind, 'text');
  });

  it('adjustments-1904.xlsx, the same sheet in the 1904 date system, gives the same dates', async () => {
    assert.deepEqual((await fromWorkbook('adjustments-1904.xlsx', rules)).changes, ADJUSTMENTS);
  });

  it('us-display.xlsx needs neither --date-format nor --thousands-separator, which its CSV export needs', async () => {
    const csv = await fromCsv('us-display.csv', { ...rules, dateFormat: parseDateFormat('MM/DD/YYYY'), thousandsSeparator: ',' });
    assert.deepEqual(
      csv,
      new Map([
        [ID(1), { name: 'Acme Corp', expiresOn: '2027-03-04T23:59:59.999Z', currentBalance: 1250 }],
        [ID(2), { name: 'Globex', expiresOn: '2027-12-31T23:59:59.999Z', currentBalance: 1250000 }],
      ]),
    );
    assert.deepEqual((await fromWorkbook('us-display.xlsx', rules)).changes, csv);
  });

  it('de-display.xlsx needs none of the options of its German CSV export, in any time zone', async () => {
    for (const timezone of ['UTC', 'Europe/Berlin']) {
      const zoned = { ...rules, timezone };
      const csv = await fromCsv(
        'de-display-semicolon.csv',
        { ...zoned, dateFormat: parseDateFormat('DD.MM.YYYY'), thousandsSeparator: '.' },
        { encoding: 'windows-1252' },
      );
      assert.equal(csv.get(ID(1))?.name, 'Müller AG');
      assert.equal(csv.get(ID(2))?.currentBalance, 40000);
      assert.deepEqual((await fromWorkbook('de-display.xlsx', zoned)).changes, csv, timezone);
    }
  });
});

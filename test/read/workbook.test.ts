import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { TiError } from '../../src/core/errors.js';
import {
  chooseSheet,
  describeUnsupportedFile,
  detectFileKind,
  isWorkbook,
  readWorkbookBatches,
  type WorkbookCell,
  type WorkbookRecord,
} from '../../src/read/workbook.js';
import { tempDir } from '../helpers.js';
import { craftWorkbook, streamWithExcelJs, writeWithExcelJs, writeZip, type CraftedWorkbook } from './workbook-files.js';

const HEADER_NAMES = new Set(['name', 'expireson', 'currentbalance']);
/** The test's header: an `id` column and one to change. */
const isHeader = (cells: string[]): boolean =>
  cells.some((cell) => cell.trim().toLowerCase() === 'id') && cells.some((cell) => HEADER_NAMES.has(cell.trim().toLowerCase()));

async function readSheet(path: string, sheet: string): Promise<WorkbookRecord[]> {
  const records: WorkbookRecord[] = [];
  for await (const batch of readWorkbookBatches(path, { sheet })) records.push(...batch);
  return records;
}

/** Reads the sheet chooseSheet settles on. */
async function readChosen(path: string, sheet?: string): Promise<WorkbookRecord[]> {
  return readSheet(path, await chooseSheet(path, { sheet, isHeader }));
}

/** What a cell holds, in a line: `C2 date 2027-03-31` or `D3 number 1250 (formula)`. */
function show(cell: WorkbookCell): string {
  const formula = 'formula' in cell && cell.formula ? ' (formula)' : '';
  switch (cell.kind) {
    case 'text':
    case 'error':
      return `${cell.address} ${cell.kind} ${JSON.stringify(cell.text)}${formula}`;
    case 'number':
    case 'boolean':
      return `${cell.address} ${cell.kind} ${String(cell.value)}${formula}`;
    case 'date': {
      const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
      const time = cell.hasTime ? ` ${pad(cell.hour)}:${pad(cell.minute)}:${pad(cell.second)}.${pad(cell.millisecond, 3)}` : '';
      return `${cell.address} date ${cell.year}-${pad(cell.month)}-${pad(cell.day)}${time}${formula}`;
    }
    case 'empty':
      return `${cell.address} ${cell.kind}${formula}`;
    case 'formula-without-result':
      return `${cell.address} ${cell.kind} =${cell.text}`;
  }
}

const filled = (record: WorkbookRecord): string[] => record.typed.filter((cell) => cell.kind !== 'empty').map(show);

async function refusal(promise: Promise<unknown>): Promise<TiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TiError) return error;
    throw error;
  }
  assert.fail('expected a refusal');
}

const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const header = ['id', 'name', 'expiresOn', 'currentBalance'];

describe('workbook cells', () => {
  it('reads shared strings and inline strings alike, rich text flattened, characters kept', async () => {
    const dir = await tempDir();
    const rows = [
      header,
      [ID, { richText: [{ text: 'Société ', font: { bold: true } }, { text: 'Générale' }] }, '2027-03-31', '1250'],
      [ID, 'a &lt; b <c> & "d"', null, 40],
      [ID, 'two\nlines', 'x', true],
    ];
    const shared = await readChosen(await streamWithExcelJs(dir, 'shared.xlsx', { useSharedStrings: true }, rows));
    const inline = await readChosen(await streamWithExcelJs(dir, 'inline.xlsx', { useSharedStrings: false }, rows));
    assert.deepEqual(inline, shared);
    assert.deepEqual(
      shared.map((record) => record.cells),
      [header, [ID, 'Société Générale', '2027-03-31', '1250'], [ID, 'a &lt; b <c> & "d"', '', '40'], [ID, 'two\nlines', 'x', 'TRUE']],
    );
    assert.deepEqual(filled(shared[2] as WorkbookRecord), [`A3 text ${JSON.stringify(ID)}`, 'B3 text "a &lt; b <c> & \\"d\\""', 'D3 number 40']);
  });

  it('reads a date in the 1904 date system as the day it shows', async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, '1904.xlsx', (workbook) => {
      workbook.properties.date1904 = true;
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(header);
      sheet.addRow([ID, 'Acme', new Date(Date.UTC(2027, 2, 31)), 5]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd';
    });
    const [, row] = await readChosen(path);
    assert.deepEqual(filled(row as WorkbookRecord).slice(2), ['C2 date 2027-03-31', 'D2 number 5']);
  });

  it('reads date1904="true", as LibreOffice writes it, as the 1904 system too', async () => {
    const dir = await tempDir();
    const path = await craftWorkbook(dir, {
      date1904: 'true',
      cellStyles: [0, 14],
      sheets: [{ name: 'changes', rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" s="1"><v>45015</v></c></row>' }],
    });
    assert.deepEqual(filled((await readSheet(path, 'changes'))[0] as WorkbookRecord), ['A1 text "id"', 'B1 date 2027-03-31']);
  });

  it('reads a date and time as the clock it shows, with its time, whatever the time zone of the machine', async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'time.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(header);
      sheet.addRow([ID, 'Acme', new Date(Date.UTC(2027, 2, 31, 17, 30, 15, 250)), 5]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd hh:mm:ss.000';
      sheet.addRow([ID, 'Acme', new Date(Date.UTC(2027, 2, 31, 17, 30)), 5]);
      sheet.getCell('C3').numFmt = 'yyyy-mm-dd';
    });
    const records = await readChosen(path);
    assert.deepEqual(
      records.slice(1).map((record) => [show(record.typed[2] as WorkbookCell), record.cells[2]]),
      [
        ['C2 date 2027-03-31 17:30:15.250', '2027-03-31T17:30:15.250'],
        // The format shows the day alone: the time it hides is not read.
        ['C3 date 2027-03-31', '2027-03-31'],
      ],
    );
    const reader = fileURLToPath(new URL('../../src/read/workbook.js', import.meta.url));
    const script = `const { readWorkbookBatches } = await import(${JSON.stringify(reader)}); for await (const batch of readWorkbookBatches(process.argv[1], { sheet: 'changes' })) for (const record of batch) console.log(record.cells[2]);`;
    for (const zone of ['America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati']) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, path], { env: { ...process.env, TZ: zone } });
      assert.equal(stdout, 'expiresOn\n2027-03-31T17:30:15.250\n2027-03-31\n', `with TZ=${zone}`);
    }
  });

  it('reads a formula by its cached result, and knows one without a result', async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'formulas.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(header);
      sheet.addRow([ID, { formula: 'UPPER("acme")', result: 'ACME' }, { formula: 'DATE(2027,3,31)', result: 46477 }, { formula: '1000+250', result: 1250 }]);
      sheet.getCell('C2').numFmt = 'yyyy-mm-dd';
      sheet.addRow([ID, { formula: 'NA()', result: { error: '#N/A' } }, { formula: 'TODAY()' }, { formula: '1>0', result: true }]);
    });
    const [, calculated, uncalculated] = await readChosen(path);
    assert.deepEqual(filled(calculated as WorkbookRecord).slice(1), ['B2 text "ACME" (formula)', 'C2 date 2027-03-31 (formula)', 'D2 number 1250 (formula)']);
    // exceljs's own stream reader would read D3's TRUE as the number 1 and B3's error as no value.
    assert.deepEqual(filled(uncalculated as WorkbookRecord).slice(1), [
      'B3 error "#N/A" (formula)',
      'C3 formula-without-result =TODAY()',
      'D3 boolean true (formula)',
    ]);
    assert.deepEqual(uncalculated?.cells, [ID, '#N/A', '=TODAY()', 'TRUE']);
  });

  it('numbers records by the sheet rows, skipping rows that are absent or empty, every record as wide as the header', async () => {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'gaps.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.getRow(2).values = header;
      sheet.getRow(3).values = [ID, 'Acme'];
      sheet.getRow(4).getCell(1).numFmt = '0';
      sheet.getRow(6).values = ['', '', '', ''];
      sheet.getRow(8).values = [ID, null, null, 7, 'note'];
    });
    const records = await readChosen(path);
    assert.deepEqual(
      records.map((record) => [record.line, record.cells]),
      [
        [2, header],
        [3, [ID, 'Acme', '', '']],
        [8, [ID, '', '', '7', 'note']],
      ],
    );
    assert.deepEqual(
      records[1]?.typed.map((cell) => cell.address),
      ['A3', 'B3', 'C3', 'D3'],
    );
  });

  it('reads what exceljs never writes: errors, ISO dates, escaped characters, phonetic guides, prefixed tags, built-in formats', async () => {
    const dir = await tempDir();
    const path = await craftWorkbook(dir, {
      // Japanese Excel keeps the reading typed with a name as a phonetic guide; exceljs's stream reader reads it instead of the name.
      sharedStrings: ['<t>id</t>', '<t>line_x000D_break and _x005F_x0041_</t>', '<t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1"/>'],
      numberFormats: { 164: '#,##0 "credits"', 165: 'dd/mm/yyyy hh:mm' },
      cellStyles: [0, 22, 164, 165, 14],
      conditionalDateFormat: 164,
      sheets: [
        {
          name: 'changes',
          rows: [
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>',
            '<row r="2"><c r="A2" t="e"><v>#REF!</v></c><c r="B2" t="d" s="4"><v>2027-03-31T00:00:00</v></c><c r="C2" t="d"><v>2027-03-31T17:00:00</v></c></row>',
            '<row r="3"><c r="A3" s="1"><v>46477.75</v></c><c r="B3" s="2"><v>1250</v></c><c r="C3" s="3"><v>46477.5</v></c><c r="D3" s="9"><v>3</v></c></row>',
            '<row><c t="inlineStr"><is><r><t>in</t></r><rPh><t>skip</t></rPh><r><t xml:space="preserve">line </t></r></is></c><c t="b"><v>0</v></c></row>',
          ].join(''),
        },
      ],
    });
    const records = await readSheet(path, 'changes');
    assert.deepEqual(records.map(filled), [
      ['A1 text "id"', 'B1 text "line\\rbreak and _x0041_"', 'C1 text "漢字"'],
      ['A2 error "#REF!"', 'B2 date 2027-03-31', 'C2 date 2027-03-31 17:00:00.000'],
      ['A3 date 2027-03-31 18:00:00.000', 'B3 number 1250', 'C3 date 2027-03-31 12:00:00.000', 'D3 number 3'],
      ['A4 text "inline "', 'B4 boolean false'],
    ]);
  });

  it('reads a workbook whose tags carry a namespace prefix', async () => {
    const dir = await tempDir();
    const path = join(dir, 'prefixed.xlsx');
    const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const relationships = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    await writeZip(path, [
      [
        'xl/workbook.xml',
        `<x:workbook xmlns:x="${main}" xmlns:rel="${relationships}"><x:sheets><x:sheet name="Données" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>`,
      ],
      [
        'xl/_rels/workbook.xml.rels',
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ],
      [
        'xl/worksheets/sheet1.xml',
        `<x:worksheet xmlns:x="${main}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>id</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>name</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
      ],
    ]);
    assert.deepEqual(
      (await readChosen(path)).map((record) => record.cells),
      [['id', 'name']],
    );
  });
});

describe('what a sheet hides', () => {
  async function hiding(build: Parameters<typeof writeWithExcelJs>[2]): Promise<{ records: WorkbookRecord[]; error: TiError | undefined }> {
    const dir = await tempDir();
    const path = await writeWithExcelJs(dir, 'hiding.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('changes');
      sheet.addRow(header);
      sheet.addRow([ID, 'Acme', null, 1]);
      sheet.addRow([ID, 'Globex', null, 2]);
      build(workbook);
    });
    const records: WorkbookRecord[] = [];
    try {
      for await (const batch of readWorkbookBatches(path, { sheet: 'changes' })) records.push(...batch);
    } catch (error) {
      if (!(error instanceof TiError)) throw error;
      return { records, error };
    }
    return { records, error: undefined };
  }
  const sheetOf = (workbook: Parameters<Parameters<typeof writeWithExcelJs>[2]>[0]) => workbook.getWorksheet('changes')!;

  it('refuses merged cells, naming them, once every row has been read', async () => {
    const { records, error } = await hiding((workbook) => {
      const sheet = sheetOf(workbook);
      sheet.mergeCells('B2:C2');
      sheet.mergeCells('B3:C3');
    });
    assert.equal(records.length, 3);
    assert.equal(error?.kind, 'invalid');
    assert.match(error?.message ?? '', /The sheet "changes" of .*hiding\.xlsx does not show everything it holds: cells B2:C2, B3:C3 are each merged\./);
    assert.match(error?.hint ?? '', /unmerge those cells/);
  });

  it('refuses a hidden row that holds values, but not one that is empty', async () => {
    const { error } = await hiding((workbook) => {
      const sheet = sheetOf(workbook);
      sheet.getRow(3).hidden = true;
      sheet.getRow(9).hidden = true;
    });
    assert.match(error?.message ?? '', /does not show everything it holds: row 3 is hidden\.$/);
  });

  it('refuses a hidden column that holds values, but not the unused columns hidden to tidy the sheet', async () => {
    const { error } = await hiding((workbook) => {
      const sheet = sheetOf(workbook);
      sheet.getColumn(4).hidden = true;
      sheet.getColumn(6).hidden = true;
    });
    assert.match(error?.message ?? '', /does not show everything it holds: column D is hidden\.$/);
    const tidy = await hiding((workbook) => {
      sheetOf(workbook).getColumn(6).hidden = true;
    });
    assert.equal(tidy.error, undefined);
    assert.equal(tidy.records.length, 3);
  });

  it('counts a row or a column of zero size as hidden, and reads hidden="true" as LibreOffice writes it', async () => {
    const dir = await tempDir();
    const cell = (reference: string): string => `<c r="${reference}" t="inlineStr"><is><t>${reference}</t></is></c>`;
    const path = await craftWorkbook(dir, {
      sheets: [
        {
          name: 'changes',
          before: '<cols><col min="2" max="2" width="0" customWidth="1"/><col min="3" max="4" width="12" hidden="true"/></cols>',
          rows: `<row r="1" hidden="false">${cell('A1')}${cell('B1')}</row><row r="2" ht="0" customHeight="1">${cell('A2')}</row><row r="3" hidden="true">${cell('D3')}</row>`,
        },
      ],
    });
    const error = await refusal(readSheet(path, 'changes'));
    assert.match(error.message, /does not show everything it holds: rows 2, 3 are hidden; columns B, D are hidden\.$/);
  });

  it('counts as hidden a row of a sheet whose rows are hidden by default (zeroHeight, or no height by default) that has no height of its own', async () => {
    const dir = await tempDir();
    const cell = (reference: string): string => `<c r="${reference}" t="inlineStr"><is><t>${reference}</t></is></c>`;
    const rows = `<row r="1" ht="15" customHeight="1">${cell('A1')}</row><row r="2" ht="15" customHeight="1">${cell('A2')}</row><row r="3">${cell('A3')}</row>`;
    for (const format of ['<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>', '<sheetFormatPr defaultRowHeight="0"/>']) {
      const path = await craftWorkbook(dir, { sheets: [{ name: 'changes', before: format, rows }] }, `${format.includes('zero') ? 'zero' : 'none'}.xlsx`);
      const error = await refusal(readSheet(path, 'changes'));
      assert.match(error.message, /does not show everything it holds: row 3 is hidden\.$/, format);
    }
    const shown = await craftWorkbook(dir, { sheets: [{ name: 'changes', before: '<sheetFormatPr defaultRowHeight="15"/>', rows }] }, 'shown.xlsx');
    assert.equal((await readSheet(shown, 'changes')).length, 3);
  });

  it('lists ten hidden rows and counts the rest, and every kind of problem at once', async () => {
    const { error } = await hiding((workbook) => {
      const sheet = sheetOf(workbook);
      for (let row = 4; row <= 15; row++) {
        sheet.getRow(row).values = [ID, `Batch ${row}`, null, row];
        sheet.getRow(row).hidden = true;
      }
      sheet.getColumn(2).hidden = true;
      sheet.mergeCells('A20:B20');
    });
    assert.match(error?.message ?? '', /rows 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 2 more are hidden; column B is hidden; cells A20:B20 are merged\.$/);
  });
});

describe('choosing the sheet', () => {
  async function workbookOf(sheets: readonly { readonly name: string; readonly first: readonly string[]; readonly hidden?: boolean }[]): Promise<string> {
    const dir = await tempDir();
    return writeWithExcelJs(dir, 'sheets.xlsx', (workbook) => {
      for (const { name, first, hidden } of sheets) {
        const sheet = workbook.addWorksheet(name, hidden === true ? { state: 'hidden' } : {});
        sheet.getRow(3).values = [...first];
      }
    });
  }

  it('reads the one sheet whose first non-empty row is a header', async () => {
    const path = await workbookOf([
      { name: 'Notes', first: ['Read me first'] },
      { name: 'Changes', first: header },
      { name: 'Old', first: header, hidden: true },
    ]);
    assert.equal(await chooseSheet(path, { isHeader }), 'Changes');
  });

  it('refuses two sheets with the header, listing them and saying how to choose', async () => {
    const path = await workbookOf([
      { name: 'March', first: header },
      { name: 'April changes', first: ['ID', 'currentBalance'] },
    ]);
    const error = await refusal(chooseSheet(path, { isHeader }));
    assert.match(error.message, /has 2 sheets that start with a header row \("March", "April changes"\), so which one holds the changes is not certain\./);
    assert.equal(error.hint, 'Pass --sheet with the name of the one to read, e.g. --sheet "March".');
    assert.equal(await chooseSheet(path, { sheet: 'April changes', isHeader }), 'April changes');
    assert.equal(await chooseSheet(path, { sheet: 'march', isHeader }), 'March');
  });

  it('refuses a workbook where no sheet starts with the header, listing its sheets', async () => {
    const path = await workbookOf([
      { name: 'Notes', first: ['Read me first'] },
      { name: 'Old', first: header, hidden: true },
    ]);
    const error = await refusal(chooseSheet(path, { isHeader }));
    assert.match(error.message, /No sheet of .*sheets\.xlsx starts with a header row \(its sheets: "Notes", "Old" \(hidden\)\)\./);
    assert.match(error.hint ?? '', /Pass --sheet with the name of the sheet holding the changes/);
  });

  it('refuses a --sheet the workbook does not have, listing those it has, or one that is hidden', async () => {
    const path = await workbookOf([
      { name: 'Changes', first: header },
      { name: 'Old', first: header, hidden: true },
    ]);
    const missing = await refusal(chooseSheet(path, { sheet: 'Chnages', isHeader }));
    assert.match(missing.message, /has no sheet named "Chnages"; its sheets are "Changes", "Old" \(hidden\)\./);
    const hidden = await refusal(chooseSheet(path, { sheet: 'Old', isHeader }));
    assert.match(hidden.message, /The sheet "Old" of .* is hidden/);
    assert.match(hidden.hint ?? '', /Unhide it/);
    assert.equal((await refusal(readSheet(path, 'Old'))).message, hidden.message);
  });

  it('takes a first row that shows nothing as empty, reading the shared strings as far as the first rows refer to', async () => {
    const dir = await tempDir();
    const shared = (index: number, column: string, row: number): string => `<c r="${column}${row}" t="s"><v>${index}</v></c>`;
    const path = await craftWorkbook(dir, {
      sharedStrings: ['<t></t>', '<t>Batch 1</t>', '<t>Batch 2</t>', '<t>id</t>', '<t>name</t>', '<t>Notes</t>'],
      sheets: [
        { name: 'Notes', rows: `<row r="1">${shared(5, 'A', 1)}</row>` },
        {
          name: 'Changes',
          rows: `<row r="1">${shared(0, 'A', 1)}${shared(0, 'B', 1)}</row><row r="2">${shared(3, 'A', 2)}${shared(4, 'B', 2)}</row><row r="3">${shared(1, 'B', 3)}</row>`,
        },
      ],
    });
    assert.equal(await chooseSheet(path, { isHeader }), 'Changes');
    assert.deepEqual(
      (await readSheet(path, 'Changes')).map((record) => [record.line, record.cells]),
      [
        [2, ['id', 'name']],
        [3, ['', 'Batch 1']],
      ],
    );
  });

  it('names the sheets right when the workbook gives their parts from the package root, as openpyxl does', async () => {
    const dir = await tempDir();
    const crafted: CraftedWorkbook = {
      absoluteTargets: true,
      sheets: [
        { name: 'Sheet', rows: '' },
        { name: 'Adjustments', rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>' },
      ],
    };
    const path = await craftWorkbook(dir, crafted);
    assert.equal(await chooseSheet(path, { isHeader }), 'Adjustments');
  });
});

describe('telling a workbook by its content', () => {
  it('recognises an .xlsx whatever its name, a legacy .xls, another zip and anything else', async () => {
    const dir = await tempDir();
    const workbook = await streamWithExcelJs(dir, 'changes.csv', { useSharedStrings: true }, [header]);
    const zip = join(dir, 'archive.xlsx');
    await writeZip(zip, [
      ['mimetype', 'application/vnd.oasis.opendocument.spreadsheet'],
      ['content.xml', '<office:document/>'],
    ]);
    const xls = join(dir, 'legacy.xlsx');
    await writeFile(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const csv = join(dir, 'changes.xlsx');
    await writeFile(csv, 'id,name\n');
    const truncated = join(dir, 'truncated.xlsx');
    await writeFile(truncated, Buffer.from('PK\x03\x04 and nothing else'));
    assert.deepEqual(await Promise.all([workbook, zip, xls, csv, truncated].map(detectFileKind)), ['xlsx', 'zip', 'xls', 'other', 'zip']);
    assert.equal(await isWorkbook(workbook), true);
    assert.equal(await isWorkbook(zip), false);
    assert.match(describeUnsupportedFile(xls, 'xls').message, /legacy\.xlsx is a legacy Excel workbook \(\.xls\) or a password-protected one/);
    assert.match(describeUnsupportedFile(xls, 'xls').hint ?? '', /save it as "Excel Workbook \(\.xlsx\)" without a password/);
    assert.match(
      describeUnsupportedFile(zip, 'zip').message,
      /archive\.xlsx is a zip archive but not an Excel workbook \(it has no xl\/workbook\.xml\), or a damaged one\./,
    );
    assert.match((await refusal(detectFileKind(join(dir, 'absent.xlsx')))).message, /absent\.xlsx: no such file\./);
  });

  it('refuses a damaged workbook, saying what is wrong, rather than read around it', async () => {
    const dir = await tempDir();
    const sheet = (rows: string): CraftedWorkbook => ({ sharedStrings: ['<t>id</t>'], sheets: [{ name: 'changes', rows }] });
    const unknownString = await craftWorkbook(dir, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>7</v></c></row>'), 'strings.xlsx');
    assert.match(
      (await refusal(readSheet(unknownString, 'changes'))).message,
      /strings\.xlsx cannot be read as an Excel workbook: cell B1 refers to shared string "7", which the workbook does not have\./,
    );
    const badNumber = await craftWorkbook(dir, sheet('<row r="1"><c r="A1"><v>12,5</v></c></row>'), 'number.xlsx');
    assert.match((await refusal(readSheet(badNumber, 'changes'))).message, /cell A1 holds "12,5" as a number\./);
    const row = (line: number): string => `<row r="${line}"><c r="A${line}" t="s"><v>0</v></c></row>`;
    const backwards = await craftWorkbook(dir, sheet(row(1) + row(3) + row(2)), 'backwards.xlsx');
    assert.match(
      (await refusal(readSheet(backwards, 'changes'))).message,
      /backwards\.xlsx cannot be read as an Excel workbook: the rows of the sheet "changes" are not in order \(row 2 comes after row 3\)\./,
    );
    const twice = await craftWorkbook(dir, sheet(row(1) + row(2) + row(2)), 'twice.xlsx');
    assert.match((await refusal(readSheet(twice, 'changes'))).message, /row 2 comes after row 2/);
    // Never one of two values picked: <v> twice, or an inline string after a value.
    for (const [name, cell] of [
      ['two-values.xlsx', '<c r="B1"><v>5</v><v>6</v></c>'],
      ['value-and-string.xlsx', '<c r="B1" t="inlineStr"><v>5</v><is><t>6</t></is></c>'],
    ] as const) {
      const path = await craftWorkbook(dir, sheet(`<row r="1"><c r="A1" t="s"><v>0</v></c>${cell}</row>`), name);
      assert.match(
        (await refusal(readSheet(path, 'changes'))).message,
        /cannot be read as an Excel workbook: in the sheet "changes", cell B1 holds two values\./,
      );
    }
    const badXml = await craftWorkbook(dir, sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>R&D</t></is></c></row>'), 'xml.xlsx');
    const xmlError = await refusal(readSheet(badXml, 'changes'));
    assert.match(xmlError.message, /xml\.xlsx cannot be read as an Excel workbook: the sheet "changes" is not well-formed XML \(unclosed tag: t\)\./);
    assert.match(xmlError.hint ?? '', /save it again as "Excel Workbook \(\.xlsx\)"/);
    const flipped = await craftWorkbook(
      dir,
      sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a long enough cell to damage in the middle</t></is></c></row>'),
      'flipped.xlsx',
      { method: 0 },
    );
    const bytes = await readFile(flipped);
    bytes[bytes.indexOf('damage')] = 0x44;
    await writeFile(flipped, bytes);
    assert.match(
      (await refusal(readSheet(flipped, 'changes'))).message,
      /flipped\.xlsx cannot be read as an Excel workbook: xl\/worksheets\/sheet1\.xml is damaged: its content does not match the checksum the archive gives\./,
    );
    const bzip2 = await craftWorkbook(dir, sheet(''), 'bzip2.xlsx', { method: 12 });
    assert.match(
      (await refusal(chooseSheet(bzip2, { isHeader }))).message,
      /bzip2\.xlsx cannot be read as an Excel workbook: xl\/workbook\.xml is compressed with method 12, which workbooks do not use\./,
    );
    const encrypted = await craftWorkbook(dir, sheet(''), 'encrypted.xlsx', { flags: 1 });
    assert.match((await refusal(chooseSheet(encrypted, { isHeader }))).message, /xl\/workbook\.xml is encrypted\./);
    const notZip = join(dir, 'not-a-zip.xlsx');
    await writeFile(notZip, 'id,name\n');
    assert.match(
      (await refusal(chooseSheet(notZip, { isHeader }))).message,
      /not-a-zip\.xlsx cannot be read as an Excel workbook: end of central directory record signature not found/,
    );
  });

  it('reads a workbook whose zip has a zip64 end record', async () => {
    const dir = await tempDir();
    const path = await craftWorkbook(
      dir,
      {
        sheets: [{ name: 'changes', rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>' }],
      },
      'zip64.xlsx',
      { zip64: true },
    );
    assert.equal(await detectFileKind(path), 'xlsx');
    assert.deepEqual(
      (await readChosen(path)).map((record) => record.cells),
      [['id', 'name']],
    );
  });

  it('refuses a zip whose directory points outside the file, or whose entry inflates to more than its stated size', async () => {
    const dir = await tempDir();
    const crafted: CraftedWorkbook = { sheets: [{ name: 'changes', rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>' }] };
    const outside = await craftWorkbook(dir, crafted, 'outside.xlsx');
    const bytes = await readFile(outside);
    // The directory entry of xl/workbook.xml says its local header is past the end of the file.
    bytes.writeUInt32LE(bytes.length + 1000, bytes.lastIndexOf(Buffer.from('xl/workbook.xml')) - 46 + 42);
    await writeFile(outside, bytes);
    assert.match((await refusal(readSheet(outside, 'changes'))).message, /outside\.xlsx cannot be read as an Excel workbook: /);
    const lying = await craftWorkbook(dir, crafted, 'lying.xlsx');
    const lie = await readFile(lying);
    // The worksheet's directory entry understates its size: a zip bomb's way past a size limit.
    const sheetName = lie.lastIndexOf(Buffer.from('xl/worksheets/sheet1.xml'));
    lie.writeUInt32LE(10, sheetName - 46 + 24);
    await writeFile(lying, lie);
    assert.match((await refusal(readSheet(lying, 'changes'))).message, /lying\.xlsx cannot be read as an Excel workbook: too many bytes in the stream/);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { TiError } from '../../src/core/errors.js';
import { readWorkbookBatches, type WorkbookRecord } from '../../src/read/workbook.js';
import { ZipArchive, ZipError } from '../../src/read/zip-archive.js';
import { tempDir } from '../helpers.js';
import { craftWorkbook, type CraftedWorkbook } from './workbook-files.js';

/**
 * A workbook is a zip of XML: a few bytes can name a cell millions of columns
 * away, inflate to gigabytes, or hold a string V8 cannot make. Each is
 * refused in one sentence naming the part, cell or row, before the work it
 * would cost is done (workbook-limits.ts).
 */

const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>';

const sheet = (rows: string, extra: Partial<CraftedWorkbook> = {}): CraftedWorkbook => ({ sheets: [{ name: 'changes', rows }], ...extra });

async function readAll(path: string): Promise<WorkbookRecord[]> {
  const records: WorkbookRecord[] = [];
  for await (const batch of readWorkbookBatches(path, { sheet: 'changes' })) records.push(...batch);
  return records;
}

async function refusal(promise: Promise<unknown>): Promise<TiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TiError) return error;
    throw error;
  }
  assert.fail('expected a refusal');
}

describe('a workbook is read in bounded memory and time whatever it holds', () => {
  it("refuses a cell beyond Excel's last cell with its address, and never makes the empty cells up to a far one", async () => {
    const dir = await tempDir();
    for (const reference of ['ZZZZZ4', 'ZZZZZZZZZ4', 'XFE4']) {
      const path = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="4"><c r="${reference}"><v>1</v></c></row>`), `${reference}.xlsx`);
      const error = await refusal(readAll(path));
      assert.equal(
        error.message,
        `${path} cannot be read as an Excel workbook: in the sheet "changes", cell ${reference} lies beyond Excel's last cell, XFD1048576.`,
      );
    }
    const rowBeyond = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="1048577"><c r="A1048577"><v>1</v></c></row>`), 'row.xlsx');
    assert.match((await refusal(readAll(rowBeyond))).message, /in the sheet "changes", row 1048577 lies beyond Excel's last row, 1,048,576\./);
    // Cells without a reference follow one another: the 16,385th is past XFD.
    const unnamed = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2">${'<c><v>1</v></c>'.repeat(16_385)}</row>`), 'unnamed.xlsx');
    assert.match((await refusal(readAll(unnamed))).message, /cell XFE2 lies beyond Excel's last cell, XFD1048576\./);
    const notAddress = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2"><c r="4"><v>1</v></c></row>`), 'address.xlsx');
    assert.match((await refusal(readAll(notAddress))).message, /a cell of row 2 has the reference "4", which is not a cell address\./);

    // The last column itself is a cell: a stray value there is one more cell of its row, named by its address.
    const last = await craftWorkbook(
      dir,
      sheet(`${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>${ID}</t></is></c><c r="XFD2"><v>7</v></c></row>`),
      'last.xlsx',
    );
    const [, row] = await readAll(last);
    assert.deepEqual(row?.cells, [ID, '', '7']);
    assert.deepEqual(
      row?.typed.map((cell) => cell.address),
      ['A2', 'B2', 'XFD2'],
    );
  });

  it('refuses the cells of a row out of order, so that a row holds one cell per column at most', async () => {
    const dir = await tempDir();
    const twice = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2"><c r="B2"><v>1</v></c><c r="B2"><v>2</v></c></row>`), 'twice.xlsx');
    assert.match((await refusal(readAll(twice))).message, /in the sheet "changes", the cells of row 2 are not in order \(B2 comes after B2\)\./);
    const backwards = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2"><c r="C2"><v>1</v></c><c r="A2"><v>2</v></c></row>`), 'backwards.xlsx');
    assert.match((await refusal(readAll(backwards))).message, /A2 comes after C2/);
  });

  it('refuses a part that would inflate more than a workbook part may, naming it, before a byte of it is inflated', async () => {
    const dir = await tempDir();
    // Ten megabytes of spaces deflate to about ten kilobytes: a ratio no sheet has.
    const spaces = await craftWorkbook(dir, sheet(`${HEADER_ROW}${' '.repeat(10 * 1024 * 1024)}`), 'spaces.xlsx');
    const error = await refusal(readAll(spaces));
    assert.match(
      error.message,
      /spaces\.xlsx cannot be read as an Excel workbook: xl\/worksheets\/sheet1\.xml would inflate to 10,4\d\d,\d{3} bytes from [\d,]+ \([\d,]+ times its size\), where a workbook part may inflate to at most 25 times its size, and to 1,024 MiB; it looks built to exhaust memory \(a zip bomb\)\./,
    );
    // The refusal comes from the size the archive's directory gives: no chunk of the part is ever handed out.
    const archive = await ZipArchive.open(spaces);
    try {
      await assert.rejects(
        archive.chunks('xl/worksheets/sheet1.xml').next(),
        (thrown: unknown) => thrown instanceof ZipError && /would inflate to/.test(thrown.message),
      );
    } finally {
      await archive.close();
    }

    // A directory claiming 4 GB for a part is refused whatever its ratio.
    const claimed = await craftWorkbook(dir, sheet(HEADER_ROW), 'claimed.xlsx');
    const bytes = await readFile(claimed);
    const name = bytes.lastIndexOf(Buffer.from('xl/worksheets/sheet1.xml'));
    bytes.writeUInt32LE(0xfffffff0, name - 46 + 24);
    await writeFile(claimed, bytes);
    assert.match((await refusal(readAll(claimed))).message, /xl\/worksheets\/sheet1\.xml would inflate to 4,294,967,280 bytes/);

    // A small part is exempt from the ratio, which says nothing of a few kilobytes.
    const small = await craftWorkbook(dir, sheet(`${HEADER_ROW}${' '.repeat(500 * 1024)}`), 'small.xlsx');
    assert.deepEqual(
      (await readAll(small)).map((record) => record.cells),
      [['id', 'name']],
    );
  });

  it('refuses more text between two tags than any cell holds, before the XML reader holds it', async () => {
    const dir = await tempDir();
    // Random text does not deflate: the part is within its ratio, the run of text is not.
    const run = randomBytes(900 * 1024).toString('base64');
    const path = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>${run}</t></is></c></row>`), 'run.xlsx');
    assert.match(
      (await refusal(readAll(path))).message,
      /run\.xlsx cannot be read as an Excel workbook: in the sheet "changes", xl\/worksheets\/sheet1\.xml holds more than 1,048,576 characters between two tags, more than any cell holds\./,
    );
    const strings = await craftWorkbook(dir, sheet(HEADER_ROW, { sharedStrings: [`<t>${run}</t>`] }), 'strings-run.xlsx');
    assert.match(
      (await refusal(readAll(strings))).message,
      /strings-run\.xlsx cannot be read as an Excel workbook: xl\/sharedStrings\.xml holds more than 1,048,576 characters between two tags/,
    );
  });

  it('refuses a cell, a shared string or a row with more text than Excel lets it hold', async () => {
    const dir = await tempDir();
    const long = 'x'.repeat(40_000);
    const inline = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2"><c r="B2" t="inlineStr"><is><t>${long}</t></is></c></row>`), 'inline.xlsx');
    assert.match(
      (await refusal(readAll(inline))).message,
      /inline\.xlsx cannot be read as an Excel workbook: cell B2 holds 40,000 characters, more than the 32,767 Excel lets a cell hold\./,
    );
    const shared = await craftWorkbook(
      dir,
      sheet(HEADER_ROW, { sharedStrings: ['<t>id</t>', `<t>${long.slice(0, 20_000)}</t><t>${long.slice(0, 20_000)}</t>`] }),
      'shared.xlsx',
    );
    assert.match(
      (await refusal(readAll(shared))).message,
      /shared\.xlsx cannot be read as an Excel workbook: shared string 1 of xl\/sharedStrings\.xml is longer than 32,767 characters, the most Excel lets a cell hold\./,
    );
    // One shared string of 30,000 characters used by 40 cells of a row: 1.2 million characters from a few bytes each.
    const cells = Array.from(
      { length: 40 },
      (_, column) => `<c r="${String.fromCharCode(65 + Math.floor(column / 26)) + String.fromCharCode(65 + (column % 26))}2" t="s"><v>0</v></c>`,
    ).join('');
    const wide = await craftWorkbook(dir, sheet(`${HEADER_ROW}<row r="2">${cells}</row>`, { sharedStrings: [`<t>${'y'.repeat(30_000)}</t>`] }), 'wide.xlsx');
    assert.match(
      (await refusal(readAll(wide))).message,
      /wide\.xlsx cannot be read as an Excel workbook: in the sheet "changes", row 2 holds more than 1,048,576 characters of text, more than a row of changes can need\./,
    );
  });

  it('refuses a sheet whose cells spell out far more text than the file could carry, once past the allowance', async () => {
    const dir = await tempDir();
    // 30 uses of one 30,000-character string per row, 80 rows: 72 million characters from a file of a few kilobytes.
    const cells = Array.from(
      { length: 30 },
      (_, column) => `<c r="${String.fromCharCode(65 + (column % 26)).repeat(column < 26 ? 1 : 2)}ROW" t="s"><v>0</v></c>`,
    ).join('');
    const rows = Array.from({ length: 80 }, (_, index) => `<row r="${index + 2}">${cells.replaceAll('ROW', String(index + 2))}</row>`).join('');
    const path = await craftWorkbook(dir, sheet(`${HEADER_ROW}${rows}`, { sharedStrings: [`<t>${'z'.repeat(30_000)}</t>`] }), 'amplified.xlsx');
    let read = 0;
    const error = await refusal(
      (async () => {
        for await (const batch of readWorkbookBatches(path, { sheet: 'changes' })) read += batch.length;
      })(),
    );
    assert.match(
      error.message,
      /amplified\.xlsx cannot be read as an Excel workbook: the cells of the sheet "changes" spell out more than 64 characters of text for each byte of the file \(row \d+ passes it\)/,
    );
    // Refused within the allowance (64 Mi characters, 900,000 a row): never the whole sheet.
    assert.ok(read < 76, `${read} records were read before the refusal`);
  });

  it('refuses more column ranges than a sheet has columns, and keeps only the merged ranges it names', async () => {
    const dir = await tempDir();
    const cols = await craftWorkbook(
      dir,
      { sheets: [{ name: 'changes', before: `<cols>${'<col min="1" max="1" hidden="1"/>'.repeat(16_385)}</cols>`, rows: HEADER_ROW }] },
      'cols.xlsx',
    );
    assert.match(
      (await refusal(readAll(cols))).message,
      /in the sheet "changes", more than 16,384 column ranges are described, more than the sheet has columns\./,
    );
    const merges = Array.from({ length: 5_000 }, (_, index) => `<mergeCell ref="A${index + 3}:B${index + 3}"/>`).join('');
    const merged = await craftWorkbook(
      dir,
      { sheets: [{ name: 'changes', rows: HEADER_ROW, after: `<mergeCells count="5000">${merges}</mergeCells>` }] },
      'merged.xlsx',
    );
    assert.match((await refusal(readAll(merged))).message, /cells A3:B3, A4:B4, .*, A12:B12 and 4990 more are each merged\./);
  });
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TiError } from '../../src/core/errors.js';
import { readCsvBatches, type CsvRecord } from '../../src/read/csv-records.js';
import { openInput } from '../../src/read/data-rows.js';
import { detectDelimiter, sniffLayout, type LayoutChoice } from '../../src/read/layout.js';
import { tempDir } from '../helpers.js';

async function fileOf(bytes: Buffer): Promise<string> {
  const path = join(await tempDir(), 'in.csv');
  await writeFile(path, bytes);
  return path;
}

async function read(bytes: Buffer, choice: LayoutChoice = {}): Promise<CsvRecord[]> {
  const path = await fileOf(bytes);
  const records: CsvRecord[] = [];
  for await (const batch of readCsvBatches(path, await sniffLayout(path, choice))) records.push(...batch);
  return records;
}

async function refusal(bytes: Buffer, choice: LayoutChoice = {}): Promise<TiError> {
  try {
    await read(bytes, choice);
  } catch (error) {
    assert.ok(error instanceof TiError, String(error));
    assert.equal(error.kind, 'invalid');
    return error;
  }
  assert.fail('expected the file to be refused');
}

const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string): Buffer => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

describe('encodings', () => {
  const text = 'id,name\n1,Société Générale\n2,東京 👩‍💻\n';
  const expected = [
    ['id', 'name'],
    ['1', 'Société Générale'],
    ['2', '東京 👩‍💻'],
  ];
  it('reads UTF-8 with and without a byte order mark', async () => {
    assert.deepEqual(
      (await read(Buffer.from(text))).map((record) => record.cells),
      expected,
    );
    assert.deepEqual(
      (await read(Buffer.from(`\ufeff${text}`))).map((record) => record.cells),
      expected,
    );
  });
  it('reads UTF-16 LE and BE by their byte order mark', async () => {
    assert.deepEqual(
      (await read(utf16le(text))).map((record) => record.cells),
      expected,
    );
    assert.deepEqual(
      (await read(utf16be(text))).map((record) => record.cells),
      expected,
    );
  });
  it('reads a legacy encoding the user names', async () => {
    const bytes = Buffer.from('id,name\n1,Soci\xe9t\xe9 \x80\n', 'latin1');
    assert.deepEqual((await read(bytes, { encoding: 'windows-1252' }))[1]?.cells, ['1', 'Société €']);
  });
  it('keeps characters cut by the edge of a read chunk whole', async () => {
    const rows = Array.from({ length: 5000 }, (_, index) => `${index},Zoë Ærø 東京 👩‍💻`);
    const records = await read(Buffer.from(`id,name\n${rows.join('\n')}\n`));
    assert.equal(records.length, 5001);
    assert.ok(records.slice(1).every((record) => record.cells[1] === 'Zoë Ærø 東京 👩‍💻'));
  });
  it('refuses bytes that are not UTF-8, with their line, and never replaces them', async () => {
    const rows = Array.from({ length: 6000 }, (_, index) => `${index},plain name`);
    const bytes = Buffer.concat([Buffer.from(`id,name\n${rows.join('\n')}\n9,Caf`), Buffer.from([0xe9]), Buffer.from('\n')]);
    const error = await refusal(bytes);
    assert.match(error.message, /is not UTF-8 text: bytes \(line 6002\) are not valid UTF-8/);
    assert.match(error.hint ?? '', /--encoding windows-1252/);
  });
  it('refuses a file that ends inside a multi-byte character', async () => {
    assert.match((await refusal(Buffer.concat([Buffer.from('id,name\n1,x'), Buffer.from([0xe6, 0x9d])]))).message, /not UTF-8 text/);
  });
  it('refuses NUL bytes, pointing to UTF-16 without a byte order mark', async () => {
    const error = await refusal(Buffer.from('id,name\n1,x\n', 'utf16le'));
    assert.match(error.message, /contains NUL bytes \(line 1\)/);
    assert.match(error.hint ?? '', /--encoding utf-16le/);
    assert.deepEqual((await read(Buffer.from('id,name\n1,x\n', 'utf16le'), { encoding: 'utf-16le' }))[1]?.cells, ['1', 'x']);
  });
  it('refuses a byte order mark that contradicts --encoding', async () => {
    assert.match(
      (await refusal(Buffer.from(`\ufeffid,name\n`), { encoding: 'windows-1252' })).message,
      /starts with a utf-8 byte order mark, but --encoding says windows-1252/,
    );
  });
  it('tells a workbook, a legacy workbook and any other zip from a CSV file by their content, whatever their names', async () => {
    const zip = await fileOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    await assert.rejects(
      openInput(zip, {}),
      (error: unknown) => error instanceof TiError && /in\.csv is a zip archive but not an Excel workbook/.test(error.message),
    );
    const xls = await fileOf(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    await assert.rejects(
      openInput(xls, {}),
      (error: unknown) => error instanceof TiError && /in\.csv is a legacy Excel workbook \(\.xls\)/.test(error.message),
    );
    const csv = await fileOf(Buffer.from('id,name\n'));
    assert.equal((await openInput(csv, {})).kind, 'csv');
    await assert.rejects(
      openInput(csv, { sheet: 'Changes' }),
      (error: unknown) =>
        error instanceof TiError && /--sheet "Changes" names a sheet of a workbook, but .*in\.csv is not an Excel workbook/.test(error.message),
    );
  });
});

describe('delimiters', () => {
  it('are detected from the header: comma, semicolon, tab', async () => {
    const cells = ['id', 'name', 'currentBalance'];
    for (const delimiter of [',', ';', '\t']) {
      const records = await read(Buffer.from(`${cells.join(delimiter)}\n1${delimiter}"a${delimiter} b"${delimiter}5\n`));
      assert.deepEqual(
        records.map((record) => record.cells),
        [cells, ['1', `a${delimiter} b`, '5']],
        JSON.stringify(delimiter),
      );
    }
  });
  it('are matched in any case and quoted', () => {
    assert.equal(detectDelimiter('in.csv', '"ID";"Name";"CurrentBalance"'), ';');
  });
  it('are never guessed between two that split the header equally well', () => {
    assert.throws(() => detectDelimiter('in.csv', 'id,x;expiresOn;currentBalance;y,name'), /can be split at "," or ";" equally well.*/);
  });
  it('default to comma for a header no delimiter splits into known names, for the header check to refuse', () => {
    assert.equal(detectDelimiter('in.csv', 'identifier|amount'), ',');
  });
  it('can be named with --delimiter', async () => {
    const records = await read(Buffer.from('id;name,currentBalance\n1;a,5\n'), { delimiter: ',' });
    assert.deepEqual(records[0]?.cells, ['id;name', 'currentBalance']);
  });
});

describe('line ends and blank rows', () => {
  it('numbers records by line with LF, CRLF and CR, and with quoted line breaks', async () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const records = await read(Buffer.from(['id,name', '1,"a', 'b"', '2,c', ''].join(end)));
      assert.deepEqual(
        records.map((record) => [record.line, record.cells[0]]),
        [
          [1, 'id'],
          [2, '1'],
          [4, '2'],
        ],
        JSON.stringify(end),
      );
    }
  });
  it('skips rows of delimiters alone, as spreadsheets append them, keeping later line numbers', async () => {
    const records = await read(Buffer.from('id,name,,\n1,a,,\n,,,\n\n2,b,,\n,,,\n'));
    assert.deepEqual(
      records.map((record) => [record.line, record.cells[0]]),
      [
        [1, 'id'],
        [2, '1'],
        [5, '2'],
      ],
    );
  });
});

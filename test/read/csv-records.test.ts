import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TiError } from '../../src/core/errors.js';
import { readCsvBatches, type CsvRecord, type ReadPosition } from '../../src/read/csv-records.js';
import { sniffLayout, type CsvLayout } from '../../src/read/layout.js';
import { tempDir, writeCsv } from '../helpers.js';

const COMMA_UTF8: CsvLayout = { encoding: 'utf-8', bomBytes: 0, delimiter: ',' };

/** The records of a file as every pass reads them: with the layout its first bytes give. */
async function readAll(text: string | Buffer): Promise<CsvRecord[]> {
  const path = await writeCsv(await tempDir(), text as string);
  const records: CsvRecord[] = [];
  for await (const batch of readCsvBatches(path, await sniffLayout(path, {}))) records.push(...batch);
  return records;
}

async function readError(text: string): Promise<TiError> {
  try {
    await readAll(text);
  } catch (error) {
    assert.ok(error instanceof TiError, String(error));
    assert.equal(error.kind, 'invalid');
    return error;
  }
  assert.fail('expected the file to be refused');
}

describe('reading CSV records', () => {
  it('reads on from the end of any batch exactly as a whole pass reads what follows it: same cells, same lines', async () => {
    const rows: string[] = [];
    for (let row = 0; row < 6000; row++) {
      rows.push(row % 97 === 0 ? `${row},"two\r\nlines ${row}"` : row % 89 === 0 ? `${row},"x""y, ${row}"` : `${row},name ${row}`);
      if (row % 113 === 0) rows.push('');
    }
    for (const [bom, newline] of [
      ['', '\n'],
      ['\ufeff', '\r\n'],
    ] as const) {
      const path = await writeCsv(await tempDir(), `${bom}id,name${newline}${rows.join(newline)}${newline}`);
      const layout = await sniffLayout(path, {});
      const batches: { records: CsvRecord[]; end: ReadPosition | undefined }[] = [];
      for await (const batch of readCsvBatches(path, layout)) batches.push({ records: [...batch], end: batch.end });
      assert.ok(batches.length > 2, `${batches.length} batches: the file must span several`);
      for (const [index, { end }] of batches.entries()) {
        assert.ok(end !== undefined);
        const after: CsvRecord[] = [];
        for await (const batch of readCsvBatches(path, layout, end)) after.push(...batch);
        assert.deepEqual(
          after,
          batches.slice(index + 1).flatMap((batch) => batch.records),
          `from the end of batch ${index + 1}, bom ${bom !== ''}`,
        );
      }
    }
  });
  it('knows no position in a file that is not UTF-8, whose bytes the parser never sees', async () => {
    const path = await writeCsv(await tempDir(), 'id,name\na,caf\xe9\n');
    for await (const batch of readCsvBatches(path, { encoding: 'windows-1252', bomBytes: 0, delimiter: ',' })) assert.equal(batch.end, undefined);
  });
  it('numbers each record with the line it starts on, across quoted newlines and blank lines', async () => {
    const records = await readAll('id,name\r\na,"one\r\ntwo"\r\n\r\nb,three\r\nc,"x""y"\r\n');
    assert.deepEqual(
      records.map((record) => [record.line, record.cells]),
      [
        [1, ['id', 'name']],
        [2, ['a', 'one\r\ntwo']],
        [5, ['b', 'three']],
        [6, ['c', 'x"y']],
      ],
    );
  });
  for (const [eol, inner] of [
    ['\n', '\n'],
    ['\n', '\r\n'],
    ['\r\n', '\r\n'],
    ['\r\n', '\n'],
    ['\r', '\r'],
    ['\r', '\n'],
  ] as const) {
    it(`counts lines right with ${JSON.stringify(eol)} line ends and ${JSON.stringify(inner)} inside quoted cells`, async () => {
      const text = ['id,name', `a,"x${inner}y"`, '', 'b,plain', `c,"p${inner}q${inner}r"`, '', '', 'd,z', ''].join(eol);
      const records = await readAll(text);
      assert.deepEqual(
        records.map((record) => record.line),
        [1, 2, 5, 6, 11],
      );
      assert.equal(records[1]?.cells[1], `x${inner}y`);
    });
  }
  it('reads a file of many chunks whole and in order', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},"name ${i}\nsecond line"`);
    const records = await readAll(`id,name\n${rows.join('\n')}\n`);
    assert.equal(records.length, 30_001);
    assert.deepEqual(records.at(-1), { line: 60_000, cells: ['29999', 'name 29999\nsecond line'] });
    assert.ok(records.every((record, i) => i === 0 || record.line === 2 * i));
  });
  it('strips a UTF-8 byte order mark from the header', async () => {
    const records = await readAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n')]));
    assert.deepEqual(records[0]?.cells, ['id', 'name']);
  });
  it('keeps cells untouched: spaces, quotes and empty cells', async () => {
    const records = await readAll('id,name\n x ,\n');
    assert.deepEqual(records[1]?.cells, [' x ', '']);
  });
  it('hands rows with the wrong number of cells to validation instead of failing', async () => {
    const records = await readAll('id,name\na\nb,c,d\n');
    assert.deepEqual(
      records.map((record) => record.cells.length),
      [2, 1, 3],
    );
  });
  it('stops on a quote that is never closed, naming the line where the record starts', async () => {
    const error = await readError('id,name\na,b\nc,"unclosed\nd,e\nf,g\n');
    assert.match(error.message, /the quoted field starting on line 3 is never closed/);
  });
  it('stops on a quote inside an unquoted field, with its line', async () => {
    assert.match((await readError('id,name\na,b\nc,ab"c"\n')).message, /line 3 has a double quote inside a field/);
  });
  it('stops on text after a closing quote, with its line', async () => {
    assert.match((await readError('id,name\na,"b"x\n')).message, /line 2 has text right after a closing double quote/);
  });
  it('says when the file does not exist', async () => {
    const dir = await tempDir();
    const records = readCsvBatches(`${dir}/missing.csv`, COMMA_UTF8);
    await assert.rejects(records.next(), (error: unknown) => error instanceof TiError && /no such file/.test(error.message));
  });
});

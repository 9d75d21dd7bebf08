import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppendBatch } from '../../src/report/append-batch.js';
import type { Outcome } from '../../src/report/outcome.js';
import { readRecordedLines } from '../../src/report/recorded-report.js';
import { ReportWriter } from '../../src/report/report-writer.js';
import { readSentLog, SentLog } from '../../src/report/sent-log.js';
import { readHeader } from '../../src/validate/header.js';
import { tempDir } from '../helpers.js';

const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const columns = readHeader('in.csv', { line: 1, cells: ['id', 'name'] });

const batch = (): AppendBatch => new AppendBatch(() => {});

/** The lines of a report as read back: each with its latest outcome and the requests of all its records. */
function linesOf(dir: string, onAnswered?: (line: number) => void): [number, Outcome, number][] {
  const lines: [number, Outcome, number][] = [];
  readRecordedLines(dir, columns, undefined, onAnswered).each((line, { outcome, attempts }) => lines.push([line, outcome, attempts]));
  return lines;
}

async function reportOf(names: readonly string[]): Promise<string> {
  const dir = await tempDir();
  const writer = new ReportWriter(dir, columns, { batch: batch() });
  names.forEach((name, index) => writer.write({ line: index + 2, outcome: 'updated', cells: [ID, name], attempts: 1, httpStatus: 200 }));
  writer.close();
  return dir;
}

describe('reading back the report of an interrupted run', () => {
  it('keeps every complete record, the latest per line, with its requests summed', async () => {
    const dir = await tempDir();
    const writer = new ReportWriter(dir, columns, { batch: batch() });
    writer.write({ line: 2, outcome: 'failed', cells: [ID, 'a'], attempts: 3, httpStatus: 503, error: '503: busy', errorKind: 'transient' });
    writer.write({ line: 3, outcome: 'skipped', cells: [ID, 'b'], attempts: 0 });
    writer.write({ line: 2, outcome: 'updated', cells: [ID, 'a'], attempts: 1, httpStatus: 200 });
    writer.close();
    const answered: number[] = [];
    assert.deepEqual(
      linesOf(dir, (line) => answered.push(line)),
      [
        [2, 'updated', 4],
        [3, 'skipped', 0],
      ],
    );
    assert.deepEqual(answered, [2, 2]);
  });
  it('drops a last record cut short, even inside a quoted field that spans lines, and truncates the file after the last whole one', async () => {
    const dir = await reportOf(['plain', 'two\nlines, quoted']);
    const path = join(dir, 'report.csv');
    const whole = await readFile(path, 'utf8');
    const cut = whole.slice(0, whole.indexOf('two\n') + 4);
    await writeFile(path, cut);
    assert.deepEqual(
      linesOf(dir).map(([line]) => line),
      [2],
    );
    assert.equal(await readFile(path, 'utf8'), whole.slice(0, whole.indexOf('3,updated')));
  });
  it('reads back records longer than one read of the file, quoted across lines', async () => {
    const long = `"${'x'.repeat(1_500_000)}",\n${'y'.repeat(1_500_000)}`;
    const dir = await reportOf(['a', long, 'b']);
    assert.deepEqual(linesOf(dir), [
      [2, 'updated', 1],
      [3, 'updated', 1],
      [4, 'updated', 1],
    ]);
  });
  it('drops the zeros a power cut can leave at the end of a file', async () => {
    const dir = await reportOf(['a', 'b']);
    const path = join(dir, 'report.csv');
    await writeFile(path, `${await readFile(path, 'utf8')}\0\0\0\0`);
    assert.deepEqual(
      linesOf(dir).map(([line]) => line),
      [2, 3],
    );
  });
  it('refuses a report that is not one ti-credits wrote for this file', async () => {
    const dir = await reportOf(['a']);
    const other = readHeader('in.csv', { line: 1, cells: ['id', 'currentBalance'] });
    assert.throws(() => readRecordedLines(dir, other), /its columns are not those of this file/);
    const path = join(dir, 'report.csv');
    await writeFile(path, (await readFile(path, 'utf8')).replace('2,updated', 'x,updated'));
    assert.throws(() => readRecordedLines(dir, columns), /record 2 is not one ti-credits wrote/);
    await writeFile(path, (await readFile(path, 'utf8')).replace('x,updated', '2,updated,extra'));
    assert.throws(() => readRecordedLines(dir, columns), /record 2 is not one ti-credits wrote/);
  });
});

describe('sent.log', () => {
  it('counts the requests of each line not yet settled, and cuts off a last line cut short so that the next entry starts a line', async () => {
    const dir = await tempDir();
    const log = new SentLog(dir, batch());
    void log.record(2);
    void log.record(3);
    void log.record(3);
    log.settle(3, 1);
    log.close();
    const path = join(dir, 'sent.log');
    const whole = await readFile(path, 'utf8');
    await writeFile(path, `${whole}4`);
    const counts = new Map<number, number>();
    readSentLog(dir, (line, change) => counts.set(line, (counts.get(line) ?? 0) + change));
    assert.deepEqual(
      [...counts],
      [
        [2, 1],
        [3, 1],
      ],
    );
    assert.equal(await readFile(path, 'utf8'), whole);
  });

  it('has an entry written before the promise of recording it resolves', async () => {
    const dir = await tempDir();
    const log = new SentLog(dir, batch());
    await log.record(7);
    assert.equal(await readFile(join(dir, 'sent.log'), 'utf8'), '7\n');
    log.close();
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { csvText } from '../../src/report/csv-text.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

/**
 * Values from the API land in files people open in spreadsheets, which run a
 * cell starting with = + - @ or a tab as a formula. Every cell of every such
 * file is guarded with an apostrophe, and read back by ti-credits as the value
 * it guards: a snapshot still round-trips (issue 26).
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();
const ACCOUNT = randomUUID();
const NAMES = ['=HYPERLINK("http://evil.example","x")', '+1 plan', '-Legacy', '@home', '\tTabbed', "'=quoted", "'Tis the season"];
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]\d+(?:\.\d+)?$/;

async function mockOf(names: readonly string[]): Promise<{ mock: MockApi; ids: string[] }> {
  const ids = names.map(() => randomUUID());
  const seed: Partial<CreditBatch>[] = names.map((name, index) => ({
    id: ids[index] ?? '',
    clientId: CLIENT,
    name,
    status: index === 0 ? '=cmd|calc' : 'active',
    creditAccountId: ACCOUNT,
    currentBalance: 100 + index,
    expiresOn: '2027-12-31T23:59:59.000Z',
  }));
  const mock = await startMockApi({ store: new CreditBatchStore(seed) });
  return { mock, ids };
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--retry-delay', '1'];
const puts = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.method === 'PUT');

/** Every cell of a CSV file that a spreadsheet would run as a formula: none, in a file ti-credits wrote. */
async function unguarded(path: string): Promise<string[]> {
  const records = await readCsvFile(path);
  return records.flatMap((record) => Object.values(record)).filter((cell) => FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell));
}

describe('cells a person may open are guarded against formulas, and read back exactly', () => {
  it('guards snapshot.csv, baseline.csv and undo.csv, and a snapshot, an edit and its undo round-trip through them', async () => {
    const { mock, ids } = await mockOf(NAMES);
    const dir = await tempDir();
    const snap = await cli(['snapshot', '--client', CLIENT, ...base(mock), '--out', join(dir, 'snap')], { cwd: dir });
    assert.equal(snap.code, 0, snap.stderr);
    const file = join(dir, 'snap', 'snapshot.csv');
    assert.deepEqual(await unguarded(file), []);
    const records = await readCsvFile(file);
    const byId = new Map(records.map((record) => [record.id, record]));
    assert.deepEqual(
      ids.map((id) => byId.get(id)?.name),
      ['\'=HYPERLINK("http://evil.example","x")', "'+1 plan", "'-Legacy", "'@home", "'\tTabbed", "''=quoted", "'Tis the season"],
    );
    assert.equal(byId.get(ids[0] ?? '')?.status, "'=cmd|calc");

    // Given back untouched, every value reads back as the API holds it: nothing to send.
    const same = await cli(['apply', file, ...base(mock), '--yes', '--out', join(dir, 'same')], { cwd: dir });
    assert.equal(same.code, 0, same.stderr);
    assert.equal(puts(mock).length, 0);

    // One name changed, typed guarded as a spreadsheet user might: the guard is the file's, the name is "+Renamed".
    const legacy = ids[2] ?? '';
    const header = Object.keys(records[0] ?? {});
    const edited = records.map((record) => header.map((column) => (record.id === legacy && column === 'name' ? "'+Renamed" : (record[column] ?? ''))));
    const editedFile = join(dir, 'edited.csv');
    await writeFile(editedFile, csvText([header, ...edited]));
    const run = await cli(['apply', editedFile, ...base(mock), '--yes', '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      puts(mock).map((request) => [request.id, request.body]),
      [[legacy, { name: '+Renamed' }]],
    );
    assert.equal(mock.store.get(legacy)?.name, '+Renamed');
    for (const written of ['baseline.csv', 'undo.csv', 'report.csv', 'failed.csv', 'plan.csv']) {
      if (existsSync(join(dir, 'run', written))) assert.deepEqual(await unguarded(join(dir, 'run', written)), [], written);
    }
    assert.equal((await readCsvFile(join(dir, 'run', 'baseline.csv'))).find((record) => record.id === legacy)?.name, "'-Legacy");
    assert.deepEqual(
      (await readCsvFile(join(dir, 'run', 'undo.csv'))).map((record) => [record.name, record['before.name']]),
      [["'-Legacy", "'+Renamed"]],
    );

    const undo = await cli(['apply', join(dir, 'run', 'undo.csv'), ...base(mock), '--yes', '--out', join(dir, 'undo')], { cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(mock.store.get(legacy)?.name, '-Legacy');
  });

  it('refuses to write a snapshot holding a value a CSV file cannot carry back, naming the batch', async () => {
    const { mock, ids } = await mockOf(['Fine', 'bad\u0000name']);
    const dir = await tempDir();
    const snap = await cli(['snapshot', '--client', CLIENT, ...base(mock), '--out', join(dir, 'snap')], { cwd: dir });
    assert.equal(snap.code, 2, snap.stderr);
    assert.match(
      snap.stderr,
      new RegExp(
        `The credit batch ${ids[1]} of client ${CLIENT} cannot be written to snapshot\\.csv so that it reads back as the API gave it: its name holds a NUL character; no snapshot was written\\.`,
      ),
    );
    assert.equal(existsSync(join(dir, 'snap', 'snapshot.csv')), false);
  });

  it("reads the guard the same way in the user's own file: one apostrophe before = + - @ or a tab is the guard, any other is text", async () => {
    const { mock, ids } = await mockOf(['a', 'b', 'c', 'd']);
    const dir = await tempDir();
    const names = ["'Tis the season", "''=kept with its apostrophe", "'=SUM(A1)", "'-Legacy"];
    const file = join(dir, 'names.csv');
    await writeFile(file, csvText([['id', 'name'], ...ids.map((id, index) => [id, names[index] ?? ''])]));
    const run = await cli(['apply', '--blind', '--skip-invalid', '--yes', file, ...base(mock), '--out', join(dir, 'run')], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(
      puts(mock)
        .map((request) => [request.id, request.body])
        .sort(),
      [
        [ids[0], { name: "'Tis the season" }],
        [ids[1], { name: "'=kept with its apostrophe" }],
        [ids[3], { name: '-Legacy' }],
      ].sort(),
    );
    const report = await readCsvFile(join(dir, 'run', 'report.csv'));
    assert.match(report.find((row) => row.id === ids[2])?.error ?? '', /name "=SUM\(A1\)" is a spreadsheet formula/);
    // The report holds each name as the file did: guarded where it needs to be.
    assert.deepEqual(report.map((row) => row.name).sort(), [...names].sort());
  });
});

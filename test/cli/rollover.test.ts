import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { MockApi, MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore, loadSeed } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

const SAMPLE = fileURLToPath(new URL('../../../fixtures/sample-seed.json', import.meta.url));
const startMockApi = mockApiStarter();

async function sample(options: Omit<MockOptions, 'store'> = {}): Promise<MockApi> {
  const mock = await startMockApi({ ...options, store: new CreditBatchStore(await loadSeed(SAMPLE)) });
  return mock;
}

const NY = ['--timezone', 'America/New_York'];
const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0'];
/** The end of 2027-03-31 in New York (EDT): what --to 2027-03-31 means there. */
const END_OF_Q1 = '2027-04-01T03:59:59.999Z';
const ids = {
  b1: '6513270e-269e-4d37-b2a7-4de452e6b438',
  b2: 'd23f0824-128b-4f33-8c5c-7fd0a6a3a450',
  b3: '9531985d-5d9d-49f8-9818-e811892f902b',
  b4: '36f675cc-81e7-4ef5-a8e2-5d940ed90475',
  b6: '8d116ece-1738-47d9-bd9c-172411e20b8f',
  b8: 'a170b338-3926-4059-b28c-105d1fb17c23',
  b10: '0cb1e29c-658c-4a14-95e6-0af593bd04cf',
  b11: '8e81973e-0bec-47b0-b898-d190f9ebdacc',
  b12: '6b4cb242-4a23-4596-a217-beaddbc496cb',
};

describe('ti-credits rollover', () => {
  it('moves every batch expiring within the days to the end of --to, never one earlier, and applies end to end', async () => {
    const mock = await sample();
    const dir = await tempDir();
    const run = await cli(
      ['rollover', '--all-clients', '--expiring-between', '2027-01-01', '2027-06-30', '--to', '2027-03-31', ...NY, ...base(mock), '--out', 'q'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const rows = await readCsvFile(join(dir, 'q', 'rollover.csv'));
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['id', 'clientId', 'name', 'expiresOn', 'before.name', 'before.expiresOn']);
    assert.deepEqual(rows.map((row) => [row.id, row.expiresOn]).sort(), [ids.b1, ids.b8, ids.b10, ids.b12].map((id) => [id, END_OF_Q1]).sort());
    for (const row of rows) assert.deepEqual([row.name, row['before.expiresOn']], [row['before.name'], mock.store.get(row.id ?? '')?.expiresOn]);
    // 2027-06-30 in New York is after the --to day: those two are listed, never moved earlier.
    assert.deepEqual(
      (await readCsvFile(join(dir, 'q', 'left-out.csv'))).map((row) => [row.id, row.reason]).sort(),
      [
        [ids.b3, 'earlier'],
        [ids.b11, 'earlier'],
      ].sort(),
    );
    assert.match(
      run.stdout,
      /^Rollover: 4 credit batches of 3 clients expiring from 2027-01-01 to 2027-06-30 \(America\/New_York\) move to the end of 2027-03-31: 2027-03-31 23:59:59 America\/New_York \(2027-04-01T03:59:59\.999Z\)\.\n/,
    );
    assert.match(run.stdout, /\n {2}Acme Corp \(1ff579ba…\): 2 batches, expiring 2027-03-31 19:59:59 → 2027-03-31 23:59:59\n/);
    assert.match(
      run.stdout,
      /\n {2}Left out, not moved: 2 batches already expiring later \(a rollover never moves an expiry earlier\)\.\n {4}Globex \(3f82bdfb…\): Credit batch 3 \(9531985d…\) expires 2027-06-30 19:59:59, later already\n/,
    );
    assert.match(run.stdout, /\nNext, .*\n {2}ti-credits plan q\/rollover\.csv --base-url http:\/\/127\.0\.0\.1:\d+ --timezone America\/New_York\n$/);
    assert.equal(mock.requests.filter((request) => request.method !== 'GET').length, 0, 'rollover sends nothing');

    const applied = await cli(['apply', join(dir, 'q', 'rollover.csv'), ...base(mock), '--yes'], { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(
      mock.requests
        .filter((request) => request.method === 'PUT')
        .map((request) => [request.id, request.body])
        .sort(),
      [ids.b1, ids.b8, ids.b10, ids.b12].map((id) => [id, { expiresOn: END_OF_Q1 }]).sort(),
      'only the expiry is sent: the name column renames nothing',
    );
    for (const id of [ids.b1, ids.b8, ids.b10, ids.b12]) assert.equal(mock.store.get(id)?.expiresOn, END_OF_Q1);
    assert.equal(mock.store.get(ids.b3)?.expiresOn, '2027-06-30T23:59:59.000Z');
  });

  it('takes a batch expiring at the end of --to to the whole second (…59Z, the end of the day is …59.999Z) as there already; so does a file of that date alone', async () => {
    const mock = await sample();
    const dir = await tempDir();
    const run = await cli(['rollover', '--all-clients', '--expiring-between', '2027-06-01', '2027-06-30', '--to', '2027-06-30', ...base(mock), '--out', 'q'], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^Rollover: no credit batch expiring from 2027-06-01 to 2027-06-30 \(UTC\) is to move to 2027-06-30\.\n {2}Left out, not moved: 2 batches already expiring then\.\n/,
    );
    assert.deepEqual(
      (await readCsvFile(join(dir, 'q', 'left-out.csv'))).map((row) => [row.id, row.expiresOn, row.reason]).sort(),
      [ids.b3, ids.b11].map((id) => [id, '2027-06-30T23:59:59.000Z', 'already']).sort(),
    );

    const csv = `id,clientId,expiresOn\n${ids.b3},3f82bdfb-c69e-463b-8ec5-ac74892215da,2027-06-30\n${ids.b1},1ff579ba-d7b9-4914-b61f-513a828fcdbb,2027-03-31T23:59:58Z\n`;
    await writeFile(join(dir, 'same.csv'), csv);
    const applied = await cli(['apply', join(dir, 'same.csv'), ...base(mock), '--yes', '--out', 'same'], { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    // One second apart is a change: shown to the second, it is one a reviewer can see.
    assert.deepEqual(
      (await readCsvFile(join(dir, 'same', 'report.csv'))).map((row) => [row.id, row.outcome]),
      [
        [ids.b3, 'unchanged'],
        [ids.b1, 'updated'],
      ],
    );
    assert.deepEqual(
      mock.requests.filter((request) => request.method === 'PUT').map((request) => [request.id, request.body]),
      [[ids.b1, { expiresOn: '2027-03-31T23:59:58.000Z' }]],
    );
  });

  it('leaves out batches whose status is not active unless --include-inactive', async () => {
    const mock = await sample();
    const dir = await tempDir();
    const args = ['rollover', '--all-clients', '--expiring-between', '2026-07-01', '2026-12-31', '--to', '2027-03-31', ...NY, ...base(mock)];
    const run = await cli([...args, '--out', 'active'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readCsvFile(join(dir, 'active', 'rollover.csv'))).map((row) => row.id).sort(), [ids.b2, ids.b4].sort());
    assert.deepEqual(
      (await readCsvFile(join(dir, 'active', 'left-out.csv'))).map((row) => [row.id, row.status, row.reason]),
      [[ids.b6, 'expired', 'inactive']],
    );
    assert.match(
      run.stdout,
      /Left out, not moved: 1 batch whose status is not active \(--include-inactive moves it too\)\.\n {4}Globex \(3f82bdfb…\): Credit batch 6 \(8d116ece…\) expires 2026-09-30 19:59:59, status expired\n/,
    );

    const all = await cli([...args, '--include-inactive', '--out', 'all', '--json'], { cwd: dir });
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual((await readCsvFile(join(dir, 'all', 'rollover.csv'))).map((row) => row.id).sort(), [ids.b2, ids.b4, ids.b6].sort());
    assert.equal(existsSync(join(dir, 'all', 'left-out.csv')), false);
    const summary = JSON.parse(all.stdout) as { command: string; plan: { moved: number; leftOut: Record<string, unknown> }; options: Record<string, unknown> };
    assert.deepEqual([summary.command, summary.plan.moved, summary.options.includeInactive, summary.options.newExpiry], ['rollover', 3, true, END_OF_Q1]);
  });

  it('names the clients from the list when it can read it; without, by id; --all-clients needs it', async () => {
    const mock = await sample({ forbiddenRoutes: ['clients'] });
    const dir = await tempDir();
    const named = await cli(
      ['rollover', '--client', '1ff579ba-d7b9-4914-b61f-513a828fcdbb', '--expiring-between', '2026-07-01', '2026-12-31', '--to', '2027-03-31', ...base(mock)],
      { cwd: dir },
    );
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /\n {2}1ff579ba-d7b9-4914-b61f-513a828fcdbb: 1 batch, expiring 2026-12-31 23:59:59 → 2027-03-31 23:59:59\n/);
    const all = await cli(['rollover', '--all-clients', '--expiring-between', '2026-07-01', '2026-12-31', '--to', '2027-03-31', ...base(mock)], { cwd: dir });
    assert.equal(all.code, 3);
    assert.match(all.stderr, /not allowed to read clients/);
  });

  it('refuses what it cannot do: no window, no --to, a --to already past', async () => {
    const mock = await sample();
    const dir = await tempDir();
    const refused = async (args: string[], message: RegExp): Promise<void> => {
      const run = await cli(['rollover', '--all-clients', ...args, ...base(mock)], { cwd: dir });
      assert.equal(run.code, 2, run.stdout);
      assert.match(run.stderr, message);
    };
    await refused(['--to', '2027-03-31'], /rollover needs --expiring-between <from> <to>: the days whose expiring batches it moves\./);
    await refused(['--expiring-between', '2027-01-01', '2027-03-31'], /rollover needs --to <day>: the day the batches move to\./);
    await refused(['--expiring-between', '2026-01-01', '2026-03-31', '--to', '2026-06-30'], /--to 2026-06-30 is already past \(2026-06-30T23:59:59\.999Z\)/);
    await refused(['--expiring-between', '2026-01-01', '2026-03-31', '--to', '31/03/2027'], /--to "31\/03\/2027" is not a calendar date/);
    assert.equal(mock.requests.length, 0);
    assert.equal(existsSync(join(dir, 'reports')), false);
    assert.ok((await readFile(SAMPLE, 'utf8')).includes('clientName'));
  });
});

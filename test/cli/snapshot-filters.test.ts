import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore, type SeedBatch } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

const startMockApi = mockApiStarter();

const CLIENTS = ['c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000002', 'c3000000-0000-4000-8000-000000000003'];
const batchId = (client: number, n: number): string => `b${client}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * The first quarter of 2027 in New York runs from 2027-01-01T05:00:00.000Z
 * (EST) to 2027-04-01T03:59:59.999Z (EDT since 14 March): each client has
 * batches just inside and just outside each end, some expired.
 */
const EXPIRIES: readonly (readonly [string, boolean, string?])[] = [
  ['2027-01-01T05:00:00.000Z', true],
  ['2027-01-01T04:59:59.999Z', false],
  ['2027-04-01T03:59:59.999Z', true],
  ['2027-04-01T04:00:00.000Z', false],
  ['2027-02-15T12:00:00.000Z', true, 'expired'],
];

function seed(): SeedBatch[] {
  return CLIENTS.flatMap((clientId, c) =>
    EXPIRIES.map(([expiresOn, , status], n) => ({
      id: batchId(c + 1, n),
      clientId,
      clientName: `Client ${c + 1}`,
      name: `Batch ${c + 1}.${n}`,
      expiresOn,
      status: status ?? 'active',
      currentBalance: 10 + n,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    })),
  );
}

async function mockOf(): Promise<MockApi> {
  const mock = await startMockApi({ store: new CreditBatchStore(seed()), perPage: 2 });
  return mock;
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0'];

describe('snapshot --all-clients with filters', () => {
  it('keeps exactly the batches expiring within the days given in --timezone, both ends included, across clients and pages', async () => {
    const mock = await mockOf();
    const dir = await tempDir();
    const run = await cli(
      ['snapshot', '--all-clients', '--expiring-between', '2027-01-01', '2027-03-31', '--timezone', 'America/New_York', ...base(mock), '--out', 'q1'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const rows = await readCsvFile(join(dir, 'q1', 'snapshot.csv'));
    const expected = CLIENTS.flatMap((_, c) => EXPIRIES.flatMap(([, within], n) => (within ? [batchId(c + 1, n)] : [])));
    assert.deepEqual(rows.map((row) => row.id).sort(), expected.sort());
    assert.match(
      run.stdout,
      /^Snapshot: 9 of 15 credit batches of 3 clients, those expiring from 2027-01-01 to 2027-03-31 \(America\/New_York\) \(11 requests, /,
    );
    // The client list (2 pages of 2), then each client's 5 batches (3 pages of 2).
    assert.deepEqual(
      mock.requests.map((request) => request.path.replace(/clients\/c(\d)[^/]*\//, 'clients/c$1/')),
      ['/incoming/v2/clients', '/incoming/v2/clients', ...[1, 2, 3].flatMap((c) => Array(3).fill(`/incoming/v2/clients/c${c}/creditBatches`))],
    );

    // The same days read in UTC keep another set: the zone is what decides.
    const utc = await cli(['snapshot', '--all-clients', '--expiring-between', '2027-01-01', '2027-03-31', ...base(mock), '--out', 'utc'], { cwd: dir });
    assert.equal(utc.code, 0, utc.stderr);
    assert.deepEqual(
      (await readCsvFile(join(dir, 'utc', 'snapshot.csv'))).map((row) => row.id).sort(),
      CLIENTS.flatMap((_, c) => [0, 1, 4].map((n) => batchId(c + 1, n))).sort(),
    );
  });

  it('keeps only the statuses given, and its file is an input of apply as it is: every row unchanged', async () => {
    const mock = await mockOf();
    const dir = await tempDir();
    const run = await cli(
      [
        'snapshot',
        '--client',
        CLIENTS[1] as string,
        '--client',
        CLIENTS[2] as string,
        '--status',
        'ACTIVE',
        '--expiring-between',
        '2027-01-01',
        '2027-03-31',
        '--timezone',
        'America/New_York',
        ...base(mock),
        '--out',
        'snap',
        '--json',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { snapshot: Record<string, unknown>; options: Record<string, unknown> };
    assert.deepEqual(summary.snapshot, { clients: 2, batches: 4, listed: 10, file: join(dir, 'snap', 'snapshot.csv') });
    assert.deepEqual(
      [summary.options.expiringBetween, summary.options.statuses, summary.options.timezone],
      [['2027-01-01', '2027-03-31'], ['active'], 'America/New_York'],
    );
    const rows = await readCsvFile(join(dir, 'snap', 'snapshot.csv'));
    assert.deepEqual(
      rows.map((row) => [row.id, row.status]),
      [2, 3].flatMap((c) => [0, 2].map((n) => [batchId(c, n), 'active'])),
    );

    const applied = await cli(['apply', join(dir, 'snap', 'snapshot.csv'), ...base(mock), '--dry-run'], { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^Dry run: 4 rows in snap\/snapshot\.csv: 0 valid, 4 unchanged\./);
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 0);
  });

  it('refuses a window that is not two calendar days in order, and a snapshot of no client', async () => {
    const mock = await mockOf();
    const dir = await tempDir();
    const refused = async (args: string[]): Promise<string> => {
      const run = await cli(['snapshot', ...args, ...base(mock)], { cwd: dir });
      assert.equal(run.code, 2, run.stdout);
      return run.stderr;
    };
    assert.match(
      await refused(['--all-clients', '--expiring-between', '2027-03-31', '2027-01-01']),
      /--expiring-between 2027-03-31 2027-01-01 ends before it begins\./,
    );
    assert.match(
      await refused(['--all-clients', '--expiring-between', '2027-02-30', '2027-03-31']),
      /--expiring-between "2027-02-30" is not a calendar date\.\n {2}Write it as YYYY-MM-DD/,
    );
    assert.match(await refused(['--all-clients', '--expiring-between', '2027-01-01']), /Not enough arguments following: expiring-between/);
    assert.match(
      await refused([]),
      /snapshot needs the clients whose credit batches to read\.\n {2}Pass --client <id> for each \(ti-credits clients lists them\), or --all-clients/,
    );
    assert.match(await refused(['--all-clients', '--client', CLIENTS[0] as string]), /--all-clients cannot be combined with --client/);
    assert.equal(mock.requests.length, 0);
  });
});

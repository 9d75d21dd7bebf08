import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveApplyOptions } from '../../src/cli/options.js';
import { bulkIngest } from '../../src/pipeline/bulk-ingest.js';
import { ids, KEY, mockStarter, readCsvFile, requestsFor, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();

describe('a resumed run judges every row again', () => {
  it('reports invalid a row an earlier session updated whose expiry has passed since, and skips validating the others it updated', async () => {
    const [early, late, failing] = ids(3) as [string, string, string];
    const mock = await mockWith([early, late, failing], { faults: { script: { [failing]: [{ kind: 'status', status: 503 }] } } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,expiresOn\n${early},2027-01-31T00:00:00.000Z\n${late},2027-06-30T00:00:00.000Z\n${failing},2027-06-30T00:00:00.000Z\n`);
    const folder = join(dir, 'run');
    const argv = { csv, 'base-url': mock.origin, rate: '0', retries: '0', 'skip-invalid': true, 'log-level': 'info' };
    const run = async (at: string, more: Record<string, unknown>): Promise<void> => {
      const now = new Date(at);
      await bulkIngest(await resolveApplyOptions({ ...argv, ...more }, { TI_API_KEY: KEY }, now), { cwd: dir, now: () => now });
    };

    await run('2026-12-01T00:00:00.000Z', { out: folder });
    await run('2027-03-01T00:00:00.000Z', { resume: folder });

    assert.deepEqual([early, late, failing].map((id) => requestsFor(mock, id).map((request) => request.answer)), [[200], [200], [503, 200]]);
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.deepEqual(report.map((row) => [row.id, row.outcome]), [
      [early, 'invalid'],
      [late, 'updated'],
      [failing, 'updated'],
    ]);
    assert.match(report[0]?.error ?? '', /expiresOn .* is in the past/);
    assert.deepEqual((await readCsvFile(join(folder, 'failed.csv'))).map((row) => row.id), [early]);
  });

  it('refuses to send when such a row makes the file invalid, and still ends with one record per row', async () => {
    const [early, late, failing] = ids(3) as [string, string, string];
    const mock = await mockWith([early, late, failing], { faults: { script: { [failing]: [{ kind: 'status', status: 503 }] } } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,expiresOn\n${early},2027-01-31T00:00:00.000Z\n${late},2027-06-30T00:00:00.000Z\n${failing},2027-06-30T00:00:00.000Z\n`);
    const folder = join(dir, 'run');
    const argv = { csv, 'base-url': mock.origin, rate: '0', retries: '0', 'log-level': 'info' };
    const run = async (at: string, more: Record<string, unknown>): Promise<string> => {
      const now = new Date(at);
      return (await bulkIngest(await resolveApplyOptions({ ...argv, ...more }, { TI_API_KEY: KEY }, now), { cwd: dir, now: () => now })).summary.status;
    };

    assert.equal(await run('2026-12-01T00:00:00.000Z', { out: folder }), 'completed');
    assert.equal(await run('2027-03-01T00:00:00.000Z', { resume: folder }), 'refused');

    assert.equal(mock.requests.length, 3);
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.deepEqual(report.map((row) => [row.id, row.outcome]), [
      [early, 'invalid'],
      [late, 'updated'],
      [failing, 'skipped'],
    ]);
    assert.deepEqual((await readCsvFile(join(folder, 'failed.csv'))).map((row) => row.id), [early, failing]);
  });
});

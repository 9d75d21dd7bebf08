import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { apply } from '../../src/cli/commands/apply.js';
import { resolveApplyRun } from '../../src/cli/file-run.js';
import { Flags } from '../../src/cli/flags/spec.js';

const resolveApplyOptions = (
  argv: Record<string, unknown>,
  env: Record<string, string>,
  now: Date,
  context: { cwd: string; typed: Set<string> },
): ReturnType<typeof resolveApplyRun> => resolveApplyRun(new Flags('apply', argv, apply.flags), env, now, context);
import { runFile } from '../../src/pipeline/run.js';
import { ids, KEY, mockStarter, readCsvFile, requestsFor, tempDir, writeCsv } from '../helpers.js';

const mockWith = mockStarter();

describe('a resumed run judges every row again', () => {
  it('reports invalid a row an earlier session updated whose expiry has passed since, and skips validating the others it updated', async () => {
    const [early, late, failing] = ids(3) as [string, string, string];
    const mock = await mockWith([early, late, failing], { faults: { script: { [failing]: [{ kind: 'status', status: 503 }] } } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,expiresOn\n${early},2027-01-31T00:00:00.000Z\n${late},2027-06-30T00:00:00.000Z\n${failing},2027-06-30T00:00:00.000Z\n`);
    const folder = join(dir, 'run');
    const argv = { csv, blind: true, 'base-url': mock.origin, rate: '0', retries: '0', 'skip-invalid': true, 'log-level': 'info' };
    const run = async (at: string, more: Record<string, unknown>): Promise<void> => {
      const now = new Date(at);
      const { mode, options } = await resolveApplyOptions({ ...argv, ...more }, { TI_API_KEY: KEY }, now, {
        cwd: dir,
        typed: new Set(Object.keys({ ...argv, ...more })),
      });
      await runFile(mode, options, { cwd: dir, now: () => now });
    };

    await run('2026-12-01T00:00:00.000Z', { out: folder });
    await run('2027-03-01T00:00:00.000Z', { resume: folder });

    assert.deepEqual(
      [early, late, failing].map((id) => requestsFor(mock, id).map((request) => request.answer)),
      [[200], [200], [503, 200]],
    );
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.deepEqual(
      report.map((row) => [row.id, row.outcome]),
      [
        [early, 'invalid'],
        [late, 'updated'],
        [failing, 'updated'],
      ],
    );
    assert.match(report[0]?.error ?? '', /expiresOn .* is in the past/);
    assert.deepEqual(
      (await readCsvFile(join(folder, 'failed.csv'))).map((row) => row.id),
      [early],
    );
  });

  it('reads on from where the leading rows it updated end, and counts them', async () => {
    const rows = ids(3000);
    const failing = rows.slice(2400);
    const mock = await mockWith(rows, { faults: { script: Object.fromEntries(failing.map((id) => [id, [{ kind: 'status', status: 503 }]])) } });
    const dir = await tempDir();
    const csv = await writeCsv(
      dir,
      `id,name,currentBalance\n${rows.map((id, index) => `${id},"Batch ${index}, renamed for the migration",${index}`).join('\n')}\n`,
    );
    const folder = join(dir, 'run');
    const now = new Date('2026-12-01T00:00:00.000Z');
    const run = async (more: Record<string, unknown>): Promise<Awaited<ReturnType<typeof runFile>>> => {
      const argv = { csv, blind: true, 'base-url': mock.origin, rate: '0', retries: '0', 'circuit-breaker': '0', 'log-level': 'info', ...more };
      const { mode, options } = await resolveApplyOptions(argv, { TI_API_KEY: KEY }, now, { cwd: dir, typed: new Set(Object.keys(argv)) });
      return runFile(mode, options, { cwd: dir, now: () => now });
    };

    assert.equal((await run({ out: folder })).tally.rows.failed, 600);
    const resumed = await run({ resume: folder });

    assert.deepEqual(
      rows.map((id) => requestsFor(mock, id).length),
      rows.map((_, index) => (index < 2400 ? 1 : 2)),
    );
    assert.deepEqual([resumed.summary.status, resumed.summary.rows.updated, resumed.summary.rows.total], ['completed', 3000, 3000]);
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.deepEqual(
      report.map((row) => [row.line, row.outcome]),
      rows.map((_, index) => [String(index + 2), 'updated']),
    );
  });

  it('refuses to send when such a row makes the file invalid, and still ends with one record per row', async () => {
    const [early, late, failing] = ids(3) as [string, string, string];
    const mock = await mockWith([early, late, failing], { faults: { script: { [failing]: [{ kind: 'status', status: 503 }] } } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,expiresOn\n${early},2027-01-31T00:00:00.000Z\n${late},2027-06-30T00:00:00.000Z\n${failing},2027-06-30T00:00:00.000Z\n`);
    const folder = join(dir, 'run');
    const argv = { csv, blind: true, 'base-url': mock.origin, rate: '0', retries: '0', 'log-level': 'info' };
    const run = async (at: string, more: Record<string, unknown>): Promise<string> => {
      const now = new Date(at);
      const { mode, options } = await resolveApplyOptions({ ...argv, ...more }, { TI_API_KEY: KEY }, now, {
        cwd: dir,
        typed: new Set(Object.keys({ ...argv, ...more })),
      });
      return (await runFile(mode, options, { cwd: dir, now: () => now })).summary.status;
    };

    assert.equal(await run('2026-12-01T00:00:00.000Z', { out: folder }), 'completed');
    assert.equal(await run('2027-03-01T00:00:00.000Z', { resume: folder }), 'refused');

    assert.equal(mock.requests.length, 3);
    const report = await readCsvFile(join(folder, 'report.csv'));
    assert.deepEqual(
      report.map((row) => [row.id, row.outcome]),
      [
        [early, 'invalid'],
        [late, 'updated'],
        [failing, 'skipped'],
      ],
    );
    assert.deepEqual(
      (await readCsvFile(join(folder, 'failed.csv'))).map((row) => row.id),
      [early, failing],
    );
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { ids, mockStarter, readReport, readSummary, spawnCli, tempDir, writeCsv } from '../helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);
const startMock = mockStarter();

describe('the ti-credits command', () => {
  it('is the executable package.json names as its bin, with help listing the exit codes', async () => {
    // Run as the shell runs it (shebang, executable bit), not through npx: npx on a fresh clone may install
    // the project into its own cache, whose `prepare` rebuilds dist/ under the feet of the other test files.
    const { bin } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const { stdout } = await exec(join(root, bin['ti-credits'] ?? 'missing'), ['--help'], { cwd: root });
    assert.match(stdout, /ti-credits apply \[csv\]/);
    assert.match(stdout, /Exit codes \(each command's --help says what they mean for it\):\n {2}0 /);
  });
  it('exits with the code of the outcome', async () => {
    const [a, b] = ids(2) as [string, string];
    const mock = await startMock([a]);
    const dir = await tempDir();
    const ok = await spawnCli(['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${a},5\n`), '--base-url', mock.origin, '--rate', '0'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    const notFound = await spawnCli(
      ['apply', '--blind', '--yes', await writeCsv(dir, `id,currentBalance\n${b},5\n`, 'b.csv'), '--base-url', mock.origin, '--rate', '0'],
      dir,
    );
    assert.equal(notFound.code, 1);
    const invalid = await spawnCli(['apply', '--blind', '--yes', await writeCsv(dir, 'id,currentBalance\nx,5\n', 'c.csv'), '--base-url', mock.origin], dir);
    assert.equal(invalid.code, 2);
    const usage = await spawnCli(['apply'], dir);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^error: No CSV file was given\.\n/);
  });
  it('on Ctrl-C stops sending, lets requests in flight finish, records them and exits 130', async () => {
    const all = ids(40);
    const mock = await startMock(all, { faults: { latencyMs: 150 } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${all.map((id) => `${id},9`).join('\n')}\n`);
    const run = await spawnCli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin, '--rate', '0', '--concurrency', '2'], dir, async (pid) => {
      while (mock.requests.length < 3) await sleep(10);
      process.kill(pid, 'SIGINT');
    });
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /Stopping: no new row will be sent/);
    const applied = new Set(mock.requests.filter((request) => request.answer === 200).map((request) => request.id));
    const report = await readReport(dir);
    assert.equal(report.length, 40);
    assert.deepEqual(new Set(report.filter((row) => row.outcome === 'updated').map((row) => row.id)), applied);
    assert.ok(applied.size >= 3 && applied.size < 40, `${applied.size} applied`);
    assert.ok(report.filter((row) => row.outcome !== 'updated').every((row) => row.outcome === 'skipped'));
    assert.equal(mock.requests.length, applied.size, 'every request sent got its answer recorded');
    assert.equal((await readSummary(dir)).status, 'interrupted');
  });
});

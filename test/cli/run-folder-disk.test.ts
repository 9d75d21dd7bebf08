import assert from 'node:assert/strict';
import { existsSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fullDisk, readOnlyFolder } from '../disk/disk.js';
import { cli, ids, mockStarter, readCsvFile, tempDir, writeCsv } from '../helpers.js';
import { hostileServer } from '../hostile-server.js';

/**
 * The run folder on a disk that fills up or cannot be written (issue 12,
 * points 9–11). Each test says which disk it used: a real tmpfs where it can
 * mount one (root), otherwise the failure injected at the write calls of the
 * spawned ti-credits (test/disk/fail-writes.ts), or a folder of mode 0555.
 */
const startMock = mockStarter();

function balances(rowIds: readonly string[]): string {
  return `id,currentBalance\n${rowIds.map((id, index) => `${id},${1000 + index}`).join('\n')}\n`;
}

const FAST = ['--blind', '--yes', '--rate', '1000000', '--burst', '100'];

/** The lines sent.log journals (its entries, a cut last line left out). */
async function journalled(folder: string): Promise<Set<number>> {
  const text = await readFile(join(folder, 'sent.log'), 'utf8');
  return new Set(
    text
      .split('\n')
      .slice(0, -1)
      .filter((line) => /^\d+$/.test(line))
      .map(Number),
  );
}

describe('a run folder that cannot be written', () => {
  it(
    'refuses at once an --out where the system shows its state rather than keeping files, a link to one included',
    { timeout: 30_000, skip: process.platform !== 'linux' },
    async () => {
      const cwd = await tempDir();
      const input = await writeCsv(cwd, balances(ids(1)));
      symlinkSync('/proc/self', join(cwd, 'looks-ordinary'));
      for (const [out, under] of [
        ['/proc/1/xx', '/proc'],
        ['/sys/kernel/ti-credits', '/sys'],
        ['/dev/ti-credits/run', '/dev'],
        [join(cwd, 'looks-ordinary', 'run'), '/proc'],
      ] as const) {
        const run = await cli(['validate', input, '--out', out], { cwd });
        assert.equal(run.code, 2, run.stderr);
        assert.equal(
          run.stderr.split('\n')[0],
          `error: cannot create the report folder ${out}: it lies under ${under}, where the system shows its state rather than keeping files; nothing was sent.`,
        );
      }
      const file = join(cwd, 'a-file');
      writeFileSync(file, '');
      const underFile = await cli(['validate', input, '--out', join(file, 'run')], { cwd });
      assert.equal(underFile.code, 2, underFile.stderr);
      assert.match(underFile.stderr, /--out .*a-file\/run cannot be used: ENOTDIR/);
    },
  );

  it('refuses a read-only --out in one sentence, exit 2, before anything is sent (apply and validate)', async (t) => {
    const disk = await readOnlyFolder();
    t.diagnostic(`read-only folder by ${disk.how}`);
    try {
      const rowIds = ids(3);
      const mock = await startMock(rowIds);
      const cwd = await tempDir();
      const input = await writeCsv(cwd, balances(rowIds));
      const apply = await disk.spawn(['apply', input, '--base-url', mock.origin, '--out', disk.dir, ...FAST], cwd);
      assert.equal(apply.code, 2, apply.stderr);
      assert.match(
        apply.stderr,
        /^error: The run folder .* cannot be written: (its file system is read-only \(EROFS\)|permission to write there is denied \(EACCES\)); nothing was sent\.\n/,
      );
      assert.doesNotMatch(apply.stderr, /internal error|\n\s+at /);
      assert.equal(mock.requests.length, 0);
      const validate = await disk.spawn(['validate', input, '--out', disk.dir], cwd);
      assert.equal(validate.code, 2, validate.stderr);
      assert.match(validate.stderr, /^error: The run folder .* cannot be written: .*; nothing was sent\.\n/);
      assert.doesNotMatch(validate.stderr, /internal error|\n\s+at /);
      // A folder to create under it: the cause is that nothing can be created there, not a missing parent.
      const nested = await disk.spawn(['validate', input, '--out', join(disk.dir, 'a', 'b')], cwd);
      assert.equal(nested.code, 2, nested.stderr);
      assert.match(
        nested.stderr,
        /cannot create the report folder .*: (its file system is read-only \(EROFS\)|permission to write there is denied \(EACCES\)); nothing was sent\./,
      );
      assert.doesNotMatch(nested.stderr, /ENOENT/);
    } finally {
      await disk.close();
    }
  });

  it('stops sending at the first failed write of a full disk (exit 74), and a resume once space is freed finishes the run', async (t) => {
    const disk = await fullDisk(48 * 1024);
    t.diagnostic(`full disk by ${disk.how}`);
    try {
      const rowIds = ids(400);
      const mock = await startMock(rowIds);
      const cwd = await tempDir();
      const input = await writeCsv(cwd, balances(rowIds));
      const full = await disk.spawn(['apply', input, '--base-url', mock.origin, '--out', disk.dir, ...FAST], cwd);
      assert.equal(full.code, 74, full.stderr);
      assert.match(
        full.stderr,
        /\nerror: The run folder .* could not be written: no space is left on its disk \(ENOSPC\)\. The run stopped at the first failed write/,
      );
      assert.match(full.stdout, /ti-credits apply --resume \S+\/disk\/run --yes/);
      const puts = mock.requests.filter((request) => request.method === 'PUT');
      assert.ok(puts.length > 0 && puts.length < rowIds.length, `${puts.length} rows sent`);
      // Nothing was sent that sent.log does not hold: every request is one a resume knows of.
      const journal = await journalled(disk.dir);
      for (const put of puts) assert.ok(journal.has(rowIds.indexOf(put.id ?? '') + 2), `line ${rowIds.indexOf(put.id ?? '') + 2} sent without a journal entry`);
      await disk.free();
      const resumed = await disk.spawn(['apply', '--resume', disk.dir, '--yes'], cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const report = await readCsvFile(join(disk.dir, 'report.csv'));
      assert.deepEqual(
        report.map((row) => Number(row.line)).sort((a, b) => a - b),
        rowIds.map((_, index) => index + 2),
      );
      assert.ok(report.every((row) => row.outcome === 'updated'));
      rowIds.forEach((id, index) => assert.equal(mock.store.get(id)?.currentBalance, 1000 + index));
      const summary = JSON.parse(await readFile(join(disk.dir, 'summary.json'), 'utf8')) as { status: string };
      assert.equal(summary.status, 'completed');
    } finally {
      await disk.close();
    }
  });

  // A hang (the log retrying its write forever, deaf to signals) fails these by their timeout rather than holding the suite.
  it('exits with 74 at once when the disk fills during the run, log writes included, and nothing more is sent', { timeout: 60_000 }, async (t) => {
    const cwd = await tempDir();
    const trigger = join(cwd, 'disk-full-now');
    // Injected whatever the user: the disk must fill at a moment the test chooses (the first request).
    const disk = await fullDisk(0, { injected: { after: trigger } });
    t.diagnostic(`full disk by ${disk.how}`);
    const rowIds = ids(50);
    const mock = await startMock(rowIds, { onRequest: (request) => (request.method === 'PUT' ? writeFileSync(trigger, '') : undefined) });
    const input = await writeCsv(cwd, balances(rowIds));
    const run = await disk.spawn(['apply', input, '--base-url', mock.origin, '--out', disk.dir, '--concurrency', '1', ...FAST], cwd);
    assert.equal(run.code, 74, run.stderr);
    assert.match(run.stderr, /no space is left on its disk \(ENOSPC\)/);
    // The first row's request was in flight when the disk filled; its answer could not be recorded, and no other row was sent.
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 1);
  });

  it('ends at SIGTERM while the run folder cannot be written, however long a request in flight takes', { timeout: 60_000 }, async (t) => {
    const cwd = await tempDir();
    const trigger = join(cwd, 'disk-full-now');
    const refused = join(cwd, 'write-refused');
    const disk = await fullDisk(0, { injected: { after: trigger, refused } });
    t.diagnostic(`full disk by ${disk.how}`);
    const rowIds = ids(5);
    // An API that never answers: the run waits on its request in flight while its writes fail.
    const api = await hostileServer((request) => {
      if (request.method === 'PUT') writeFileSync(trigger, '');
    });
    const input = await writeCsv(cwd, balances(rowIds));
    const seen = new Promise<void>((resolve) => {
      const watcher = watch(cwd, () => {
        if (!existsSync(refused)) return;
        watcher.close();
        resolve();
      });
    });
    const run = await disk.spawn(
      ['apply', input, '--base-url', api.origin, '--out', disk.dir, '--concurrency', '1', '--timeout', '600000', ...FAST],
      cwd,
      (child) => {
        // Signals do not queue: the second is sent once the first has been taken (the run says it is stopping).
        child.stderr?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('Stopping:')) child.kill('SIGTERM');
        });
        void seen.then(() => child.kill('SIGTERM'));
      },
    );
    assert.equal(run.signal, null);
    // The second signal abandons the request in flight; the run ends as what stopped it first, the disk (74).
    assert.equal(run.code, 74, run.stderr);
    assert.equal(api.requests.length, 1);
  });
});

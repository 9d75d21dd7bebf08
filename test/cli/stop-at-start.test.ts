import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { cli, ids, KEY, mockStarter, readCsvFile, spawnCli, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();

/**
 * A Ctrl-C (or SIGTERM) that comes while the command line is still starting
 * (here: while its keyCommand runs, before the run has begun) stops the run
 * all the same: nothing is sent, and the run ends interrupted (exit 130).
 * The keyCommand says when it has started, and prints the key only once the
 * signal has been sent, so the signal always lands in that window.
 */
describe('a stop asked for while the run starts', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while the keyCommand runs: nothing is sent, the run ends interrupted (exit 130)`, async () => {
      const rows = ids(2);
      const mock = await startMock(rows);
      const dir = await tempDir();
      const keyCommand = join(dir, 'key.mjs');
      await writeFile(
        keyCommand,
        `import { existsSync, writeFileSync } from 'node:fs';
writeFileSync('asked', '');
const wait = () => (existsSync('go') ? process.stdout.write(${JSON.stringify(KEY)}) : setTimeout(wait, 10));
wait();
`,
      );
      await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ keyCommand: [process.execPath, keyCommand] }));
      const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id, index) => `${id},${500 + index}`).join('\n')}\n`);
      const run = await spawnCli(
        ['apply', csv, '--base-url', mock.origin, '--blind', '--yes', '--out', 'run'],
        dir,
        async (pid) => {
          while (!existsSync(join(dir, 'asked'))) await sleep(5);
          process.kill(pid, signal);
          await writeFile(join(dir, 'go'), '');
        },
        {},
      );
      assert.equal(run.code, 130, run.stderr);
      assert.deepEqual(mock.requests, []);
      const summary = JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8'));
      assert.deepEqual([summary.status, summary.rows.updated, summary.error.code], ['interrupted', 0, 'TIC-INTERRUPTED']);
    });
  }
});

describe('a stop asked for while the live values are read', () => {
  it('ends the run interrupted (exit 130), not refused: nothing sent, every row skipped as interrupted (none taken for a batch not found), the resume command printed', async () => {
    const rows = ids(30);
    const stop = new AbortController();
    const mock = await startMock(rows, { perPage: 10, faults: { latencyMs: 20 }, onRequest: (request) => void (request.method === 'GET' && stop.abort()) });
    const dir = await tempDir();
    const client = mock.store.get(rows[0] ?? '')?.clientId;
    const csv = await writeCsv(dir, `id,clientId,currentBalanceDelta\n${rows.map((id) => `${id},${client},+5`).join('\n')}\n`);
    const run = await cli(['apply', csv, '--base-url', mock.origin, '--rate', '0', '--yes', '--out', 'run'], { cwd: dir, shutdown: stop.signal });
    assert.equal(run.code, 130, run.stderr);
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 0);
    const summary = JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8'));
    assert.deepEqual([summary.status, summary.error.code], ['interrupted', 'TIC-INTERRUPTED']);
    assert.deepEqual(
      new Set((await readCsvFile(join(dir, 'run', 'report.csv'))).map((row) => [row.outcome, row.code].join(' '))),
      new Set(['skipped TIC-SKIPPED-INTERRUPTED']),
    );
    assert.match(run.stdout, /apply --resume run/);
  });
});

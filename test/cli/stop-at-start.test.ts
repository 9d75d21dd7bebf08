import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ids, KEY, mockStarter, spawnCli, tempDir, writeCsv } from '../helpers.js';

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

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRunLog } from '../src/report/log.js';
import { tempDir } from './helpers.js';

describe('run log', () => {
  it('redacts key-bearing fields if an object holding them is ever logged', async () => {
    const path = join(await tempDir(), 'run.log');
    const log = openRunLog(path, 'info');
    log.logger.info(
      { apiKey: 'ti_live_aaa', request: { headers: { authorization: 'Bearer ti_live_bbb' } }, options: { headers: { authorization: 'Bearer ti_live_ccc' } } },
      'x',
    );
    await log.close();
    const text = await readFile(path, 'utf8');
    assert.ok(!/ti_live_/.test(text), text);
    assert.equal((text.match(/\[redacted\]/g) ?? []).length, 3);
  });
  it('writes the per-row entries to the same file, in order, without the redaction walk', async () => {
    const path = join(await tempDir(), 'run.log');
    const log = openRunLog(path, 'info');
    log.logger.info({ event: 'start' }, 'run started');
    log.rows.info({ event: 'row', line: 2, outcome: 'updated' }, 'row');
    log.logger.info({ event: 'end' }, 'run finished');
    await log.close();
    const entries = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      entries.map((entry) => [entry.event, entry.level, typeof entry.time]),
      [
        ['start', 30, 'string'],
        ['row', 30, 'string'],
        ['end', 30, 'string'],
      ],
    );
  });
  it('has every line on disk once closed, even hundreds of thousands of them', async () => {
    const path = join(await tempDir(), 'run.log');
    const log = openRunLog(path, 'info');
    for (let i = 0; i < 200_000; i++) log.logger.info({ event: 'row', line: i }, 'row');
    await log.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 200_000);
    assert.equal(JSON.parse(lines.at(-1) ?? '{}').line, 199_999);
  });
});

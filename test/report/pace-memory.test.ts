import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACE_FILE, recallPace, rememberPace, type RememberedPace } from '../../src/report/pace-memory.js';
import { tempDir } from '../helpers.js';

const ACME = 'https://acme.thoughtindustries.com';
const GLOBEX = 'https://globex.thoughtindustries.com';
const learned = (ratePerMinute: number, stated = true): RememberedPace => ({
  ratePerMinute,
  burst: stated ? 100 : 1,
  stated,
  learnedAt: '2026-11-24T12:00:00.000Z',
});

describe('the pace memory (pace.json)', () => {
  it('gives back what was remembered for a target, and keeps each target apart', async () => {
    const root = await tempDir();
    assert.equal(await recallPace(root, ACME), undefined);
    await rememberPace(root, ACME, learned(600));
    await rememberPace(root, GLOBEX, learned(540, false));
    await rememberPace(root, ACME, learned(1200));
    assert.deepEqual(await recallPace(root, ACME), learned(1200));
    assert.deepEqual(await recallPace(root, GLOBEX), learned(540, false));
    assert.equal(await recallPace(root, 'http://127.0.0.1:4010'), undefined);
    // Written whole through a file of its own, renamed: nothing left beside it.
    assert.deepEqual(await readdir(root), [PACE_FILE]);
  });

  it('takes a torn or unreadable file as no memory at all, and the next run writes a whole one over it', async () => {
    const root = await tempDir();
    for (const text of ['{"targets": {"https://acme.thoughtindus', '', 'null', '[]', '{"targets": []}']) {
      await writeFile(join(root, PACE_FILE), text);
      assert.equal(await recallPace(root, ACME), undefined, text);
    }
    await rememberPace(root, ACME, learned(600));
    assert.deepEqual(JSON.parse(await readFile(join(root, PACE_FILE), 'utf8')), { targets: { [ACME]: learned(600) } });
  });

  it('ignores an entry that makes no sense, keeping the others', async () => {
    const root = await tempDir();
    const entries = {
      [ACME]: { ...learned(600), ratePerMinute: -5 },
      [GLOBEX]: learned(540),
      'http://a': { ratePerMinute: 1e9, burst: null, stated: true, learnedAt: 'x' },
      'http://b': 'fast',
    };
    await writeFile(join(root, PACE_FILE), JSON.stringify({ targets: entries }));
    assert.equal(await recallPace(root, ACME), undefined);
    assert.equal(await recallPace(root, 'http://a'), undefined);
    assert.deepEqual(await recallPace(root, GLOBEX), learned(540));
    await rememberPace(root, ACME, learned(600));
    assert.deepEqual(Object.keys(JSON.parse(await readFile(join(root, PACE_FILE), 'utf8')).targets).sort(), [ACME, GLOBEX]);
  });

  it('never fails a run: a root that cannot be written is left as it is', async () => {
    const dir = await tempDir();
    // A file where the folder should be: nothing can be written in it, whoever runs the test.
    const root = join(dir, 'reports');
    await writeFile(root, 'not a folder');
    await rememberPace(root, ACME, learned(600));
    await rememberPace(join(dir, 'missing', 'reports'), ACME, learned(600));
    assert.deepEqual(await readdir(dir), ['reports']);
    assert.equal(await readFile(root, 'utf8'), 'not a folder');
    assert.equal(await recallPace(root, ACME), undefined);
  });
});

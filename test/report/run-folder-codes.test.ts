import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InternalError, TiError } from '../../src/core/errors.js';
import { bug } from '../../src/core/words.js';
import { RUN_FOLDER_WORDS } from '../../src/core/words/run-folder.js';
import { readRunRecord } from '../../src/report/run-record.js';
import { unwritableFolder } from '../../src/report/write-failure.js';
import { tempDir } from '../helpers.js';

describe('the run folder says what is wrong with it under a code', () => {
  it('a folder without run.json is TIC-RUN-FOLDER-UNREADABLE; a damaged run.json, TIC-RUN-RECORD-DAMAGED', async () => {
    const dir = await tempDir();
    await assert.rejects(readRunRecord(dir), {
      code: 'TIC-RUN-FOLDER-UNREADABLE',
      kind: 'invalid',
      message: `${dir} is not a run folder: it has no run.json.`,
    });
    await writeFile(join(dir, 'run.json'), '{"command": "apply"}');
    await assert.rejects(readRunRecord(dir), {
      code: 'TIC-RUN-RECORD-DAMAGED',
      kind: 'invalid',
      message: `${join(dir, 'run.json')} is damaged, so the run cannot be resumed safely.`,
    });
  });

  it('a write that fails during a run is TIC-FOLDER-WRITE-FAILED, of kind unwritable, the system error kept as its cause', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = unwritableFolder('reports/run', full);
    assert.ok(error instanceof TiError);
    assert.deepEqual([error.code, error.kind, error.cause], ['TIC-FOLDER-WRITE-FAILED', 'unwritable', full]);
    assert.match(error.message, /^The run folder reports\/run could not be written: /);
  });

  it('what cannot happen is an InternalError with its code, never a TiError a kind would be acted on', () => {
    const error = bug(RUN_FOLDER_WORDS, 'TIC-INTERNAL-REPORT-COLUMN', { name: 'outcome' });
    assert.ok(error instanceof InternalError && !(error instanceof TiError));
    assert.deepEqual([error.code, error.message], ['TIC-INTERNAL-REPORT-COLUMN', 'a report read back needs a outcome column']);
  });
});

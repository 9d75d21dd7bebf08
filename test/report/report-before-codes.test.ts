import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openInput, readDataRows } from '../../src/read/data-rows.js';
import { RunFolder } from '../../src/report/run-folder.js';
import { ROW_REPORT } from '../../src/report/schema.js';
import { readHeader } from '../../src/validate/header.js';
import { readCsvFile, tempDir } from '../helpers.js';

const IDS = [
  '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6c',
  '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6d',
  '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6e',
] as const;

/** report.csv as a version before issue 22 wrote it: no `code` column after `error`. */
const OLD_HEADER =
  'line,outcome,httpStatus,attempts,error,id,name,sent,api.name,api.expiresOn,api.startingBalance,api.currentBalance,api.clientId,api.status,api.createdAt,api.updatedAt,api.creditAccountId,api.allocatedCredits';
const API = 'a,2027-01-01T00:00:00.000Z,10,5,c,active,x,y,z,0';
const EMPTY_API = ',,,,,,,,,';

/** The run folder an earlier version left when its run was killed: two sessions' records, the last one cut short. */
function oldRunFolder(dir: string, bom: string): string {
  const input = join(dir, 'input.csv');
  writeFileSync(input, `id,name\n${IDS.map((id, index) => `${id},${'abcd'[index] ?? ''}`).join('\n')}\n`);
  const records = [
    OLD_HEADER,
    `2,updated,200,1,,${IDS[0]},a,"{""name"":""a""}",${API}`,
    `3,failed,503,3,"503: busy, try again",${IDS[1]},b,"{""name"":""b""}",${EMPTY_API}`,
    `4,failed,404,1,404: not found,${IDS[2]},c,"{""name"":""c""}",${EMPTY_API}`,
    `5,updated,200,1,,${IDS[3]},"d`,
  ];
  writeFileSync(join(dir, 'report.csv'), bom + records.join('\n'));
  writeFileSync(join(dir, 'failed.csv'), `${bom}id,name,error\n${IDS[1]},b,"503: busy, try again"\n${IDS[2]},c,404: not found\n`);
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ command: 'apply', startedAt: '', input: { path: input, size: 0, sha256: '' }, target: null, options: {} }),
  );
  return input;
}

describe('a run whose report was written before reports had a code column', () => {
  for (const bom of ['', '\ufeff']) {
    it(`resumes: what it recorded reads back, its rows get an empty code, the rows sent now their codes${bom === '' ? '' : ' (--excel, a byte order mark first)'}`, async () => {
      const dir = await tempDir();
      const input = oldRunFolder(dir, bom);
      const columns = readHeader(input, { line: 1, cells: ['id', 'name'] });

      const folder = await RunFolder.reopen(dir, new Date());
      const prior = folder.loadPrior(columns, ROW_REPORT);
      assert.deepEqual([...prior.updated].sort(), [2], 'the updated row read back; the record cut short dropped');
      // The report is now of the shape this version appends to: an empty code after each error.
      const [header, ...kept] = readFileSync(join(dir, 'report.csv'), 'utf8').split('\n');
      assert.equal(header, `${bom}${OLD_HEADER.replace(',error,', ',error,code,')}`);
      assert.deepEqual(
        kept.map((record) => record.split(',').slice(0, 5).join(',')),
        ['2,updated,200,1,', '3,failed,503,3,"503: busy', '4,failed,404,1,404: not found', ''],
      );
      assert.ok(kept[1]?.includes('"503: busy, try again",,'), kept[1]);

      const report = folder.openReport(columns, { schema: ROW_REPORT, durable: true, excel: bom !== '' });
      report.write({ line: 3, outcome: 'updated', cells: [IDS[1], 'b'], attempts: 1, httpStatus: 200, sent: { name: 'b' } });
      report.write({
        line: 5,
        outcome: 'failed',
        cells: [IDS[3], 'd'],
        attempts: 1,
        httpStatus: 422,
        sent: { name: 'd' },
        error: '422: name too long',
        code: 'TIC-API-422',
        errorKind: 'rejected',
      });
      report.close();
      await folder.compactReport(async () => (await readDataRows(await openInput(input, {}))).batches, columns, { schema: ROW_REPORT, excel: bom !== '' });
      folder.release();

      assert.deepEqual((await readCsvFile(join(dir, 'report.csv'))).map((row) => [row.line, row.outcome, row.attempts, row.error, row.code]).sort(), [
        ['2', 'updated', '1', '', ''],
        ['3', 'updated', '4', '', ''],
        ['4', 'failed', '1', '404: not found', ''],
        ['5', 'failed', '1', '422: name too long', 'TIC-API-422'],
      ]);
      const failedText = readFileSync(join(dir, 'failed.csv'), 'utf8');
      assert.ok(failedText.startsWith(`${bom}id,name,error,code\n`), failedText);
      assert.deepEqual(await readCsvFile(join(dir, 'failed.csv')), [
        { id: IDS[2], name: 'c', error: '404: not found', code: '' },
        { id: IDS[3], name: 'd', error: '422: name too long', code: 'TIC-API-422' },
      ]);

      // Resumed again, the report is of this version's shape: read back as it is.
      const later = await RunFolder.reopen(dir, new Date());
      assert.deepEqual([...later.loadPrior(columns, ROW_REPORT).updated].sort(), [2, 3]);
      later.release();
    });
  }
});

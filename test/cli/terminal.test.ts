import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { startMockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { ids, mockStarter, readReport, readSummary, tempDir, writeCsv } from '../helpers.js';
import { CTRL_C, inTerminal } from '../pty.js';

const startMock = mockStarter();
const SGR_COLOUR = /\x1b\[(3\d|9\d)m/;
const CLIENT_OF_MOCK = randomUUID();

describe('at a terminal', () => {
  it('asks to confirm the plan, then draws a progress bar in colour', async () => {
    const rows = ids(3);
    const mock = await startMock(rows, { faults: { latencyMs: 200 } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await inTerminal(['apply', '--blind', csv, '--base-url', mock.origin, '--rate', '0', '--concurrency', '1'], dir, { typeAhead: 'y\n' });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Plan: update 3 credit batches on /);
    assert.match(run.output, /Send these changes\? \[y\/N\] /);
    assert.match(run.output, /[\u2588\u2591]+\S* \d\/3 rows \| \d+ rows\/min \([^)]*\), /);
    assert.match(run.output, SGR_COLOUR);
    assert.match(run.output, /Updated 3 of 3 rows/);
    assert.equal(mock.requests.length, 3);
  });

  it('sends nothing when the answer is not yes, and uses no colour under NO_COLOR', async () => {
    const rows = ids(2);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await inTerminal(['apply', '--blind', csv, '--base-url', mock.origin], dir, { typeAhead: 'n\n', env: { NO_COLOR: '1' } });
    assert.equal(run.code, 2, run.output);
    assert.match(run.output, /Send these changes\? \[y\/N\] /);
    const after = run.output.slice(run.output.indexOf('[y/N]'));
    assert.match(after, /Cancelled: nothing was sent\.\r?\nReport: reports\/\S+\/report\.csv \(every row skipped\)\r?\n/);
    assert.doesNotMatch(after, /error:|ti-credits apply/);
    assert.doesNotMatch(run.output, SGR_COLOUR);
    assert.equal(mock.requests.length, 0);
  });

  it("follows Node's colour rules: CI turns colour off, FORCE_COLOR turns it back on", async () => {
    const rows = ids(1);
    const mock = await startMock(rows);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows[0]},5\n`);
    const args = ['apply', '--blind', csv, '--base-url', mock.origin, '--yes'];
    const underCi = await inTerminal(args, dir, { env: { CI: 'true' } });
    assert.equal(underCi.code, 0, underCi.output);
    assert.match(underCi.output, /1\/1 rows/);
    assert.doesNotMatch(underCi.output, SGR_COLOUR);
    const forced = await inTerminal([...args, '--out', 'forced'], dir, { env: { CI: 'true', FORCE_COLOR: '1' } });
    assert.equal(forced.code, 0, forced.output);
    assert.match(forced.output, SGR_COLOUR);
  });

  it('on Ctrl-C, ends the bar before saying it is stopping, so nothing is drawn over the message', async () => {
    const rows = ids(30);
    const mock = await startMock(rows, { faults: { latencyMs: 150 } });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await inTerminal(['apply', '--blind', csv, '--base-url', mock.origin, '--rate', '0', '--concurrency', '1', '--yes'], dir, {
      cues: [{ when: / [1-9]\d*\/30 rows \|/, then: () => CTRL_C }],
    });
    assert.equal(run.code, 130, run.output);
    const stopping = run.output.indexOf('Stopping: no new row will be sent');
    assert.ok(stopping > 0, run.output);
    const after = run.output.slice(stopping);
    // \x1b8 is the bar's own "cursor back to where I began", which would put what follows over the message.
    assert.doesNotMatch(after, /\x1b8/);
    assert.doesNotMatch(after, /\d+\/30 rows \|/);
    assert.match(after, /error: The run was interrupted\./);
    assert.ok(mock.requests.length < 30);
  });

  it('on Ctrl-C at the question, says nothing was sent and exits 130, offering no command that sends', async () => {
    const rows = ids(2);
    const mock = await startMockApi({ store: new CreditBatchStore(rows.map((id) => ({ id, clientId: CLIENT_OF_MOCK, currentBalance: 100 }))) });
    const dir = await tempDir();
    // Reading before writing: the live values were read (requests were made), and still nothing was sent.
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await inTerminal(['apply', csv, '--base-url', mock.origin, '--client', CLIENT_OF_MOCK], dir, {
      cues: [{ when: /Send these changes\? \[y\/N\] $/, then: () => CTRL_C }],
    }).finally(() => mock.close());
    assert.equal(run.code, 130, run.output);
    const after = run.output.slice(run.output.indexOf('[y/N]'));
    assert.match(after, /Cancelled: nothing was sent\./);
    assert.doesNotMatch(after, /Stopping: |waiting for the requests in flight|must be fixed first|To continue where it stopped|ti-credits apply|error:/);
    assert.deepEqual(
      mock.requests.map((request) => request.method),
      ['GET'],
    );
    assert.deepEqual(
      (await readReport(dir)).map((row) => row.outcome),
      ['skipped', 'skipped'],
    );
    assert.equal((await readSummary(dir)).status, 'interrupted');
  });

  it('fits the bar to an 80-column terminal, keeping the failed count and the rate-limit pause', async () => {
    const rows = ids(12);
    const [missing, throttled] = [rows[1] ?? '', rows[3] ?? ''];
    const mock = await startMock(
      rows.filter((id) => id !== missing),
      {
        faults: {
          latencyMs: 50,
          script: { [throttled]: [{ kind: 'status', status: 429, headers: { 'retry-after': '3' }, body: { error: 'rate_limit_exceeded' } }] },
        },
      },
    );
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await inTerminal(['apply', csv, '--base-url', mock.origin, '--blind', '--rate', '0', '--concurrency', '1', '--yes'], dir, { columns: 80 });
    assert.equal(run.code, 1, run.output);
    const drawn = run.output
      .split(/\r|\n|\x1b\[\d*G/)
      .map((line) => stripVTControlCharacters(line))
      .filter((line) => / \d+\/12 rows\b|^\d+\/12 rows\b/.test(line));
    assert.ok(drawn.length > 0, run.output);
    for (const line of drawn) assert.ok(line.length < 80, `${line.length} columns: ${line}`);
    assert.ok(
      drawn.some((line) => /\b1 failed\b.*paused by rate limit, resuming in \d+ s/.test(line)),
      drawn.join('\n'),
    );
  });
});

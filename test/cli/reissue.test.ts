import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { cli, ids, KEY, mockStarter, requestsFor, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const quoted = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/** Runs a command line printed by ti-credits as a person pasting it into a shell would; `ti-credits` is this build. */
function paste(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assert.match(command, /^ti-credits /);
  const line = `${quoted(process.execPath)} ${quoted(MAIN)} ${command.slice('ti-credits '.length)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The command printed on the line after `heading`. */
function printedAfter(stdout: string, heading: RegExp): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => heading.test(line));
  assert.ok(at >= 0, stdout);
  return (lines[at + 1] ?? '').trim();
}

async function summaryIn(folder: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as Record<string, any>;
}

describe('commands printed to finish a run', () => {
  it('the resume command, pasted, continues with the options the run was started with, needing none repeated', async () => {
    const rows = ids(24);
    const stop = new AbortController();
    const mock = await startMock(rows, { faults: { latencyMs: 20 }, onRequest: () => void (mock?.requests.length === 6 && stop.abort()) });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance,Expires At\n${rows.map((id, index) => `${id},${500 + index},soon`).join('\n')}\n`, 'balances.csv');
    const options = ['--rate', '6000', '--burst', '7', '--concurrency', '2', '--timezone', 'Europe/Paris', '--extra-column', 'Expires At'];
    const first = await cli(['apply', csv, '--base-url', mock.origin, ...options, '--blind', '--yes', '--out', 'run of monday'], {
      cwd: dir,
      shutdown: stop.signal,
    });
    assert.equal(first.code, 130, first.stderr);
    const command = printedAfter(first.stdout, /^To continue where it stopped/);
    assert.equal(command, "ti-credits apply --resume 'run of monday' --yes");

    // Another instance in the environment is refused, not replaced by the run's own target: the key beside it is that instance's.
    const sentBefore = mock.requests.length;
    const elsewhere = await paste(command, dir, { TI_API_KEY: KEY, TI_INSTANCE: 'elsewhere' });
    assert.equal(elsewhere.code, 2, elsewhere.stderr);
    assert.match(elsewhere.stderr, /sent to http:\/\/127\.0\.0\.1:\d+, not https:\/\/elsewhere\.thoughtindustries\.com\.[^]*TIC-RESUME-OTHER-TARGET/);
    assert.equal(mock.requests.length, sentBefore);
    // Where nothing names a target, the run's own, recorded in run.json, is the one resumed.
    const resumed = await paste(command, dir, { TI_API_KEY: KEY });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /\n {2}\d+ rows at 6,000\/min: /);
    assert.ok(
      rows.every((id) => requestsFor(mock, id).filter((request) => request.answer === 200).length === 1),
      'a row was applied twice or never',
    );
    const summary = await summaryIn(join(dir, 'run of monday'));
    assert.equal(summary.status, 'completed');
    assert.deepEqual(
      [
        summary.options.ratePerMinute,
        summary.options.burst,
        summary.options.concurrency,
        summary.options.timezone,
        summary.options.extraColumns,
        summary.options.blind,
      ],
      [6000, 7, 2, 'Europe/Paris', ['Expires At'], true],
    );
  });

  it('the failed.csv command, pasted, re-sends the rows with the same pace, key file and columns', async () => {
    const [known, missing] = ids(2) as [string, string];
    const mock = await startMock([known, missing], { faults: { script: { [missing]: [{ kind: 'status', status: 503 }] } } });
    const dir = await tempDir();
    await writeFile(join(dir, 'the key.txt'), `${KEY}\n`, { mode: 0o600 });
    // Read before written: each row names its client, whose live values are read first.
    const client = (id: string): string => mock.store.get(id)?.clientId ?? '';
    const csv = await writeCsv(dir, `id,clientId,currentBalance,Expires At\n${known},${client(known)},5,soon\n${missing},${client(missing)},6,later\n`);
    const first = await cli(
      [
        'apply',
        csv,
        '--base-url',
        mock.origin,
        '--rate',
        '600',
        '--burst',
        '100',
        '--retries',
        '0',
        '--api-key-file',
        'the key.txt',
        '--extra-column',
        'Expires At',
        '--yes',
      ],
      {
        cwd: dir,
        env: {},
      },
    );
    assert.equal(first.code, 1, first.stderr);
    const command = printedAfter(first.stdout, /^Rows not updated: /);
    assert.match(command, / --rate 600 --burst 100 --retries 0 .*--extra-column 'Expires At' --yes$/);

    const again = await paste(command, dir, {});
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.deepEqual(
      requestsFor(mock, missing).map((request) => request.answer),
      [503, 200],
    );
    assert.equal(mock.store.get(missing)?.currentBalance, 6);
  });
});

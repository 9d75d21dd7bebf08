import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, ids, KEY, mockStarter, readSummary, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();

/** The document a command printed on stdout with --json. */
function jsonOf(stdout: string): Record<string, any> {
  assert.notEqual(stdout, '', 'nothing on stdout');
  return JSON.parse(stdout) as Record<string, any>;
}

describe('the code of an error, wherever it is read', () => {
  it('--json: a usage error is a document holding the error and its code, as stderr says it', async () => {
    const dir = await tempDir();
    for (const [args, code] of [
      [['apply', 'x.csv', '--instance', 'acme', '--rate', '1e3', '--json'], 'TIC-FLAG-NUMBER'],
      [['validate', 'x.csv', '--rat', '600', '--json'], 'TIC-USAGE'],
      [['validate', '--json'], 'TIC-NO-FILE'],
      [['aply', 'x.csv', '--json'], 'TIC-UNKNOWN-COMMAND'],
    ] as const) {
      const run = await cli(args, { cwd: dir });
      assert.equal(run.code, 2, args.join(' '));
      const { error } = jsonOf(run.stdout);
      assert.deepEqual([error.kind, error.code], ['invalid', code], args.join(' '));
      assert.equal(run.stderr, `error: ${error.message}\n  ${error.hint} [${code}]\n`);
    }
    // Without --json, or for a command that takes no --json, stdout stays empty.
    assert.equal((await cli(['apply', 'x.csv', '--instance', 'acme', '--rate', '1e3'], { cwd: dir })).stdout, '');
    const login = await cli(['login', '--json'], { cwd: dir });
    assert.deepEqual([login.code, login.stdout], [2, '']);
    assert.match(login.stderr, /\[TIC-USAGE\]\n$/);
  });

  it('--json: a key ti-credits refuses says its code, and nothing reaches the API', async () => {
    const [a] = ids(1) as [string];
    const mock = await startMock([a]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},9\n`);
    const run = await cli(['apply', csv, '--base-url', mock.origin, '--dry-run', '--json'], { cwd: dir, env: { TI_API_KEY: `Bearer ${KEY}` } });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(jsonOf(run.stdout).error.code, 'TIC-KEY-MALFORMED');
    assert.match(run.stderr, /^error: TI_API_KEY starts with "Bearer"\.\n {2}Give the key alone; ti-credits adds "Bearer" itself\. \[TIC-KEY-MALFORMED\]\n$/);
    assert.deepEqual(mock.requests, []);
    // A key in the config file is refused before the command line is read: --json is still answered.
    await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ instance: 'acme', apiKey: 'x' }));
    const config = await cli(['validate', csv, '--json'], { cwd: dir });
    assert.equal(config.code, 2);
    assert.equal(jsonOf(config.stdout).error.code, 'TIC-CONFIG-HOLDS-KEY');
  });

  it('--json: a key the API refuses is in the error object, with its code, for a run and for whoami', async () => {
    const [a] = ids(1) as [string];
    const mock = await startMock([a]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},9\n`);
    const env = { TI_API_KEY: 'ti_test_wrong_0123456789abcdef' };
    const run = await cli(['apply', csv, '--base-url', mock.origin, '--dry-run', '--json'], { cwd: dir, env });
    assert.equal(run.code, 3, run.stderr);
    const printed = jsonOf(run.stdout);
    assert.deepEqual([printed.status, printed.error.kind], ['refused', 'auth']);
    assert.equal(printed.error.code, 'TIC-API-401', JSON.stringify(printed.error));
    assert.deepEqual((await readSummary(dir)).error, printed.error);
    const whoami = await cli(['whoami', '--base-url', mock.origin, '--json'], { cwd: dir, env });
    assert.equal(whoami.code, 3, whoami.stderr);
    const facts = jsonOf(whoami.stdout);
    assert.equal(facts.accepted, false);
    assert.deepEqual(Object.keys(facts.error), ['kind', 'code', 'message', 'hint']);
    assert.deepEqual([facts.error.kind, facts.error.code], ['auth', printed.error.code]);
    assert.match(facts.error.message, /the API rejected the key \(401/);
  });

  it("summary.json's error carries the code of what refused the run", async () => {
    const [a] = ids(1) as [string];
    const mock = await startMock([a]);
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${a},9\n`);
    // No terminal to ask on, and no --yes.
    const run = await cli(['apply', csv, '--base-url', mock.origin, '--blind', '--json'], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    const summary = await readSummary(dir);
    assert.deepEqual([summary.status, summary.error.kind, summary.error.code], ['refused', 'invalid', 'TIC-CONFIRM-NO-TERMINAL']);
    assert.deepEqual(jsonOf(run.stdout).error, summary.error);
    assert.match(run.stderr, /\(as scripts, cron jobs and CI must\)\. \[TIC-CONFIRM-NO-TERMINAL\]\n/);
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 0);
  });

  it('shows the code on a line of its own when the error has no hint', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ rate: { perMinute: 600 } }));
    const run = await cli(['validate', 'x.csv'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `error: The config file ${join(dir, 'ti-credits.config.json')} sets "rate" to {"perMinute":600}; an option takes a string, a number or true/false.\n  [TIC-CONFIG-VALUE]\n`,
    );
  });
});

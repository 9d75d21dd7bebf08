import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, ids, KEY, mockStarter, tempDir, writeCsv } from '../helpers.js';
import { inTerminal } from '../pty.js';

const startMock = mockStarter();
const LIVE_KEY = 'ti_live_local_mock_production_key';

/** A mock with one batch, a CSV setting it to 5, and a config file written by `config` in a fresh folder. */
async function setUp(config: (origin: string) => unknown, mockOptions: Parameters<typeof startMock>[1] = {}) {
  const rows = ids(1);
  const mock = await startMock(rows, mockOptions);
  const dir = await tempDir();
  await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify(config(mock.origin)));
  const csv = await writeCsv(dir, `id,currentBalance\n${rows[0]},5\n`);
  return { mock, dir, csv, id: rows[0] ?? '' };
}

describe('profiles: precedence', () => {
  it('takes flags over the environment over the profile over the file over the defaults', async () => {
    const other = await startMock(ids(1));
    const { mock, dir, csv } = await setUp((origin) => ({
      rate: 100,
      burst: 7,
      timeout: 20_000,
      profiles: { sandbox: { baseUrl: origin, live: false, rate: 200, timeout: 25_000 } },
    }));
    const dryRun = ['apply', '--blind', csv, '--dry-run'];
    // The only profile is the default: its rate beats the file's; the file's burst beats the default; the default retries stand.
    const profiled = await cli([...dryRun, '--out', 'a'], { cwd: dir });
    assert.equal(profiled.code, 0, profiled.stderr);
    const options = async (folder: string) => JSON.parse(await readFile(join(dir, folder, 'summary.json'), 'utf8')).options;
    const a = await options('a');
    assert.deepEqual([a.ratePerMinute, a.burst, a.timeoutMs, a.retries, a.profile, a.target], [200, 7, 25_000, 5, 'sandbox', mock.origin]);
    // A flag beats the profile.
    assert.equal((await cli([...dryRun, '--out', 'b', '--rate', '300'], { cwd: dir })).code, 0);
    assert.equal((await options('b')).ratePerMinute, 300);
    // The environment beats the profile's target; a flag beats the environment.
    assert.equal((await cli([...dryRun, '--out', 'c'], { cwd: dir, env: { TI_API_KEY: KEY, TI_BASE_URL: other.origin } })).code, 0);
    assert.equal((await options('c')).target, other.origin);
    assert.equal((await cli([...dryRun, '--out', 'd', '--base-url', mock.origin], { cwd: dir, env: { TI_API_KEY: KEY, TI_BASE_URL: other.origin } })).code, 0);
    assert.equal((await options('d')).target, mock.origin);
    assert.deepEqual([mock.requests.length, other.requests.length], [3, 1], 'one GET /ping per dry run, each where it was sent');
  });

  it('names the profile, the target and the kind of key on the first line of the plan', async () => {
    const { mock, dir, csv } = await setUp((origin) => ({ profiles: { sandbox: { baseUrl: origin, live: false } } }));
    const run = await cli(['apply', '--blind', csv, '--dry-run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`\\nPlan: update 1 credit batch on ${mock.origin.replaceAll('.', '\\.')} \\(profile sandbox\\) with a sandbox key \\(ti_test_…\\)\\.\\n`),
    );
  });

  it('is chosen by --profile or TI_PROFILE when there are several, and refused when none is, or an unknown one', async () => {
    const sandbox = await startMock(ids(1));
    const { mock, dir, csv } = await setUp((origin) => ({
      profiles: { sandbox: { baseUrl: sandbox.origin, live: false }, staging: { baseUrl: origin, live: false } },
    }));
    const none = await cli(['apply', '--blind', csv, '--dry-run'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /defines 2 profiles \("sandbox", "staging"\) and none was chosen\.\n {2}Choose one with --profile sandbox \(or TI_PROFILE\)/);
    const unknown = await cli(['apply', '--blind', csv, '--dry-run', '--profile', 'stagin'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /--profile names the profile "stagin", which .* does not define \(it defines "sandbox", "staging"\)\.\n {2}Did you mean "staging"\?/,
    );
    assert.equal((await cli(['apply', '--blind', csv, '--dry-run', '--profile', 'staging', '--out', 'x'], { cwd: dir })).code, 0);
    assert.equal((await cli(['apply', '--blind', csv, '--dry-run', '--out', 'y'], { cwd: dir, env: { TI_API_KEY: KEY, TI_PROFILE: 'sandbox' } })).code, 0);
    assert.deepEqual([mock.requests.length, sandbox.requests.length], [1, 1]);
    // validate talks to no API: it needs no profile.
    assert.equal((await cli(['validate', csv, '--out', 'v'], { cwd: dir })).code, 0);
  });

  it('refuses a profile that does not say whether it is live, and --profile without a config file', async () => {
    const { dir, csv } = await setUp((origin) => ({ profiles: { sandbox: { baseUrl: origin } } }));
    const run = await cli(['apply', '--blind', csv, '--dry-run'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /The profile "sandbox" in .* does not say whether it is live/);
    const bare = await tempDir();
    const without = await cli(['whoami', '--profile', 'live'], { cwd: bare });
    assert.equal(without.code, 2);
    assert.match(without.stderr, /--profile names the profile "live", but there is no config file to define it/);
  });
});

describe('profiles: a live target', () => {
  it('refuses a key for the wrong environment before any request: a sandbox key on a live profile, and the reverse', async () => {
    for (const [live, key, said] of [
      [
        true,
        KEY,
        /The key from TI_API_KEY is a sandbox key \(ti_test_…\), but the profile "p" is a live one \(live: true\): a key for the wrong environment\. Nothing was sent\./,
      ],
      [false, LIVE_KEY, /The key from TI_API_KEY is a production key \(ti_live_…\), but the profile "p" is a sandbox one \(live: false\)/],
    ] as const) {
      const { mock, dir, csv } = await setUp((origin) => ({ profiles: { p: { baseUrl: origin, live } } }), { apiKeys: [KEY, LIVE_KEY] });
      for (const args of [['apply', '--blind', '--yes', csv], ['plan', csv], ['whoami']]) {
        const run = await cli(args, { cwd: dir, env: { TI_API_KEY: key } });
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, said);
      }
      assert.equal(mock.requests.length, 0);
      assert.equal(existsSync(join(dir, 'reports')), false);
    }
  });

  it('with --yes, needs --confirm-instance naming the target: refused without it or with another name, sent with it', async () => {
    const { mock, dir, csv, id } = await setUp((origin) => ({ profiles: { live: { baseUrl: origin, live: true } } }), { apiKeys: [LIVE_KEY] });
    const env = { TI_API_KEY: LIVE_KEY };
    const bare = await cli(['apply', '--blind', '--yes', csv], { cwd: dir, env });
    assert.equal(bare.code, 2);
    assert.match(
      bare.stderr,
      /Nothing was sent: the profile "live" is live, and --yes alone does not send to a live target\.\n {2}Add --confirm-instance 127\.0\.0\.1/,
    );
    const wrong = await cli(['apply', '--blind', '--yes', csv, '--confirm-instance', 'acme'], { cwd: dir, env });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--confirm-instance says "acme", but the target is http:\/\/127\.0\.0\.1:\d+ \("127\.0\.0\.1"\)/);
    assert.equal(mock.requests.length, 0);
    const right = await cli(['apply', '--blind', '--yes', csv, '--confirm-instance', '127.0.0.1'], { cwd: dir, env });
    assert.equal(right.code, 0, right.stderr);
    assert.equal(mock.store.get(id)?.currentBalance, 5);
  });

  it('prints the commands that finish the run with its profile and, beside --yes, the instance name', async () => {
    const { dir, csv } = await setUp((origin) => ({ profiles: { live: { baseUrl: origin, live: true } } }), { apiKeys: [LIVE_KEY] });
    await writeFile(csv, `${await readFile(csv, 'utf8')}${ids(1)[0]},7\n`);
    const run = await cli(['apply', '--blind', '--yes', '--confirm-instance', '127.0.0.1', csv], { cwd: dir, env: { TI_API_KEY: LIVE_KEY } });
    assert.equal(run.code, 1, run.stderr);
    const printed = /Rows not updated: .*\n {2}(ti-credits apply .*)\n/.exec(run.stdout)?.[1] ?? '';
    assert.match(printed, / --profile live --confirm-instance 127\.0\.0\.1 --yes$/);
    const again = await cli(printed.split(' ').slice(1), { cwd: dir, env: { TI_API_KEY: LIVE_KEY } });
    assert.equal(again.code, 1, again.stderr);
    assert.doesNotMatch(again.stderr, /--confirm-instance/);
  });

  it('is any target reached with a production key, profile or not', async () => {
    const rows = ids(1);
    const mock = await startMock(rows, { apiKeys: [LIVE_KEY] });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows[0]},5\n`);
    const run = await cli(['apply', '--blind', '--yes', csv, '--base-url', mock.origin], { cwd: dir, env: { TI_API_KEY: LIVE_KEY } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /the key is a production key \(ti_live_…\), and --yes alone does not send/);
    assert.equal(mock.requests.length, 0);
  });

  it('at a terminal, asks for the instance name instead of y: the name sends, anything else sends nothing', async () => {
    for (const [typed, code, balance] of [
      ['y\r', 2, 100],
      ['127.0.0.1\r', 0, 5],
    ] as const) {
      const { mock, dir, csv, id } = await setUp((origin) => ({ profiles: { live: { baseUrl: origin, live: true } } }), { apiKeys: [LIVE_KEY] });
      const run = await inTerminal(['apply', '--blind', csv], dir, {
        env: { TI_API_KEY: LIVE_KEY, NO_COLOR: '1' },
        cues: [{ when: /Type the instance name \(127\.0\.0\.1\) to send these changes: $/, then: () => typed }],
      });
      assert.equal(run.code, code, run.output);
      assert.match(run.output, /Plan: update 1 credit batch on http:\/\/127\.0\.0\.1:\d+ \(profile live\) with a production key \(ti_live_…\)\./);
      assert.doesNotMatch(run.output, /\[y\/N\]/);
      if (code === 2) assert.match(run.output, /Nothing was sent: the name typed is not "127\.0\.0\.1"\./);
      assert.equal(mock.store.get(id)?.currentBalance, balance);
    }
  });
});

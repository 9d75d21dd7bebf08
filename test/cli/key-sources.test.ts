import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyForms } from '../../src/core/secret.js';
import { cli, ids, KEY, mockStarter, runFolder, tempDir, writeCsv } from '../helpers.js';
import { startKeyringSession, runWith, type KeyringSession } from '../keyring.js';
import { inTerminal } from '../pty.js';

const startMock = mockStarter();

/** A program printing `text` on stdout (and `errText` on stderr), then exiting with `code`: a keyCommand, run without a shell. */
async function keyProgram(dir: string, text: string, code = 0, errText = ''): Promise<string[]> {
  const path = join(dir, `key-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(path, `process.stdout.write(${JSON.stringify(text)}); process.stderr.write(${JSON.stringify(errText)}); process.exitCode = ${code};\n`);
  return [process.execPath, path];
}

async function setUp(config: (origin: string, dir: string) => Promise<unknown> | unknown) {
  const rows = ids(1);
  const mock = await startMock(rows);
  const dir = await tempDir();
  await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify(await config(mock.origin, dir)));
  const csv = await writeCsv(dir, `id,currentBalance\n${rows[0]},5\n`);
  return { mock, dir, csv };
}

const NO_KEYRING = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/ti-credits-test-bus' };

describe('the key: where it comes from', () => {
  it('takes TI_API_KEY before a keyCommand, a keyCommand before an apiKeyFile, and records where it came from, never the key', async () => {
    const { mock, dir, csv } = await setUp(async (origin, folder) => {
      await writeFile(join(folder, 'profile.key'), 'ti_test_from_the_file\n', { mode: 0o600 });
      return { profiles: { sandbox: { baseUrl: origin, live: false, keyCommand: await keyProgram(folder, `${KEY}\n`) } }, apiKeyFile: 'profile.key' };
    });
    const fromCommand = await cli(['apply', '--blind', '--yes', csv, '--out', 'command'], { cwd: dir, env: NO_KEYRING });
    assert.equal(fromCommand.code, 0, fromCommand.stderr);
    const fromEnv = await cli(['apply', '--blind', '--yes', csv, '--out', 'env'], { cwd: dir, env: { ...NO_KEYRING, TI_API_KEY: KEY } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.deepEqual(
      mock.requests.map((request) => request.authorization),
      [`Bearer ${KEY}`, `Bearer ${KEY}`],
    );
    const record = async (folder: string) => JSON.parse(await readFile(join(dir, folder, 'run.json'), 'utf8')).options;
    assert.deepEqual([(await record('command')).keySource, (await record('env')).keySource], ['command', 'environment']);
    // The file named by the file's apiKeyFile serves once the profile names no keyCommand of its own.
    await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ baseUrl: mock.origin, apiKeyFile: 'profile.key' }));
    const fromFile = await cli(['apply', '--blind', '--yes', csv, '--out', 'file'], { cwd: dir, env: NO_KEYRING });
    assert.equal(fromFile.code, 3, 'the mock refuses that key: it was the one sent');
    assert.equal(mock.requests.at(-1)?.authorization, 'Bearer ti_test_from_the_file');
    assert.equal((await record('file')).keySource, 'file');
  });

  it('refuses a key file other users may read, naming the fix: nothing sent', async () => {
    const { mock, dir, csv } = await setUp(async (origin, folder) => {
      await writeFile(join(folder, 'open.key'), `${KEY}\n`, { mode: 0o644 });
      return { baseUrl: origin, apiKeyFile: 'open.key' };
    });
    for (const args of [[], ['--api-key-file', 'open.key']]) {
      const run = await cli(['apply', '--blind', '--yes', csv, ...args], { cwd: dir, env: NO_KEYRING });
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /\(.*open\.key\) may be read by other users \(mode 0644\); ti-credits reads a key only from a file readable by its owner alone\.\n {2}Run chmod 600 /,
      );
    }
    assert.equal(mock.requests.length, 0);
  });

  it('fails cleanly when the keyCommand fails: its exit code said, nothing it printed shown or kept, nothing sent', async () => {
    const secret = 'ti_test_printed_by_a_failing_command';
    for (const [command, said] of [
      [async (dir: string) => keyProgram(dir, secret, 3, `error: vault locked (${secret})`), /The keyCommand \(.*\) exited with code 3; nothing was sent\./],
      [async (dir: string) => keyProgram(dir, `${secret}\nsecond line\n`), /printed more than one line/],
      [async (dir: string) => keyProgram(dir, ''), /printed nothing/],
      [
        () => ['ti-credits-no-such-secrets-manager', 'read', 'op://x'],
        /could not be started: there is no program "ti-credits-no-such-secrets-manager" on the PATH/,
      ],
    ] as const) {
      const { mock, dir, csv } = await setUp(async (origin, folder) => ({ baseUrl: origin, keyCommand: await command(folder) }));
      const run = await cli(['apply', '--blind', '--yes', csv], { cwd: dir, env: { ...NO_KEYRING, PATH: process.env.PATH } });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, said);
      assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), run.stderr);
      assert.equal(mock.requests.length, 0);
      assert.equal(existsSync(join(dir, 'reports')), false);
    }
  });

  it('refuses a keyCommand written for a shell, since it is run without one', async () => {
    const { dir, csv } = await setUp((origin) => ({ baseUrl: origin, keyCommand: 'op read "op://vault/ti/credential" | head -1' }));
    const run = await cli(['apply', '--blind', '--yes', csv], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /keyCommand in .* is written for a shell/);
  });

  it('says, when no source has a key, that there is no keyring here and what the other ways are', async () => {
    const dir = await tempDir();
    const run = await runWith(['whoami', '--instance', 'acme'], dir, NO_KEYRING);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /No API key was given: TI_API_KEY is not set, there is no OS keyring service to ask \(.*\), and no keyCommand or apiKeyFile is configured\./,
    );
  });
});

describe('whoami', () => {
  it('checks the key with GET /ping and says the target, profile, kind of key and source, never the key', async () => {
    const { mock, dir } = await setUp(async (origin, folder) => ({
      profiles: { sandbox: { baseUrl: origin, live: false, keyCommand: await keyProgram(folder, KEY) } },
    }));
    const run = await cli(['whoami'], { cwd: dir, env: NO_KEYRING });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `^Target: {3}${mock.origin.replaceAll('.', '\\.')} \\(instance "127\\.0\\.0\\.1"; not live\\)\\nProfile: {2}sandbox \\(live: false\\) from .*ti-credits\\.config\\.json\\nKey: {6}a sandbox key \\(ti_test_…\\), from the keyCommand \\(.*\\) in .*\\nChecked: {2}the API accepted the key`,
      ),
    );
    const json = JSON.parse((await cli(['whoami', '--json'], { cwd: dir, env: NO_KEYRING })).stdout);
    assert.deepEqual([json.profile.name, json.keyKind, json.keySource.kind, json.accepted], ['sandbox', 'test', 'command', true]);
    assert.deepEqual(
      mock.requests.map((request) => request.path),
      ['/incoming/v2/ping', '/incoming/v2/ping'],
    );
    for (const form of keyForms(KEY)) assert.ok(!run.stdout.includes(form) && !run.stderr.includes(form));
  });

  it('exits 3 when the API refuses the key', async () => {
    const { dir } = await setUp((origin) => ({ baseUrl: origin }));
    const run = await cli(['whoami'], { cwd: dir, env: { TI_API_KEY: 'ti_test_not_this_one' } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^error: the API rejected the key \(401/);
    assert.match(run.stdout, /Key: {6}a sandbox key \(ti_test_…\), from TI_API_KEY\nChecked: {2}the API did not accept the key/);
    assert.ok(!run.stdout.includes('ti_test_not_this_one') && !run.stderr.includes('ti_test_not_this_one'));
  });
});

describe('login, logout and the OS keyring', () => {
  let session: KeyringSession | undefined;
  before(async () => {
    session = await startKeyringSession();
  });
  after(async () => {
    await session?.close();
  });

  it('stores a key read from a pipe, reads it back for a run and whoami, and removes it; or, with no keyring service, says so in one sentence with the other ways', async () => {
    const mock = await startMock(ids(1));
    const dir = await tempDir();
    const env = session?.env ?? NO_KEYRING;
    const login = await runWith(['login', '--base-url', mock.origin, '--stdin'], dir, env, `${KEY}\n`);
    if (session === undefined) {
      assert.equal(login.code, 2, login.stderr);
      assert.match(
        login.stderr,
        /^error: There is no OS keyring service here \(a server or CI usually has none\): give the key through TI_API_KEY, a keyCommand \(e\.g\. \["op", "read", "op:\/\/vault\/ti\/credential"\]\) or an apiKeyFile readable only by you\./,
      );
      return;
    }
    assert.equal(login.code, 0, login.stderr);
    assert.match(
      login.stdout,
      new RegExp(`^Stored a sandbox key \\(ti_test_…\\) for ${mock.origin.replaceAll('.', '\\.')} in the OS keyring, checked with GET /incoming/v2/ping\\.`),
    );
    const whoami = await runWith(['whoami', '--base-url', mock.origin], dir, env);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, /Key: {6}a sandbox key \(ti_test_…\), from the OS keyring \(http:\/\/127\.0\.0\.1:\d+\)/);
    const csv = await writeCsv(dir, `id,currentBalance\n${mock.store.all()[0]?.id},5\n`);
    const run = await runWith(['apply', '--blind', '--yes', csv, '--base-url', mock.origin], dir, env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(await readFile(join(await runFolder(dir), 'run.json'), 'utf8')).options.keySource, 'keyring');
    assert.ok(mock.requests.every((request) => request.authorization === `Bearer ${KEY}`));
    const logout = await runWith(['logout', '--base-url', mock.origin], dir, env);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /^Removed the key for http:\/\/127\.0\.0\.1:\d+ from the OS keyring\./);
    const gone = await runWith(['whoami', '--base-url', mock.origin], dir, env);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /the OS keyring holds none for http:\/\/127\.0\.0\.1:\d+/);
  });

  it('reads the key at a terminal without echoing it, and stores nothing the API refuses', async () => {
    const mock = await startMock(ids(1));
    const dir = await tempDir();
    const typed = 'ti_test_typed_at_the_terminal_never_echoed';
    const run = await inTerminal(['login', '--base-url', mock.origin], dir, {
      env: { ...(session?.env ?? NO_KEYRING), NO_COLOR: '1' },
      cues: [{ when: /API key for http:\/\/127\.0\.0\.1:\d+ \(not shown as you type\): $/, then: () => `${typed}\r` }],
    });
    assert.ok(!run.output.includes(typed), run.output);
    assert.equal(run.code, 3, run.output);
    assert.match(run.output, /the API rejected the key \(401/);
    assert.match(run.output, /Nothing was stored\./);
    assert.equal(mock.requests.at(-1)?.authorization, `Bearer ${typed}`);
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers.js';

/**
 * An OS keyring for the tests, where the machine can run one: a private
 * D-Bus session with GNOME Keyring's Secret Service in it, its keyrings in a
 * temporary HOME, unlocked with a password of its own. scripts/ensure-keyring.sh
 * (run before `npm test`) installs gnome-keyring where it can; where the
 * machine has none, the tests check what ti-credits says instead.
 */
export interface KeyringSession {
  /** The environment a command needs to reach the keyring. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** A keyring session, or undefined where this machine cannot run one (then the fallback is what is tested). */
export async function startKeyringSession(): Promise<KeyringSession | undefined> {
  if (!installed('dbus-run-session') || !installed('gnome-keyring-daemon')) return undefined;
  const home = await tempDir();
  const child = spawn(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      'eval "$(printf ti-credits-test | gnome-keyring-daemon --unlock --components=secrets)"; echo "BUS=$DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null',
    ],
    {
      env: { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home },
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const close = async (): Promise<void> => {
    // Its input ends: the shell ends, dbus-run-session ends the bus, and the keyring daemon leaves with it.
    child.stdin.end();
    await closed;
  };
  const bus = await new Promise<string | undefined>((resolve) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = /BUS=(\S+)/.exec(output);
      if (found !== null) resolve(found[1]);
    });
    child.on('close', () => resolve(undefined));
    setTimeout(() => resolve(undefined), 10_000).unref();
  });
  if (bus === undefined) {
    await close();
    return undefined;
  }
  const env = { DBUS_SESSION_BUS_ADDRESS: bus };
  // The daemon may start and still refuse (a locked collection, no /dev/shm…): only a store that works counts.
  const probe = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { Entry } from '@napi-rs/keyring'; const e = new Entry('ti-credits-probe', 'probe', { linux: { store: 'secret-service' } }); e.setPassword('x'); if (e.getPassword() !== 'x') process.exit(1); e.deleteCredential();",
    ],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH, ...env },
      stdio: 'ignore',
      timeout: 20_000,
    },
  );
  if (probe.status !== 0) {
    await close();
    return undefined;
  }
  return { env, close };
}

/** The real command line with the given environment and standard input. */
export function runWith(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KEY, tempDir } from '../helpers.js';
import type { FailWrites } from './fail-writes.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const FAIL_WRITES = pathToFileURL(fileURLToPath(new URL('./fail-writes.js', import.meta.url))).href;

/**
 * A disk for a run folder that a test makes full or read-only: a real tmpfs
 * where the test can mount one (as root), otherwise the same failures
 * injected into the spawned ti-credits at its write calls (fail-writes.ts).
 * TI_TEST_DISK=injected forces the injection, to try that path as root.
 */
export interface TestDisk {
  /** The folder on that disk, to give as --out or --resume. */
  readonly dir: string;
  readonly how: 'tmpfs' | 'chmod' | 'injected';
  /** Runs the real command line with the disk as it is now. */
  spawn(args: readonly string[], cwd: string, onStart?: (child: ChildProcess) => void): Promise<SpawnedRun>;
  /** Frees the disk: a resumed run then writes as on any disk. */
  free(): Promise<void>;
  close(): Promise<void>;
}

export interface SpawnedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function canMount(): boolean {
  if (process.env.TI_TEST_DISK === 'injected' || process.getuid?.() !== 0) return false;
  return true;
}

function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' });
}

function spawnOn(env: Record<string, string>, preload: boolean) {
  return (args: readonly string[], cwd: string, onStart?: (child: ChildProcess) => void): Promise<SpawnedRun> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [...(preload ? ['--import', FAIL_WRITES] : []), MAIN, ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', TI_API_KEY: KEY, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      onStart?.(child);
    });
}

/**
 * A disk with `freeBytes` left on it: a 1 MB tmpfs filled up to that, or,
 * injected, a folder whose files may take that many bytes in all.
 */
export async function fullDisk(freeBytes: number, options: { injected?: Omit<FailWrites, 'dir' | 'code' | 'bytes'> } = {}): Promise<TestDisk> {
  const root = await tempDir();
  const mountPoint = join(root, 'disk');
  await mkdir(mountPoint);
  if (options.injected === undefined && canMount() && mountTmpfs(mountPoint, 'size=1m')) {
    const filler = join(mountPoint, 'filler');
    const { bavail, bsize } = await statfs(mountPoint);
    await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - freeBytes)));
    return {
      dir: join(mountPoint, 'run'),
      how: 'tmpfs',
      spawn: spawnOn({}, false),
      free: () => rm(filler),
      close: async () => unmount(mountPoint),
    };
  }
  let full = true;
  const fail: FailWrites = { dir: mountPoint, code: 'ENOSPC', bytes: freeBytes, ...options.injected };
  const injected = spawnOn({ TI_TEST_FAIL_WRITES: JSON.stringify(fail) }, true);
  const plain = spawnOn({}, false);
  return {
    dir: join(mountPoint, 'run'),
    how: 'injected',
    spawn: (...args) => (full ? injected(...args) : plain(...args)),
    free: async () => {
      full = false;
    },
    close: async () => {},
  };
}

/**
 * An existing, empty folder nothing can be written in: read-only by its
 * mode (chmod 0555) for a user other than root, whom modes do not stop; a
 * read-only tmpfs for root; the failure injected when neither can be had.
 */
export async function readOnlyFolder(): Promise<TestDisk> {
  const root = await tempDir();
  const dir = join(root, 'out');
  await mkdir(dir);
  const plain = spawnOn({}, false);
  if (process.env.TI_TEST_DISK !== 'injected' && process.getuid?.() !== 0) {
    await chmod(dir, 0o555);
    return { dir, how: 'chmod', spawn: plain, free: () => chmod(dir, 0o755), close: () => chmod(dir, 0o755) };
  }
  if (canMount() && mountTmpfs(dir, 'size=64k,ro')) {
    return { dir, how: 'tmpfs', spawn: plain, free: async () => {}, close: async () => unmount(dir) };
  }
  const fail: FailWrites = { dir, code: 'EROFS' };
  return { dir, how: 'injected', spawn: spawnOn({ TI_TEST_FAIL_WRITES: JSON.stringify(fail) }, true), free: async () => {}, close: async () => {} };
}

/**
 * Preloaded into a spawned ti-credits (`node --import`) where a test cannot
 * mount a small or read-only disk (not root): makes the disk under one folder
 * behave as a full or read-only one, at the system calls ti-credits writes
 * its run folder with. TI_TEST_FAIL_WRITES holds a `FailWrites` as JSON.
 *
 * - `ENOSPC`: the folder's files take `bytes` bytes in all, then every write
 *   fails, the last one short, as on a disk that fills up.
 * - `EROFS`: nothing can be created or written under the folder.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

export interface FailWrites {
  readonly dir: string;
  readonly code: 'ENOSPC' | 'EROFS';
  /** ENOSPC: how many bytes the folder's files may take in all. */
  readonly bytes?: number;
  /** Writes succeed, uncounted, until this file exists: the test decides the moment the disk fills. */
  readonly after?: string;
  /** Created at the first write refused: how a test learns, from outside, that it was. */
  readonly refused?: string;
}

const setting = process.env.TI_TEST_FAIL_WRITES;
if (setting !== undefined) install(JSON.parse(setting) as FailWrites);

function install(fail: FailWrites): void {
  const dir = resolve(fail.dir);
  const under = (path: unknown): boolean => typeof path === 'string' && (resolve(path) === dir || resolve(path).startsWith(dir + sep));
  const watched = new Set<number>();
  let left = fail.bytes ?? 0;
  const refusal = (syscall: string): NodeJS.ErrnoException =>
    Object.assign(new Error(`${fail.code}: ${fail.code === 'ENOSPC' ? 'no space left on device' : 'read-only file system'}, ${syscall}`), {
      code: fail.code,
      syscall,
    });
  const writes = (flags: unknown): boolean => typeof flags === 'string' && ['w', 'a', '+'].some((flag) => flags.includes(flag));
  /** Takes `length` bytes from what is left; how many may be written. */
  const { writeFileSync, existsSync } = fs;
  let told = false;
  const refuse = (syscall: string): never => {
    if (fail.refused !== undefined && !told) {
      told = true;
      writeFileSync(fail.refused, '');
    }
    throw refusal(syscall);
  };
  const take = (length: number, syscall: string): number => {
    if (fail.after !== undefined && !existsSync(fail.after)) return length;
    if (fail.code === 'EROFS' || left === 0) return refuse(syscall);
    const granted = Math.min(left, length);
    left -= granted;
    return granted;
  };
  const byteLength = (data: unknown): number => (typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength);

  const { openSync, writeSync, mkdirSync } = fs;
  fs.openSync = ((path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    if (under(path) && writes(flags) && fail.code === 'EROFS') throw refusal('open');
    const fd = openSync(path, flags ?? 'r', mode);
    if (under(path)) watched.add(fd);
    return fd;
  }) as typeof fs.openSync;
  fs.writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (!watched.has(fd)) return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const offset = typeof data === 'string' ? 0 : typeof rest[0] === 'number' ? rest[0] : 0;
    const granted = take(bytes.length - offset, 'write');
    return writeSync(fd, bytes, offset, granted);
  }) as typeof fs.writeSync;
  fs.mkdirSync = ((path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
    if (under(path) && fail.code === 'EROFS' && !fs.existsSync(path)) throw refusal('mkdir');
    return mkdirSync(path, options);
  }) as typeof fs.mkdirSync;

  const promises = fs.promises;
  const { writeFile, mkdir } = promises;
  promises.writeFile = (async (path: fs.PathLike | fs.promises.FileHandle, data: string | Uint8Array, options?: unknown) => {
    if (under(path)) {
      const length = byteLength(data);
      const granted = length === 0 && fail.code === 'ENOSPC' ? 0 : take(length, 'write');
      if (granted < length) {
        await writeFile(path, typeof data === 'string' ? Buffer.from(data).subarray(0, granted) : data.subarray(0, granted));
        return refuse('write');
      }
    }
    return writeFile(path, data, options as fs.WriteFileOptions);
  }) as typeof promises.writeFile;
  promises.mkdir = (async (path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
    if (under(path) && fail.code === 'EROFS' && !fs.existsSync(path)) throw refusal('mkdir');
    return mkdir(path, options);
  }) as typeof promises.mkdir;
  syncBuiltinESMExports();
}

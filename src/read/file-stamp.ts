import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { describeFileError } from './read-errors.js';

/** Enough of a file's identity to notice that it was edited between two reads. */
export interface FileStamp {
  readonly size: number;
  readonly modifiedMs: number;
  /**
   * When the file's content or attributes last changed, as the file system
   * keeps it: a tool can set the modification time back after a write
   * (`touch -r`, `cp --preserve=timestamps`, `rsync -t`), never this.
   */
  readonly changedMs: number;
  /** The file itself: a file saved over by another (an editor's rename) is another file. */
  readonly inode: number;
}

export async function stampFile(path: string): Promise<FileStamp> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return { size: info.size, modifiedMs: info.mtimeMs, changedMs: info.ctimeMs, inode: info.ino };
  } catch (error) {
    throw describeFileError(path, error);
  }
}

/**
 * Refuses, at once, anything but a regular file: a pipe, /dev/stdin or a
 * device. Every run reads its input more than once (to validate it before
 * anything is sent, then to send it), and identifies it by its bytes for
 * --resume; a stream read once and gone cannot be any of that, and a device
 * such as /dev/zero never ends.
 */
export async function assertRegularFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw describeFileError(path, error);
  }
  if (info.isDirectory()) throw describeFileError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (!info.isFile()) {
    const what = info.isFIFO() ? 'a pipe' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
    throw failure(FILE_WORDS, 'TIC-INPUT-NOT-A-FILE', { path, what });
  }
}

/** The rows sent must be the rows validated: refuse if the file changed in between. */
export async function assertUnchanged(path: string, stamp: FileStamp): Promise<void> {
  if (!(await isUnchanged(path, stamp))) {
    throw failure(FILE_WORDS, 'TIC-INPUT-CHANGED', { path });
  }
}

/**
 * Whether the file is still as `stamp` found it: the same file, the same
 * size, not written since (any write moves its change time, an edit that
 * keeps the size and sets the modification time back too).
 */
export async function isUnchanged(path: string, stamp: FileStamp): Promise<boolean> {
  let now: FileStamp;
  try {
    now = await stampFile(path);
  } catch {
    // Gone or unreadable: not the file validated.
    return false;
  }
  return now.size === stamp.size && now.modifiedMs === stamp.modifiedMs && now.changedMs === stamp.changedMs && now.inode === stamp.inode;
}

/** A file's content identity: what tells a resumed run it is given the same file. */
export interface FileFingerprint {
  readonly size: number;
  /** SHA-256 of the bytes, in hex. */
  readonly sha256: string;
}

/** Reads the file once, measuring and hashing what it reads. */
export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    throw describeFileError(path, error);
  }
  return { size, sha256: hash.digest('hex') };
}

import type { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';

/**
 * Why the operating system refuses a write, by the code it gives: what a
 * full or read-only disk looks like, as opposed to a bug in ti-credits.
 */
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'no space is left on its disk',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'its file system is read-only',
  EACCES: 'permission to write there is denied',
  EPERM: 'writing there is not permitted',
  EIO: 'its disk reported an input/output error',
  EFBIG: 'a file grew larger than its file system allows',
};

/** Whether `error` is the operating system refusing a write, rather than a bug. */
export function isWriteFailure(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in CAUSES;
}

/** What the operating system said, in words: "no space is left on its disk (ENOSPC)". */
export function writeFailureCause(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  return `${CAUSES[code] ?? error.message} (${code})`;
}

/**
 * The run stops at the first write to its folder that fails: a row sent
 * after it could not be recorded. What was written before stands.
 */
export function unwritableFolder(folder: string, error: NodeJS.ErrnoException): TiError {
  return failure(RUN_FOLDER_WORDS, 'TIC-FOLDER-WRITE-FAILED', { folder, cause: writeFailureCause(error) }, error);
}

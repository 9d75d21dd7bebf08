import { createReadStream } from 'node:fs';
import type { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import type { EncodingProblem } from './text-encoding.js';

/** The sentences for a file that cannot be read at all: the user's file, the user's words. */

/** Turns a failed file operation into a sentence about the user's file. */
export function describeFileError(path: string, error: unknown): TiError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return failure(FILE_WORDS, 'TIC-FILE-NOT-FOUND', { path }, error);
  if (code === 'EISDIR') return failure(FILE_WORDS, 'TIC-FILE-IS-FOLDER', { path }, error);
  if (code === 'EACCES' || code === 'EPERM') return failure(FILE_WORDS, 'TIC-FILE-NO-PERMISSION', { path }, error);
  return failure(FILE_WORDS, 'TIC-FILE-UNREADABLE', { path, why: (error as Error).message }, error);
}

/** Says why a file cannot be read as text, and what to do. `line` is where it shows, when known. */
export function describeEncodingProblem(path: string, detail: EncodingProblem, line?: number): TiError {
  const where = line === undefined ? '' : ` (line ${line})`;
  switch (detail.problem) {
    case 'bom-mismatch':
      return failure(FILE_WORDS, 'TIC-ENCODING-BOM-MISMATCH', { path, bom: detail.bomEncoding ?? '', encoding: detail.encoding });
    case 'nul':
      return failure(FILE_WORDS, 'TIC-ENCODING-NUL', { path, where, encoding: detail.encoding });
    case 'invalid-bytes':
      if (detail.encoding === 'utf-8') return failure(FILE_WORDS, 'TIC-ENCODING-NOT-UTF8', { path, where });
      return failure(FILE_WORDS, 'TIC-ENCODING-INVALID', { path, encoding: detail.encoding });
  }
}

/** The line on which byte `offset` of the file lies, counting LF, CRLF and lone CR as line ends. */
export async function lineAt(path: string, offset: number): Promise<number> {
  let line = 1;
  if (offset === 0) return line;
  let previous = 0;
  for await (const chunk of createReadStream(path, { end: offset - 1 })) {
    for (const byte of chunk as Buffer) {
      if (byte === 0x0d || (byte === 0x0a && previous !== 0x0d)) line++;
      previous = byte;
    }
  }
  return line;
}

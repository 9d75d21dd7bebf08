import { createReadStream } from 'node:fs';
import { TiError } from '../core/errors.js';
import type { EncodingProblem } from './text-encoding.js';

/** The sentences for a file that cannot be read at all: the user's file, the user's words. */

/** Turns a failed file operation into a sentence about the user's file. */
export function describeFileError(path: string, error: unknown): TiError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new TiError('invalid', `${path}: no such file.`, { hint: 'Check the path and run again.', cause: error });
  if (code === 'EISDIR') return new TiError('invalid', `${path} is a folder, not a file.`, { hint: 'Give the path of the CSV file or the workbook itself.', cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new TiError('invalid', `${path} cannot be read: permission denied.`, { hint: 'Check the file permissions.', cause: error });
  return new TiError('invalid', `${path} cannot be read: ${(error as Error).message}`, { cause: error });
}

/** Says why a file cannot be read as text, and what to do. `line` is where it shows, when known. */
export function describeEncodingProblem(path: string, detail: EncodingProblem, line?: number): TiError {
  const where = line === undefined ? '' : ` (line ${line})`;
  switch (detail.problem) {
    case 'bom-mismatch':
      return new TiError('invalid', `${path} starts with a ${detail.bomEncoding ?? ''} byte order mark, but --encoding says ${detail.encoding}.`, {
        hint: 'Leave out --encoding: the byte order mark says how the file is encoded.',
      });
    case 'nul':
      return new TiError('invalid', `${path} contains NUL bytes${where}, which a CSV file in ${detail.encoding} never has.`, {
        hint: 'If it is UTF-16 without a byte order mark, pass --encoding utf-16le; otherwise it is not a CSV file: export the sheet as CSV UTF-8.',
      });
    case 'invalid-bytes':
      if (detail.encoding === 'utf-8') {
        return new TiError('invalid', `${path} is not UTF-8 text: bytes${where} are not valid UTF-8, so names would be garbled.`, {
          hint: 'The file was saved in a legacy encoding (Excel\'s plain "CSV" format uses windows-1252 on Western systems): pass --encoding windows-1252, or save it again as "CSV UTF-8".',
        });
      }
      return new TiError('invalid', `${path} is not valid ${detail.encoding} text.`, {
        hint: 'Pass the --encoding the file was saved in, or save it again as "CSV UTF-8".',
      });
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

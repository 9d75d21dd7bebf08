import { open } from 'node:fs/promises';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { describeEncodingProblem, describeFileError } from './read-errors.js';
import { chooseEncoding, EncodingError, type EncodingName } from './text-encoding.js';

/** How a CSV file is laid out: settled once, from its first bytes, for every pass over it. */
export interface CsvLayout {
  readonly encoding: EncodingName;
  readonly bomBytes: number;
  readonly delimiter: Delimiter;
}

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** What the user said about the layout; anything left out is read from the file. */
export interface LayoutChoice {
  readonly encoding?: EncodingName | undefined;
  readonly delimiter?: Delimiter | undefined;
}

/** Enough of the file to hold its header line. */
const HEAD_BYTES = 64 * 1024;

/** Column names the header of an input file may hold, to tell which delimiter splits it into them. */
const KNOWN_COLUMNS = new Set(['id', 'name', 'expireson', 'currentbalance']);

export function describeDelimiter(delimiter: Delimiter): string {
  return delimiter === '\t' ? 'tab' : JSON.stringify(delimiter);
}

/** Reads the head of the file and settles its encoding and delimiter. */
export async function sniffLayout(path: string, choice: LayoutChoice): Promise<CsvLayout> {
  let head: Uint8Array;
  try {
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw describeFileError(path, error);
  }
  let encoding;
  try {
    encoding = chooseEncoding(head, choice.encoding);
  } catch (error) {
    throw error instanceof EncodingError ? describeEncodingProblem(path, error.detail) : error;
  }
  // Damage further on is the stream's to report, with its place; the header needs only to be legible.
  const text = new TextDecoder(encoding.encoding).decode(head.subarray(encoding.bomBytes));
  return { ...encoding, delimiter: choice.delimiter ?? detectDelimiter(path, headerLine(text)) };
}

/** The first line, up to a line break outside quotes. */
function headerLine(text: string): string {
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return text.slice(0, index);
  }
  return text;
}

/**
 * The delimiter that splits the header into the most known column names; a
 * header no delimiter splits is left to the header check to refuse. Two
 * delimiters that do equally well are never chosen between.
 */
export function detectDelimiter(path: string, header: string): Delimiter {
  const scored = DELIMITERS.map((delimiter) => ({
    delimiter,
    known: splitOutsideQuotes(header, delimiter).filter((cell) => KNOWN_COLUMNS.has(cell.trim().replace(/^"|"$/g, '').toLowerCase())).length,
  }));
  const best = Math.max(...scored.map((entry) => entry.known));
  const winners = scored.filter((entry) => entry.known === best && best > 1);
  if (winners.length === 1 && winners[0] !== undefined) return winners[0].delimiter;
  if (winners.length > 1) {
    throw failure(FILE_WORDS, 'TIC-DELIMITER-UNCERTAIN', { path, delimiters: winners.map((entry) => describeDelimiter(entry.delimiter)) });
  }
  return ',';
}

function splitOutsideQuotes(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === delimiter) {
      cells.push(line.slice(start, index));
      start = index + 1;
    }
  }
  cells.push(line.slice(start));
  return cells;
}

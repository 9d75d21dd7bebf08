import { open } from 'node:fs/promises';
import type { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import { describeFileError } from './read-errors.js';

/**
 * What a file is, by its content: the extension is whatever the user or
 * their mail client left on it.
 * - `xlsx`: a zip archive holding a workbook (`xl/workbook.xml`);
 * - `xls`: an OLE compound file: a legacy Excel 97-2003 workbook, or a
 *   password-protected .xlsx, which Excel wraps in one;
 * - `zip`: any other zip archive (an OpenDocument sheet, a damaged workbook...);
 * - `other`: anything else, for the CSV reader to judge.
 */
export type FileKind = 'xlsx' | 'xls' | 'zip' | 'other';

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const WORKBOOK_PART = 'xl/workbook.xml';

export async function detectFileKind(path: string): Promise<FileKind> {
  try {
    const head = await readHead(path, OLE_SIGNATURE.length);
    if (startsWith(head, OLE_SIGNATURE)) return 'xls';
    if (!startsWith(head, ZIP_SIGNATURE)) return 'other';
    return (await hasWorkbookPart(path)) ? 'xlsx' : 'zip';
  } catch (error) {
    throw describeFileError(path, error);
  }
}

export async function isWorkbook(path: string): Promise<boolean> {
  return (await detectFileKind(path)) === 'xlsx';
}

/** Why a file that is a spreadsheet, but not one ti-credits reads, is refused, and what to do. */
export function describeUnsupportedFile(path: string, kind: 'xls' | 'zip'): TiError {
  if (kind === 'xls') {
    return failure(FILE_WORDS, 'TIC-WORKBOOK-LEGACY', { path });
  }
  return failure(FILE_WORDS, 'TIC-ZIP-NOT-WORKBOOK', { path, part: WORKBOOK_PART });
}

async function readHead(path: string, length: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(length);
    const { bytesRead } = await file.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Whether the zip's directory lists the workbook part; a zip too damaged to have a directory does not. */
async function hasWorkbookPart(path: string): Promise<boolean> {
  // Loaded only for a zip: reading a CSV file need not carry the zip and XML readers.
  const { ZipArchive, ZipError } = await import('./zip-archive.js');
  let archive;
  try {
    archive = await ZipArchive.open(path);
  } catch (error) {
    if (error instanceof ZipError) return false;
    throw error;
  }
  try {
    return archive.has(WORKBOOK_PART);
  } finally {
    await archive.close();
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TiError } from '../core/errors.js';
import { writeJsonAtomically } from './atomic-file.js';

export const RUN_FILE = 'run.json';

/** What a run was started with, kept in its folder so that a resumed run can prove it continues the same one. */
export interface RunRecord {
  readonly command: 'apply' | 'validate';
  readonly startedAt: string;
  readonly input: { readonly path: string; readonly size: number; readonly sha256: string };
  /** The origin sent to; null for runs that send nothing. */
  readonly target: string | null;
  /** The options, as in summary.json: never the key. */
  readonly options: Readonly<Record<string, unknown>>;
}

export async function writeRunRecord(folder: string, record: RunRecord): Promise<void> {
  await writeJsonAtomically(join(folder, RUN_FILE), record);
}

export async function readRunRecord(folder: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(join(folder, RUN_FILE), 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TiError('invalid', missing ? `${folder} is not a run folder: it has no ${RUN_FILE}.` : `${join(folder, RUN_FILE)} cannot be read: ${(error as Error).message}`, {
      hint: 'Give --resume the folder of the interrupted run, as printed when it stopped (reports/<time>-<file name>).',
    });
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    if (typeof record.input?.sha256 !== 'string' || (record.command !== 'apply' && record.command !== 'validate')) throw new Error('fields missing');
    return record;
  } catch {
    throw new TiError('invalid', `${join(folder, RUN_FILE)} is damaged, so the run cannot be resumed safely.`, {
      hint: 'Send the rows not updated (failed.csv, and the rows report.csv does not list) in a new run instead.',
    });
  }
}

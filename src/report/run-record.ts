import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS, type FileCommand } from '../core/command.js';
import { failure } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';
import { writeJsonAtomically } from './atomic-file.js';

export const RUN_FILE = 'run.json';

/** How the file's cells were read: a resumed run must read them the same way. */
export interface ReadingSettings {
  readonly encoding: string | null;
  readonly delimiter: string | null;
  /** The sheet of a workbook named with --sheet; null when the file's one sheet with a header was read. */
  readonly sheet: string | null;
  readonly dateOnly: string;
  readonly timezone: string;
  readonly dateFormat: string | null;
  readonly thousandsSeparator: string | null;
  readonly allowPastExpiry: boolean;
}

/** How requests were sent; absent for a run that sends nothing. */
export interface SendingSettings {
  readonly target: string;
  readonly keyKind: 'live' | 'test' | 'unknown';
  /** Where the key was read from: a file's path, or null for the TI_API_KEY environment variable. Never the key. */
  readonly apiKeyFile: string | null;
  readonly concurrency: number;
  /** --rate as given: the most requests per minute; null when not given, the API's limit setting the pace (a run.json written before holds a number). */
  readonly ratePerMinute: number | null;
  /** Where the pace started: what the last run against the target learned (never above --rate), else --rate, else 120. */
  readonly startRatePerMinute?: number;
  readonly burst: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxThrottleWaitMs: number;
  readonly circuitBreaker: number;
}

/** The options as recorded in run.json, the log and summary.json: everything but the key. */
export type RecordedOptions = ReadingSettings &
  Partial<SendingSettings> & {
    readonly skipInvalid: boolean;
    readonly dryRun: boolean;
    readonly out: string | null;
    readonly logLevel: string;
    /** Write report.csv and failed.csv with a byte order mark, and report.xlsx and failed.xlsx beside them. */
    readonly excel: boolean;
    /** `apply`: whether it wrote without reading first (--blind), the clients named, the freshness required. */
    readonly blind?: boolean;
    readonly clients?: readonly string[];
    readonly maxStalenessMs?: number | null;
    /** Whether the writes were reconciled against the credit ledger once sent. */
    readonly reconcile?: boolean;
    /** `apply`'s guardrails, null where not set. */
    readonly limits?: {
      readonly maxBalanceChange: number | null;
      readonly maxTotalChange: number | null;
      readonly maxRows: number | null;
      readonly maxExpiryMoveDays: number | null;
    };
    /** `apply --plan`: the id of the saved plan sent. */
    readonly planId?: string;
    /** Columns carried as notes though their names resemble a field's (--extra-column). */
    readonly extraColumns: readonly string[];
    /** Where the key came from: the environment, the OS keyring, a keyCommand or a file. Never the key. */
    readonly keySource?: 'environment' | 'keyring' | 'command' | 'file';
    /** The config file's profile the run used. */
    readonly profile?: string;
  };

/** The reading settings, by their key in run.json and summary.json. */
export const READING_SETTINGS = [
  'encoding',
  'delimiter',
  'sheet',
  'dateOnly',
  'timezone',
  'dateFormat',
  'thousandsSeparator',
  'allowPastExpiry',
] as const satisfies readonly (keyof ReadingSettings)[];

/** What a run was started with, kept in its folder so that a resumed run can prove it continues the same one. */
export interface RunRecord {
  readonly command: FileCommand;
  readonly startedAt: string;
  readonly input: { readonly path: string; readonly size: number; readonly sha256: string };
  /** The origin sent to; null for runs that send nothing. */
  readonly target: string | null;
  /** The options, as in summary.json: never the key. */
  readonly options: RecordedOptions;
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
    throw failure(
      RUN_FOLDER_WORDS,
      'TIC-RUN-FOLDER-UNREADABLE',
      missing ? { folder, missing, file: RUN_FILE } : { folder, missing, path: join(folder, RUN_FILE), detail: (error as Error).message },
    );
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    if (
      typeof record.input?.sha256 !== 'string' ||
      !(COMMANDS as readonly string[]).includes(record.command) ||
      typeof record.options !== 'object' ||
      record.options === null
    )
      throw new Error('fields missing');
    return record;
  } catch {
    throw failure(RUN_FOLDER_WORDS, 'TIC-RUN-RECORD-DAMAGED', { path: join(folder, RUN_FILE) });
  }
}

import { resolve } from 'node:path';
import { TiError } from '../core/errors.js';
import { fingerprintFile } from '../read/file-stamp.js';
import { readRecordedReport } from '../report/recorded-report.js';
import { readRunRecord, RUN_FILE } from '../report/run-record.js';
import { readSentLog } from '../report/sent-log.js';
import type { Columns } from '../validate/header.js';
import { describeOptions, READING_OPTIONS, type RunOptions } from './run-options.js';

/**
 * Checks that `--resume <folder>` continues the run that folder holds: the
 * same file, unchanged, sent to the same place with the same choice about
 * invalid rows. Nothing is written before these checks pass, so a refused
 * resume leaves the folder as it was.
 */
export async function checkResume(folder: string, inputPath: string, options: RunOptions): Promise<void> {
  const record = await readRunRecord(folder);
  const refuse = (message: string, hint: string): TiError => new TiError('invalid', message, { hint });
  const { size, sha256 } = await fingerprintFile(inputPath);
  if (sha256 !== record.input.sha256 || size !== record.input.size) {
    const same = resolve(record.input.path) === inputPath;
    throw refuse(
      same
        ? `${inputPath} has changed since the run in ${folder} started, so its rows no longer match what that run recorded.`
        : `${inputPath} is not the file the run in ${folder} was started with (${record.input.path}).`,
      'Resume with the file exactly as it was, or start a new run (without --resume) for the changed file.',
    );
  }
  const target = options.send?.target.origin ?? null;
  if (target !== record.target) {
    throw refuse(`The run in ${folder} sent to ${String(record.target)}, not ${String(target)}.`, `Resume it with --base-url ${String(record.target)} (or the --instance it was started with).`);
  }
  if (record.options.skipInvalid !== options.skipInvalid) {
    const flag = record.options.skipInvalid === true ? 'with' : 'without';
    throw refuse(`The run in ${folder} was started ${flag} --skip-invalid.`, `Resume it ${flag} --skip-invalid, as recorded in its ${RUN_FILE}.`);
  }
  // Read another way, the same file would send other values than the first session did.
  const current = describeOptions(options);
  for (const { key, flag } of READING_OPTIONS) {
    const recorded = record.options[key] ?? null;
    if (recorded !== current[key]) {
      throw refuse(
        `The run in ${folder} read the file with ${flag} ${describeSetting(recorded)}, not ${describeSetting(current[key])}.`,
        `Resume it with the same ${flag} as recorded in its ${RUN_FILE}, so that every row means what it meant then.`,
      );
    }
  }
}

function describeSetting(value: unknown): string {
  if (value === null) return '(not given)';
  if (typeof value === 'boolean') return value ? '(given)' : '(not given)';
  return JSON.stringify(value);
}

/** What an interrupted run already did, as the resumed run needs it. */
export interface PriorRun {
  /** Lines the API confirmed: never sent again. */
  readonly updated: ReadonlySet<number>;
  /** Lines handed to the API whose answer was never recorded: the API may have applied them. */
  readonly inFlight: ReadonlySet<number>;
  /** Requests the recorded rows account for. */
  readonly requests: number;
}

/** Reads report.csv (cutting off a record a crash left half written) and sent.log of the run being resumed. */
export function loadPriorRun(folder: string, columns: Columns): PriorRun {
  const recorded = readRecordedReport(folder, columns);
  const sent = readSentLog(folder);
  const updated = new Set<number>();
  const inFlight = new Set<number>();
  let requests = 0;
  for (const [line, row] of recorded) {
    if (row.outcome === 'updated') updated.add(line);
    requests += row.attempts;
  }
  for (const [line, times] of sent) {
    if (times > (recorded.get(line)?.answered ?? 0)) inFlight.add(line);
  }
  return { updated, inFlight, requests };
}

import { resolve } from 'node:path';
import { TiError } from '../core/errors.js';
import { fingerprintFile } from '../read/file-stamp.js';
import { READING_SETTINGS, RUN_FILE, type ReadingSettings } from '../report/run-record.js';
import type { RunFolder } from '../report/run-folder.js';
import type { RunMode } from './mode.js';
import { describeOptions, type RunOptions } from './run-options.js';

/**
 * A resumed run that would not continue the run its folder holds: another
 * setting than the one recorded. A value with the setting's name and both
 * values, so that the command line words it with the flag the user types.
 */
export class ResumeMismatch extends TiError {
  readonly folder: string;
  readonly setting: keyof ReadingSettings | 'skipInvalid' | 'blind';
  readonly recorded: unknown;
  readonly current: unknown;

  constructor(folder: string, setting: ResumeMismatch['setting'], recorded: unknown, current: unknown) {
    super('invalid', `The run in ${folder} was started with ${setting} ${JSON.stringify(recorded)}, not ${JSON.stringify(current)}.`, {
      hint: `Resume it with the same settings as recorded in its ${RUN_FILE}, so that every row means what it meant then.`,
    });
    this.folder = folder;
    this.setting = setting;
    this.recorded = recorded;
    this.current = current;
  }
}

/**
 * Checks that `--resume <folder>` continues the run that folder holds: the
 * same file, unchanged, sent to the same place with the same choice about
 * invalid rows, read the same way. Nothing is written before these checks
 * pass, so a refused resume leaves the folder as it was.
 */
export async function checkResume(folder: RunFolder, inputPath: string, mode: RunMode, options: RunOptions): Promise<void> {
  const record = await folder.readRecord();
  const refuse = (message: string, hint: string): TiError => new TiError('invalid', message, { hint });
  const { size, sha256 } = await fingerprintFile(inputPath);
  if (sha256 !== record.input.sha256 || size !== record.input.size) {
    const same = resolve(record.input.path) === inputPath;
    throw refuse(
      same
        ? `${inputPath} has changed since the run in ${folder.path} started, so its rows no longer match what that run recorded.`
        : `${inputPath} is not the file the run in ${folder.path} was started with (${record.input.path}).`,
      // A run refused before sending (invalid rows, a plan not confirmed) is fixed by a new run, not resumed.
      folder.sentAnything()
        ? 'Resume with the file exactly as it was, or start a new run (without --resume) for the changed file.'
        : 'That run sent nothing: start a new run (without --resume) with the file as it is now.',
    );
  }
  const target = options.send?.target.origin ?? null;
  if (target !== record.target) {
    throw refuse(`The run in ${folder.path} sent to ${String(record.target)}, not ${String(target)}.`, `Resume it with --base-url ${String(record.target)} (or the --instance it was started with).`);
  }
  const current = describeOptions(mode, options);
  if (record.options.skipInvalid !== current.skipInvalid) throw new ResumeMismatch(folder.path, 'skipInvalid', record.options.skipInvalid, current.skipInvalid);
  // Reading before writing, the baselines recorded are what the rest is checked against; sent blind, nothing was recorded.
  if ((record.options.blind ?? true) !== current.blind) throw new ResumeMismatch(folder.path, 'blind', record.options.blind ?? true, current.blind);
  // Read another way, the same file would send other values than the first session did.
  for (const key of READING_SETTINGS) {
    const recorded = record.options[key] ?? null;
    if (recorded !== current[key]) throw new ResumeMismatch(folder.path, key, recorded, current[key]);
  }
}

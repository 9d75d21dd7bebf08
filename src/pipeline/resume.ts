import { resolve } from 'node:path';
import { TiError } from '../core/errors.js';
import { failure, say } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import { fingerprintFile } from '../read/file-stamp.js';
import { READING_SETTINGS, type ReadingSettings } from '../report/run-record.js';
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
    const { message, hint } = say(RUN_WORDS, 'TIC-RESUME-SETTING-DIFFERS', {
      folder,
      setting,
      recorded: JSON.stringify(recorded),
      current: JSON.stringify(current),
    });
    super('invalid', message, { code: 'TIC-RESUME-SETTING-DIFFERS', ...(hint === undefined ? {} : { hint }) });
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
  const { size, sha256 } = await fingerprintFile(inputPath);
  if (sha256 !== record.input.sha256 || size !== record.input.size) {
    const same = resolve(record.input.path) === inputPath;
    throw failure(RUN_WORDS, 'TIC-RESUME-OTHER-FILE', {
      input: inputPath,
      folder: folder.path,
      recorded: same ? undefined : record.input.path,
      sentAnything: folder.sentAnything(),
    });
  }
  const target = options.send?.target.origin ?? null;
  if (target !== record.target) {
    throw failure(RUN_WORDS, 'TIC-RESUME-OTHER-TARGET', { folder: folder.path, recorded: String(record.target), target: String(target) });
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

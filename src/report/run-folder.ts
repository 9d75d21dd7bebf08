import { mkdir, readdir } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { TiError } from '../core/errors.js';

/**
 * Creates the folder a run writes into. The default,
 * `reports/<UTC time>-<input name>/`, never collides with an earlier run;
 * an explicit `--out` that already holds files is refused rather than mixed.
 */
export async function createRunFolder(out: string | undefined, inputPath: string, now: Date, cwd: string): Promise<string> {
  if (out !== undefined) {
    const folder = resolve(cwd, out);
    const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new TiError('invalid', `--out ${out} cannot be used: ${error.message}`, { hint: 'Choose a folder ti-credits can create and write to.' });
    });
    if (entries.length > 0) {
      throw new TiError('invalid', `--out ${out} already holds files, perhaps an earlier run's report.`, { hint: 'Choose a new folder, or leave out --out to get one under reports/.' });
    }
    await mkdirOrExplain(folder, out);
    return folder;
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name = basename(inputPath, extname(inputPath)).replace(/[^\w.-]+/g, '_');
  const base = resolve(cwd, 'reports', `${stamp}-${name}`);
  await mkdirOrExplain(resolve(cwd, 'reports'), 'reports');
  for (let suffix = 1; ; suffix++) {
    const folder = suffix === 1 ? base : `${base}-${suffix}`;
    try {
      await mkdir(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new TiError('invalid', `cannot create the report folder ${folder}: ${(error as Error).message}`);
    }
  }
}

async function mkdirOrExplain(folder: string, shown: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new TiError('invalid', `cannot create the report folder ${shown}: ${(error as Error).message}`, { hint: 'Choose a folder ti-credits can write to with --out.' });
  }
}

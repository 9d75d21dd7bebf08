import { rename, writeFile } from 'node:fs/promises';

/** Written whole or not at all: a reader (or a resumed run) never sees half a file. */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

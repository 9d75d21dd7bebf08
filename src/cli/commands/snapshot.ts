import { takeSnapshot } from '../../pipeline/snapshot.js';
import type { ConfigFile } from '../config-file.js';
import { exitCodeForError, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError, formatSnapshotSummary } from '../messages.js';
import { resolveSnapshotOptions } from '../options.js';

export async function snapshotCommand(argv: Readonly<Record<string, unknown>>, io: CliIo, config: ConfigFile | undefined): Promise<number> {
  const options = await resolveSnapshotOptions(argv, io.env, io.cwd, config?.target);
  const result = await takeSnapshot(options, { cwd: io.cwd, shutdown: io.shutdown });
  const { summary } = result;
  if (summary.error !== null) io.stderr.write(formatError(summary.error));
  io.stdout.write(argv.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatSnapshotSummary(result, io.cwd));
  if (summary.status === 'interrupted') return EXIT.interrupted;
  if (summary.error !== null) return exitCodeForError(summary.error.kind as Parameters<typeof exitCodeForError>[0]);
  return EXIT.ok;
}

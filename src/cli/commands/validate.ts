import { bulkIngest } from '../../pipeline/bulk-ingest.js';
import type { CliIo } from '../io.js';
import { resolveValidateOptions } from '../options.js';
import { finishRun } from './run-command.js';

export async function validateCommand(argv: Readonly<Record<string, unknown>>, io: CliIo): Promise<number> {
  const result = await bulkIngest(resolveValidateOptions(argv, new Date()), { cwd: io.cwd, shutdown: io.shutdown });
  return finishRun(result, argv.json === true, io);
}

import { runFile } from '../../pipeline/run.js';
import type { CliIo } from '../io.js';
import { resolveValidateOptions } from '../options.js';
import { finishRun } from './run-command.js';

export async function validateCommand(argv: Readonly<Record<string, unknown>>, io: CliIo): Promise<number> {
  const { mode, options } = resolveValidateOptions(argv, new Date());
  const result = await runFile(mode, options, { cwd: io.cwd, shutdown: io.shutdown });
  return finishRun(result, argv.json === true, io);
}

import type { RunResult } from '../../pipeline/run.js';
import { exitCodeForRun } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError, formatRunSummary, type Reissue } from '../messages.js';

/** Shared ending of `apply` and `validate`: say what happened and choose the exit code. */
export function finishRun(result: RunResult, json: boolean, io: CliIo, reissue?: Reissue): number {
  const { summary } = result;
  if (summary.error !== null) io.stderr.write(formatError(summary.error));
  io.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatRunSummary(result, io.cwd, reissue));
  return exitCodeForRun(summary);
}

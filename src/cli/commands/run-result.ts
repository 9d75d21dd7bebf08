import type { RunResult } from '../../pipeline/run.js';
import type { CommandResult } from '../command.js';
import { exitCodeForRun } from '../exit-codes.js';
import { formatRunSummary, type Reissue } from '../views/summary.js';

/** How a run over a file ends, for `apply`, `plan` and `validate`: its error, its summary, its exit code. */
export function runResult(result: RunResult, cwd: string, reissue?: Reissue): CommandResult & { readonly json: unknown } {
  const { summary } = result;
  return { exit: exitCodeForRun(summary), error: summary.error, text: formatRunSummary(result, cwd, reissue), json: summary };
}

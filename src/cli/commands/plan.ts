import { keyScrubber } from '../../core/secret.js';
import { runFile } from '../../pipeline/run.js';
import type { ConfigFile } from '../config-file.js';
import { EXIT, exitCodeForRun } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatSavedPlan, rowCounts } from '../messages.js';
import { resolvePlanOptions } from '../options.js';
import { finishRun } from './run-command.js';

/**
 * `plan`: a dry run against the live values whose folder is a saved plan, for
 * a second person to approve and `apply --plan` to send. Exits as `kubectl
 * diff` does: 0 when nothing would change, 1 when something would (or a row
 * drifted), 2 when the plan cannot be made or the file has invalid rows.
 */
export async function planCommand(argv: Readonly<Record<string, unknown>>, given: CliIo, config: ConfigFile | undefined, typed: ReadonlySet<string>): Promise<number> {
  const { mode, options } = await resolvePlanOptions(argv, given.env, new Date(), { cwd: given.cwd, typed, fromConfig: config?.target });
  const scrub = keyScrubber(options.send?.target.apiKey ?? '');
  const io: CliIo = { ...given, stdout: { write: (text) => given.stdout.write(scrub(text)) }, stderr: { write: (text) => given.stderr.write(scrub(text)) } };
  const result = await runFile(mode, options, { cwd: io.cwd, shutdown: io.shutdown });
  const code = finishRun(result, argv.json === true, io);
  if (result.plan?.saved === undefined) return code;
  if (argv.json !== true) io.stdout.write(formatSavedPlan(result, io.cwd));
  if (code !== EXIT.ok) return code;
  const rows = rowCounts(result.summary);
  return rows.valid + rows.drifted > 0 ? EXIT.notAllUpdated : exitCodeForRun(result.summary);
}

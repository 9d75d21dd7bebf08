import { resolve } from 'node:path';
import { readRunRecord } from '../../report/run-record.js';
import type { RunResult } from '../../pipeline/run.js';
import { writeRunReport } from '../../pipeline/report-document.js';
import { verifyRun, type VerifyOptions } from '../../pipeline/verify.js';
import { RunFolder } from '../../report/run-folder.js';
import type { ConfigFile } from '../config-file.js';
import { EXIT, exitCodeForError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError, formatVerifySummary } from '../messages.js';
import { requiredFolder, resolveVerifyOptions } from '../options.js';

export async function verifyCommand(argv: Readonly<Record<string, unknown>>, io: CliIo, config: ConfigFile | undefined): Promise<number> {
  const record = await readRunRecord(resolve(io.cwd, requiredFolder(argv)));
  const options = await resolveVerifyOptions(argv, io.env, io.cwd, record.target, config?.target);
  return runVerify(options, argv.json === true, io);
}

/**
 * Verifies a run folder and says what it found; shared with `apply --verify`,
 * whose run's report.html is written again with what verify found.
 */
export async function runVerify(options: VerifyOptions, json: boolean, io: CliIo, run?: RunResult): Promise<number> {
  const result = await verifyRun(options, { shutdown: io.shutdown });
  const { summary } = result;
  if (run !== undefined && result.file !== undefined) {
    const folder = await RunFolder.reopen(run.folder, new Date());
    await folder.hold(() => writeRunReport(folder, run.summary, run.plan, result.rows));
  }
  if (summary.error !== null) io.stderr.write(formatError(summary.error));
  io.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatVerifySummary(result, io.cwd));
  if (summary.status === 'interrupted') return EXIT.interrupted;
  if (summary.error !== null) return exitCodeForError(summary.error.kind as Parameters<typeof exitCodeForError>[0]);
  return (summary.rows.changed ?? 0) > 0 ? EXIT.notAllUpdated : EXIT.ok;
}

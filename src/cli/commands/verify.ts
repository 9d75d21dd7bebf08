import { resolve } from 'node:path';
import { keyScrubber } from '../../core/secret.js';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';
import type { RunResult } from '../../pipeline/run.js';
import type { VerifyOptions } from '../../pipeline/verify.js';
import { readRunRecord } from '../../report/run-record.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForStop, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { guardFlags } from '../flags/guard.js';
import { reportsFlags, reportsRoot } from '../flags/ledger.js';
import { configFlags, logLevelOf, reportFlags } from '../flags/output.js';
import { pacingFlags, resolveSendOptions } from '../flags/pacing.js';
import { uuids, type FlagSpecs } from '../flags/spec.js';
import { targetFlags, targetNamed, type TargetDefaults } from '../flags/target.js';
import { notifyFlags } from '../flags/unattended.js';
import type { CliIo } from '../io.js';
import { formatVerifySummary } from '../views/summary.js';

/** What `verify` reads. */
const verifyFlags = {
  client: {
    type: 'list',
    describe: 'A client whose credit batches the run updated, for a run whose rows do not say theirs (a blind run without a clientId column)',
  },
  json: { ...reportFlags.json, describe: 'Print verify.json to stdout instead of the human summary' },
  'log-level': { ...reportFlags['log-level'], describe: 'Detail of the lines added to run.log' },
  reconcile: {
    ...guardFlags.reconcile,
    describe:
      "Also read the credit ledger for what the run's writes overwrote between their read and their PUT, and write correction.csv to give it back (--no-reconcile skips it)",
  },
} as const satisfies FlagSpecs;

export const verify: Command = {
  name: 'verify',
  summary: 'Read back every row a run updated and check that its batch still holds what was written',
  usage: ['ti-credits verify <run folder> [options]'],
  positional: { name: 'folder', describe: 'The folder of a finished apply run' },
  flags: { ...targetFlags, ...pacingFlags, ...verifyFlags, ...reportsFlags, ...notifyFlags, ...configFlags },
  examples: [['ti-credits verify reports/<run>', 'Check the run against the instance it sent to; writes verify.csv in its folder']],
  notes: [KEY_NOTE],
  exits: [
    [EXIT.ok, 'every row the run updated still holds what it wrote'],
    [
      EXIT.notAllUpdated,
      'some rows changed since the run wrote them (verify.csv says which), or a write overwrote a redemption (correction.csv gives it back)',
    ],
    [EXIT.refused, 'nothing was verified: the run has not finished, another target, usage or configuration'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C): no verify.csv'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): no verify.csv'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runVerifyCommand,
};

async function runVerifyCommand(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  const named = flags.string('folder');
  if (named === undefined) throw failure(OPTION_WORDS, 'TIC-NO-RUN-FOLDER', {});
  const folder = resolve(io.cwd, named);
  const record = await readRunRecord(folder);
  const fromConfig: TargetDefaults = config?.target ?? {};
  // The target defaults to the one the run sent to (its run.json): verifying elsewhere is refused, so naming it is only a check.
  const defaults: TargetDefaults =
    !targetNamed(flags, io.env, fromConfig) && record.target !== null ? { ...fromConfig, 'base-url': record.target } : fromConfig;
  const reports = reportsRoot(flags, io.cwd, input.typed, named);
  const { send, keyFile } = await resolveSendOptions(flags, io.env, defaults, io.cwd, reports);
  return verifyFolder(
    {
      folder,
      clients: uuids(flags, 'client', 'client'),
      logLevel: logLevelOf(flags),
      send,
      apiKeyFile: keyFile,
      reconcile: flags.raw.reconcile !== false,
      reports,
    },
    io,
  );
}

/**
 * Verifies a run folder and says what it found; shared with `apply --verify`,
 * whose run's report.html is written again with what verify found.
 */
export async function verifyFolder(options: VerifyOptions, io: CliIo, run?: RunResult): Promise<CommandResult> {
  const { verifyRun } = await import('../../pipeline/verify.js');
  const result = await verifyRun(options, { shutdown: io.shutdown });
  const { summary } = result;
  if (run !== undefined && result.file !== undefined) {
    const { rewriteRunReport } = await import('../../pipeline/report-document.js');
    await rewriteRunReport(run, result.rows);
  }
  const overwritten = (summary.reconciliation?.overwritten ?? 0) > 0;
  const exit = exitCodeForStop(summary) ?? ((summary.rows.changed ?? 0) > 0 || overwritten ? EXIT.notAllUpdated : EXIT.ok);
  return { exit, error: summary.error, text: formatVerifySummary(result, io.cwd), json: summary, scrub: keyScrubber(options.send.target.apiKey) };
}

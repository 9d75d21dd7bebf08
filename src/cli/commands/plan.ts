import { keyScrubber } from '../../core/secret.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForRun, FILE_NOTE, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { resolvePlanRun, runFlags } from '../file-run.js';
import { guardFlags, guardrailFlags } from '../flags/guard.js';
import { reportsFlags } from '../flags/ledger.js';
import { configFlags, operatorFlags, reportFlags } from '../flags/output.js';
import { pacingFlags } from '../flags/pacing.js';
import { readingFlags } from '../flags/reading.js';
import { targetFlags } from '../flags/target.js';
import { notifyFlags } from '../flags/unattended.js';
import { rowCounts } from '../messages.js';
import { formatSavedPlan } from '../views/plan.js';
import { runResult } from './run-result.js';

/**
 * `plan`: a dry run against the live values whose folder is a saved plan, for
 * a second person to approve and `apply --plan` to send. Exits as `kubectl
 * diff` does: 0 when nothing would change, 1 when something would (or a row
 * drifted), 2 when the plan cannot be made or the file has invalid rows.
 */
export const plan: Command = {
  name: 'plan',
  summary: 'Make a saved plan of the file against the live values, for a second person to approve and apply --plan to send',
  usage: ['ti-credits plan <file> [options]'],
  positional: { name: 'csv', describe: 'Excel workbook (.xlsx) or CSV file of changes' },
  flags: {
    ...targetFlags,
    ...pacingFlags,
    client: guardFlags.client,
    'client-names': guardFlags['client-names'],
    'max-staleness': guardFlags['max-staleness'],
    ...guardrailFlags,
    'skip-invalid': runFlags['skip-invalid'],
    ...readingFlags,
    ...reportFlags,
    ...reportsFlags,
    ...notifyFlags,
    ...configFlags,
  },
  examples: [
    ['ti-credits plan adjustments.csv --instance acme', 'Write plan.json, plan.html and plan.csv in a new folder; send nothing'],
    ['ti-credits apply --plan reports/<time>-adjustments --instance acme', 'Once approved: send exactly that plan'],
  ],
  notes: [FILE_NOTE, KEY_NOTE],
  exits: [
    [EXIT.ok, 'nothing would change: every row is already as asked; the plan is saved all the same'],
    [EXIT.notAllUpdated, 'the plan changes something, or some rows drifted: it is saved, for approval'],
    [EXIT.refused, 'no plan to approve: invalid rows, usage, configuration, or the live values could not be read'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C)'],
    [EXIT.unwritable, 'the plan folder could not be written (disk full, read-only): no plan to approve'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runPlan,
};

async function runPlan(input: CommandInput): Promise<CommandResult> {
  const { io, typed, config } = input;
  const { runFile } = await import('../../pipeline/run.js');
  const { mode, options } = await resolvePlanRun(input.flags, io.env, new Date(), { cwd: io.cwd, typed, fromConfig: config?.target });
  const scrub = keyScrubber(options.send?.target.apiKey ?? '');
  const { showReading } = await import('../progress-display.js');
  const result = await runFile(mode, options, {
    cwd: io.cwd,
    shutdown: io.shutdown,
    onReadStart: (progress, pace) => showReading(io, operatorFlags['progress-interval'].default * 1000, progress, pace),
  });
  const ran = runResult(result, io.cwd);
  if (result.plan?.saved === undefined) return { ...ran, scrub };
  const text = `${ran.text}${formatSavedPlan(result, io.cwd)}`;
  if (ran.exit !== EXIT.ok) return { ...ran, text, scrub };
  const rows = rowCounts(result.summary);
  return { ...ran, text, scrub, exit: rows.valid + rows.drifted > 0 ? EXIT.notAllUpdated : exitCodeForRun(result.summary) };
}

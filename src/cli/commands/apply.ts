import type { TiError } from '../../core/errors.js';
import type { PacingStats } from '../../core/run-facts.js';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';
import { SELECTION_WORDS } from '../../core/words/selection.js';
import { keyScrubber } from '../../core/secret.js';
import type { Plan } from '../../pipeline/plan.js';
import type { RunOptions } from '../../pipeline/run-options.js';
import { keyKind } from '../../send/api-target.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { askYesNo } from '../confirm.js';
import { EXIT, FILE_NOTE, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { resolveApplyRun, runFlags } from '../file-run.js';
import { guardFlags, guardrailFlags } from '../flags/guard.js';
import { approvalKeyFlags, onceFlags, reportsFlags } from '../flags/ledger.js';
import { configFlags, operatorFlags, reportFlags, resolveOperatorOptions } from '../flags/output.js';
import { pacingFlags } from '../flags/pacing.js';
import { readingFlags } from '../flags/reading.js';
import { targetFlags } from '../flags/target.js';
import { approvedPlanRefusal, holdingPlan, notifyFlags, requiringApproval, unattendedFlags } from '../flags/unattended.js';
import type { CliIo } from '../io.js';
import { askInstanceName, checkConfirmInstance, confirmationName, isLiveTarget, type ProfileFacts } from '../live-target.js';
import { CONFIRM_QUESTION, STOPPING } from '../messages.js';
import { formatPlan } from '../views/plan.js';
import { formatCancelled } from '../views/selection.js';
import { runResult } from './run-result.js';
import { onAbort } from '../../core/abort.js';

export const apply: Command = {
  name: 'apply',
  summary: 'Validate the whole file, then update every credit batch it lists',
  usage: ['ti-credits apply <file> [options]', 'ti-credits apply --plan <plan folder> [options]', 'ti-credits apply --resume <run folder> [options]'],
  positional: { name: 'csv', describe: 'Excel workbook (.xlsx) or CSV file: one row per credit batch to change (not needed with --resume or --plan)' },
  flags: {
    ...targetFlags,
    ...pacingFlags,
    ...guardFlags,
    ...guardrailFlags,
    ...runFlags,
    ...onceFlags,
    ...readingFlags,
    ...reportFlags,
    ...reportsFlags,
    ...approvalKeyFlags,
    ...operatorFlags,
    ...unattendedFlags,
    ...notifyFlags,
    ...configFlags,
  },
  examples: [
    [
      'TI_API_KEY=ti_live_… ti-credits apply adjustments.xlsx --instance acme',
      'Show the plan, ask to confirm it, then update the batches listed in the workbook on https://acme.thoughtindustries.com',
    ],
    [
      'ti-credits apply quarter.xlsx --sheet "Q3 rollover" --instance acme --excel',
      'Read one sheet of a workbook with several; write report.xlsx and failed.xlsx too',
    ],
    [
      'ti-credits apply rollover.csv --instance acme --timezone America/New_York --yes',
      'Quarterly rollover: dates alone expire at the end of the day in New York; no question asked (cron, CI)',
    ],
    ['ti-credits apply export.csv --instance acme --encoding windows-1252 --date-format DD/MM/YYYY', "Excel's plain CSV from a European locale"],
    ['ti-credits apply adjustments.csv --instance acme --dry-run', 'Validate, check the key and show the requests; change nothing'],
    [
      'ti-credits apply migration.csv --base-url https://learn.example.com --rate 600 --burst 100',
      'A custom domain on an Enterprise plan (600 requests/min, bursts of 100)',
    ],
    ['ti-credits apply --plan reports/<time>-adjustments --instance acme', 'Send a saved plan once it is approved, exactly as it was made'],
    ['ti-credits apply reports/<run>/failed.csv --instance acme', 'Send again the rows an earlier run did not update'],
    ['ti-credits apply --resume reports/<run>', 'Continue an interrupted run, with the file and options it was started with'],
    [
      'ti-credits apply --plan approved/q3 --profile live --non-interactive --confirm-instance acme --notify https://hooks.slack.com/services/…',
      'From cron, systemd or CI: send an approved plan to the live profile, asking nothing, and post how it ended',
    ],
  ],
  notes: [FILE_NOTE, KEY_NOTE],
  exits: [
    [EXIT.ok, 'every row was updated or already as asked (--dry-run: every row is valid and the API accepts the key)'],
    [
      EXIT.notAllUpdated,
      'the run finished but some rows were not updated (failed, drifted, uncertain, or invalid and skipped); --dry-run: some would not be (drifted, or invalid with --skip-invalid)',
    ],
    [EXIT.refused, 'nothing was sent: usage, configuration, invalid input, or the plan answered no at the question'],
    [
      EXIT.stopped,
      'sending was stopped: key refused (401/403), a redirect, an unknown host, an untrusted certificate, or the API down (--circuit-breaker); rows not sent are skipped',
    ],
    ...STANDARD_EXITS.interruptedSending,
  ],
  configurable: true,
  run: runApply,
};

async function runApply(input: CommandInput): Promise<CommandResult> {
  const { io: given, typed, config } = input;
  // With no one to ask, nothing is asked: only an approved plan goes, as if confirmed with --yes.
  const unattended = input.flags.boolean('non-interactive');
  const flags = unattended ? input.flags.with({ yes: true }) : input.flags;
  const { runFile } = await import('../../pipeline/run.js');
  const resolved = await resolveApplyRun(flags, given.env, new Date(), { cwd: given.cwd, typed, fromConfig: config?.target });
  const { mode } = resolved;
  const dryRun = mode.kind === 'dry-run';
  const refusal = unattended ? await approvedPlanRefusal(mode, given.cwd) : undefined;
  if (refusal !== undefined) throw refusal;
  const options = unattended ? requiringApproval(resolved.options) : resolved.options;
  const profile = config?.profile;
  // A dry run sends nothing, so needs no name; one it is given must still be the target's.
  if (options.send !== undefined)
    checkConfirmInstance(flags.string('confirm-instance'), flags.boolean('yes') && !dryRun, options.send.target.origin, profile, options.send.target.apiKey);
  // Whatever the API said reaches stdout and stderr through here, the key scrubbed from it in every form.
  const scrub = keyScrubber(options.send?.target.apiKey ?? '');
  const io: CliIo = { ...given, stdout: { write: (text) => given.stdout.write(scrub(text)) }, stderr: { write: (text) => given.stderr.write(scrub(text)) } };
  const operator = resolveOperatorOptions(flags, io.env, io.terminal);
  const { createProgressDisplay, showReading } = await import('../progress-display.js');
  const display = operator.quiet || dryRun ? undefined : createProgressDisplay(io, { intervalMs: operator.progressIntervalMs, color: operator.color });
  let asking = false;
  /** How the operator ended the run at the question, if they did: nothing was sent, and no command that sends is offered. */
  let cancelled: 'declined' | 'interrupted' | undefined;
  // At the question nothing is in flight: the line is ended, and the summary says nothing was sent.
  const sayStopping = (): void => {
    if (asking) cancelled = 'interrupted';
    void (asking ? io.stderr.write('\n') : display === undefined ? io.stderr.write(STOPPING) : display.note(STOPPING));
  };
  const stopListening = onAbort(io.shutdown, sayStopping);
  try {
    const lockWaitMs = flags.number('lock-timeout') * 1000;
    const result = await holdingPlan(mode, lockWaitMs, io.shutdown, () =>
      runFile(mode, options, {
        cwd: io.cwd,
        shutdown: io.shutdown,
        ...(io.hardStop === undefined ? {} : { hardStop: io.hardStop }),
        confirm: async (plan, pacing) => {
          const refusal = await confirmPlan(plan, pacing, options, profile, operator, io, (value) => (asking = value));
          if (refusal?.code === 'TIC-CANCELLED') cancelled ??= 'declined';
          return refusal;
        },
        onSendStart: (progress) => display?.start(progress),
        onReadStart: (progress, pace) => (operator.quiet ? () => {} : showReading(io, operator.progressIntervalMs, progress, pace)),
        lockWaitMs,
      }),
    );
    display?.stop();
    if (cancelled !== undefined)
      return { exit: cancelled === 'declined' ? EXIT.refused : EXIT.interrupted, text: formatCancelled(result, io.cwd), json: result.summary, scrub };
    // Off a terminal nobody answers a question: the commands printed next must not ask one.
    const ran = runResult(result, io.cwd, { yes: operator.yes || io.terminal === undefined });
    const { summary } = result;
    const send = options.send;
    const sentSomething = summary.status !== 'refused' && !dryRun && (summary.rows.updated ?? 0) > 0;
    if (!flags.boolean('verify') || send === undefined || !sentSomething || ran.exit === EXIT.interrupted) return { ...ran, scrub };
    const { verifyFolder } = await import('./verify.js');
    // The run has just reconciled its writes: verify only reads them back.
    const verified = await verifyFolder(
      {
        folder: result.folder,
        send,
        clients: options.guard?.clients ?? [],
        logLevel: options.logLevel,
        apiKeyFile: options.apiKeyFile,
        reconcile: false,
        reports: options.ledger?.root,
      },
      io,
      result,
    );
    return {
      // The run's own code says what happened to it; a clean run whose writes did not hold says so instead.
      exit: ran.exit === EXIT.ok ? verified.exit : ran.exit,
      error: ran.error ?? verified.error,
      text: `${ran.text}${verified.text}`,
      json: { ...(ran.json as object), verify: verified.json },
      scrub,
    };
  } finally {
    display?.stop();
    stopListening();
  }
}

/**
 * Shows the plan and asks the operator's word on it: undefined to go ahead,
 * or why nothing may be sent. Off a terminal no one can answer, so --yes is
 * the only way to send. A live target is confirmed by typing its name.
 */
async function confirmPlan(
  plan: Plan,
  pacing: PacingStats | undefined,
  options: RunOptions,
  profile: ProfileFacts | undefined,
  operator: ReturnType<typeof resolveOperatorOptions>,
  io: CliIo,
  asking: (value: boolean) => void,
): Promise<TiError | undefined> {
  const send = options.send;
  if (send === undefined) return undefined;
  const willAsk = !operator.yes && io.terminal !== undefined;
  if (!operator.quiet || willAsk) {
    // The pace the reads of the live values have found, or, sending blind, where it starts.
    io.stderr.write(
      formatPlan(plan, {
        profile: profile?.name,
        target: send.target.origin,
        keyKind: keyKind(send.target.apiKey),
        ratePerMinute: pacing?.ratePerMinute ?? send.ratePerMinute,
        burst: send.burst,
        maxStalenessMs: options.guard?.maxStalenessMs,
        limits: options.limits,
        skipInvalid: options.skipInvalid,
        reconcile: options.guard?.reconcile === true,
        timezone: options.rules.timezone,
        cwd: io.cwd,
      }),
    );
  }
  if (operator.yes) return undefined;
  if (io.terminal === undefined) {
    return failure(OPTION_WORDS, 'TIC-CONFIRM-NO-TERMINAL', {
      liveName: isLiveTarget(profile, send.target.apiKey) ? confirmationName(send.target.origin) : undefined,
    });
  }
  asking(true);
  if (isLiveTarget(profile, send.target.apiKey)) return askInstanceName(io.terminal, send.target.origin, io.shutdown).finally(() => asking(false));
  const yes = await askYesNo(io.terminal, CONFIRM_QUESTION, io.shutdown).finally(() => asking(false));
  if (yes || io.shutdown.aborted) return undefined;
  return failure(SELECTION_WORDS, 'TIC-CANCELLED', {});
}

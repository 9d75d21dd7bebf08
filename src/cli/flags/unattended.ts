import { resolve } from 'node:path';
import type { TiError } from '../../core/errors.js';
import { failure } from '../../core/words.js';
import { PROFILE_WORDS } from '../../core/words/profiles.js';
import type { RunMode } from '../../pipeline/mode.js';
import type { RunOptions } from '../../pipeline/run-options.js';
import { RunLock } from '../../report/run-lock.js';
import { readRunRecord } from '../../report/run-record.js';
import type { FlagSpecs } from './spec.js';

/** How `apply` runs with no one at the terminal (cron, systemd, CI), and how it names the instance it means. */
export const unattendedFlags = {
  'non-interactive': {
    type: 'boolean',
    default: false,
    perRun: true,
    describe:
      'For schedulers and CI: send only an approved plan (--plan, or --resume of a run that sent one), never ask anything, and wait for a busy folder up to --lock-timeout',
    conflicts: { 'dry-run': 'a dry run neither asks nor sends' },
  },
  'lock-timeout': {
    type: 'number',
    default: 0,
    min: 0,
    max: 86_400,
    describe: 'Seconds to wait for a plan folder (--plan) or run folder (--resume) that another ti-credits process is working in; 0 refuses at once',
  },
  'confirm-instance': {
    type: 'string',
    perRun: true,
    describe:
      'The instance this command is meant for (the name in <name>.thoughtindustries.com, or the host of a custom domain): refused if the target is another; needed with --yes or --non-interactive on a live target',
  },
} as const satisfies FlagSpecs;

/** Who hears how a run ended. */
export const notifyFlags = {
  notify: {
    type: 'list',
    describe:
      "POST a JSON summary (with a text Slack and Teams show) to this webhook when the run ends, whatever its status; repeat for several. Failing to notify never changes the run's outcome",
  },
} as const satisfies FlagSpecs;

/**
 * Whether a run may be sent with no one to ask: the one place that says
 * what an approved plan is for `--non-interactive`. A saved plan (`apply
 * --plan`), whose id `checkSavedPlan` holds to its content, target and age,
 * with an approval on record for that exact id by another OS user (or
 * `--self-approved`), as `--require-approved-plan` requires it (the run
 * ledger's `checkApproval`, through `requiringApproval`); or the
 * continuation (`--resume`) of a run that sent one, approved when it began.
 * A file given directly was approved by no one.
 */
export async function approvedPlanRefusal(mode: RunMode, cwd: string): Promise<TiError | undefined> {
  if (mode.kind === 'apply-plan') return undefined;
  if (mode.kind === 'resume') {
    const record = await readRunRecord(resolve(cwd, mode.folder));
    if (record.options.planId !== undefined) return undefined;
    return failure(PROFILE_WORDS, 'TIC-NOT-APPROVED', { what: `the run in ${mode.folder} was started from a file, not from a saved plan` });
  }
  return failure(PROFILE_WORDS, 'TIC-NOT-APPROVED', { what: 'a file given directly is not a plan anyone approved' });
}

/** The run's options with an approval on record required of the plan it sends, as --require-approved-plan requires one. */
export function requiringApproval(options: RunOptions): RunOptions {
  return options.ledger === undefined ? options : { ...options, ledger: { ...options.ledger, requireApproval: true } };
}

/**
 * Runs `work` holding a saved plan's folder (`apply --plan`), so that two
 * processes sending the same plan at once (a scheduler starting a job while
 * the last one still runs) do not both send it: the second waits up to
 * `waitMs`, or is refused. Other runs hold only their own folder.
 */
export async function holdingPlan<T>(mode: RunMode, waitMs: number, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  if (mode.kind !== 'apply-plan') return work();
  const lock = await RunLock.acquireWithin(mode.plan.folder, () => new Date(), waitMs, signal);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

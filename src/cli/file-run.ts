import { join, resolve } from 'node:path';
import { failure } from '../core/words.js';
import { OPTION_WORDS } from '../core/words/options.js';
import type { RunMode } from '../pipeline/mode.js';
import type { RunOptions } from '../pipeline/run-options.js';
import { readPlanDocument } from '../report/plan-document.js';
import { readRunRecord } from '../report/run-record.js';
import { resolveGuard, resolveLimits } from './flags/guard.js';
import { resolveLedgerOptions } from './flags/ledger.js';
import { logLevelOf } from './flags/output.js';
import { resolveSendOptions } from './flags/pacing.js';
import { resolveInputChoice, resolveRules } from './flags/reading.js';
import { recordedArgv } from './flags/recorded.js';
import type { Env, FlagSpecs, Flags } from './flags/spec.js';
import { targetNamed, type TargetDefaults } from './flags/target.js';

/**
 * A run over a file as the command line settles it: its mode, decided here
 * once from the flags, and its options. The pipeline asks the mode, never
 * the flags.
 */
export interface FileRun {
  readonly mode: RunMode;
  readonly options: RunOptions;
}

/** What `apply` and `plan` need besides the flags: where they run, which flags were typed, a config file's target. */
export interface FileRunContext {
  readonly cwd: string;
  /** The options typed on the command line (see `typedOptions`): those a resumed run takes as given rather than from its run.json. */
  readonly typed: ReadonlySet<string>;
  readonly fromConfig?: TargetDefaults | undefined;
}

/** What `apply` does with the file, beyond reading and sending it: the mode's flags. */
export const runFlags = {
  'skip-invalid': { type: 'boolean', default: false, describe: 'Send the valid rows even if some rows are invalid (those are reported, not sent)' },
  'dry-run': {
    type: 'boolean',
    default: false,
    perRun: true,
    describe: 'Validate, check the key with one GET /ping, read the live values and show what would be sent; change nothing',
    conflicts: { resume: 'a resumed run sends', plan: 'a saved plan is sent as it was made' },
  },
  offline: {
    type: 'boolean',
    default: false,
    perRun: true,
    describe: 'With --dry-run: make no request at all, neither the key check nor the reading of the live values (the plan is then a blind one)',
    requires: { 'dry-run': 'a run that sends needs the API' },
    conflicts: { client: 'an offline dry run reads no client' },
  },
  resume: {
    type: 'string',
    perRun: true,
    describe:
      'Continue the interrupted run in this folder, with the file and options its run.json records (a flag typed again overrides the pace): rows it updated are not sent again',
    conflicts: {
      out: 'a resumed run goes on writing in the folder it continues',
      plan: 'a saved plan is sent as it was made, from the copy of the input it holds',
    },
  },
  plan: {
    type: 'string',
    perRun: true,
    describe: 'Send the saved plan in this folder (made by ti-credits plan) exactly as it was made: its copy of the input, its baselines',
  },
  'max-plan-age': { type: 'number', default: 86_400, min: 0, max: 31_536_000, describe: 'With --plan: seconds a saved plan may be old when it is sent (24 h)' },
  'require-approved-plan': {
    type: 'boolean',
    default: false,
    describe: 'Refuse to send anything but a saved plan (--plan); for a config file, so that every change is approved first',
  },
  verify: {
    type: 'boolean',
    default: false,
    describe: 'Once sent, read back every row updated and check that the batch holds what was written (as `ti-credits verify` does)',
  },
} as const satisfies FlagSpecs;

export function resolveValidateRun(flags: Flags, now: Date, cwd: string): FileRun {
  return {
    mode: { kind: 'validate' },
    options: {
      inputPath: inputFile(flags, false),
      outDir: flags.string('out'),
      logLevel: logLevelOf(flags),
      skipInvalid: false,
      read: resolveInputChoice(flags),
      rules: resolveRules(flags, now),
      extraColumns: flags.list('extra-column'),
      excel: flags.boolean('excel'),
      send: undefined,
      guard: undefined,
      limits: {},
      // A validate leaves a run folder under the reports root, and nothing in the run ledger.
      ledger: {
        root: resolve(cwd, flags.string('reports') ?? 'reports'),
        again: undefined,
        selfApproved: undefined,
        requireApproval: false,
        approvalKey: undefined,
      },
    },
  };
}

export async function resolveApplyRun(typedFlags: Flags, env: Env, now: Date, context: FileRunContext): Promise<FileRun> {
  typedFlags.checkRelations();
  const resume = typedFlags.string('resume');
  const planFolder = typedFlags.string('plan');
  if (planFolder !== undefined && typedFlags.string('csv') !== undefined) {
    throw failure(OPTION_WORDS, 'TIC-PLAN-WITH-FILE', {});
  }
  if (planFolder === undefined && typedFlags.boolean('require-approved-plan') && !typedFlags.boolean('dry-run')) {
    throw failure(OPTION_WORDS, 'TIC-PLAN-REQUIRED', {});
  }
  const saved = planFolder === undefined ? undefined : await readPlanDocument(resolve(context.cwd, planFolder));
  // A resumed run is the run it continues: its run.json stands for every option not typed again,
  // above the environment and a config file, so that `apply --resume <folder>` needs nothing else. A saved
  // plan stands likewise for the options it was made with.
  const record = resume === undefined ? undefined : await readRunRecord(resolve(context.cwd, resume));
  const named = targetNamed(typedFlags, env, context.fromConfig ?? {});
  const flags =
    saved !== undefined && planFolder !== undefined
      ? typedFlags.with({ csv: join(resolve(context.cwd, planFolder), saved.input.copy), ...recordedArgv(saved.options, context.typed, named) })
      : record === undefined
        ? typedFlags
        : typedFlags.with({ csv: typedFlags.string('csv') ?? record.input.path, ...recordedArgv(record.options, context.typed, named) });
  const inputPath = inputFile(flags, true);
  const ledger = await resolveLedgerOptions(flags, context.cwd, context.typed, resume ?? planFolder);
  // The pace the last run against the target learned is kept in the reports root, beside the run ledger.
  const { send, keyFile, keySource } = await resolveSendOptions(flags, env, context.fromConfig ?? {}, context.cwd, ledger.root);
  const dryRun = flags.boolean('dry-run');
  const offline = flags.boolean('offline');
  const mode: RunMode =
    saved !== undefined && planFolder !== undefined
      ? { kind: 'apply-plan', plan: { folder: resolve(context.cwd, planFolder), document: saved, maxAgeMs: flags.number('max-plan-age') * 1000 } }
      : resume !== undefined
        ? { kind: 'resume', folder: resume }
        : dryRun
          ? { kind: 'dry-run', offline }
          : { kind: 'apply' };
  return {
    mode,
    options: {
      inputPath,
      outDir: flags.string('out'),
      logLevel: logLevelOf(flags),
      skipInvalid: flags.boolean('skip-invalid'),
      read: resolveInputChoice(flags),
      rules: resolveRules(flags, now),
      extraColumns: flags.list('extra-column'),
      excel: flags.boolean('excel'),
      send,
      // Offline, a dry run reads nothing, the live values included: its plan is a blind one.
      guard: resolveGuard(flags, !flags.boolean('blind') && !offline),
      apiKeyFile: keyFile,
      keySource: keySource.kind,
      profile: context.fromConfig?.profile?.name,
      limits: resolveLimits(flags),
      ledger,
    },
  };
}

/** `plan`: a dry run against the live values whose folder becomes a saved plan. */
export async function resolvePlanRun(flags: Flags, env: Env, now: Date, context: FileRunContext): Promise<FileRun> {
  const { options } = await resolveApplyRun(flags, env, now, context);
  return { mode: { kind: 'plan' }, options };
}

/** The file named after the command; yargs takes it as optional, so that its absence is said in plain words. */
function inputFile(flags: Flags, sends: boolean): string {
  const path = flags.string('csv');
  if (path === undefined) throw failure(OPTION_WORDS, 'TIC-NO-FILE', { sends });
  return path;
}

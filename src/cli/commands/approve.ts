import { resolve } from 'node:path';
import { failure } from '../../core/words.js';
import { LEDGER_WORDS } from '../../core/words/ledger.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, STANDARD_EXITS } from '../exit-codes.js';
import { approvalKeyFlags, reportsFlags, reportsRoot, resolveApprovalKey } from '../flags/ledger.js';
import { configFlags, reportFlags } from '../flags/output.js';
import type { FlagSpecs } from '../flags/spec.js';
import { formatApproved } from '../views/runs.js';

const approveFlags = {
  as: { type: 'string', perRun: true, describe: 'Who approves, as people know them: recorded with the OS user, the time and the exact plan id' },
  json: { ...reportFlags.json, describe: 'Print the approval recorded as JSON' },
} as const satisfies FlagSpecs;

/**
 * `approve`: an approval on record for one exact saved plan, in the run
 * ledger (outside the plan folder) and in the plan folder, signed when the
 * team sets an approval key. `apply --plan` shows it; under
 * `--require-approved-plan` it must be there, by another OS user.
 */
export const approve: Command = {
  name: 'approve',
  summary: 'Record an approval of a saved plan (made by ti-credits plan): who, when, and the exact plan id',
  usage: ['ti-credits approve <plan folder> --as "<name>" [options]'],
  positional: { name: 'folder', describe: 'The plan folder ti-credits plan wrote' },
  flags: { ...approveFlags, ...reportsFlags, ...approvalKeyFlags, ...configFlags },
  examples: [
    [
      'ti-credits approve reports/<time>-adjustments --as "Dana Scully (finance)"',
      'Approve the plan reviewed in its plan.html; prints its short code to read back to whoever sends it',
    ],
    [
      'ti-credits approve reports/<time>-adjustments --as "Dana Scully" --approval-key-file ~/.ti-credits/approval.pem',
      'Sign the approval with the team Ed25519 key, so that an edited plan folder or ledger fails the check',
    ],
  ],
  notes: [
    'The plan folder is first proved to be the plan that was made (its id, its input copy, its baselines); an approval names that exact plan id, so a plan edited afterwards is a plan no one approved.',
  ],
  exits: [
    [EXIT.ok, 'the approval was recorded'],
    [EXIT.refused, 'nothing was recorded: not a plan folder, a plan altered since it was made, no --as, an unusable key'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runApprove,
};

async function runApprove(input: CommandInput): Promise<CommandResult> {
  const { flags, io, typed } = input;
  flags.checkRelations();
  const named = flags.string('folder');
  if (named === undefined) throw failure(LEDGER_WORDS, 'TIC-APPROVE-NO-FOLDER', {});
  const by = flags.string('as');
  if (by === undefined) throw failure(LEDGER_WORDS, 'TIC-APPROVE-NO-NAME', {});
  const folder = resolve(io.cwd, named);
  const { approvePlan } = await import('../../pipeline/approvals.js');
  const approved = await approvePlan({
    folder,
    by,
    root: reportsRoot(flags, io.cwd, typed, folder),
    key: await resolveApprovalKey(flags, io.cwd),
    now: new Date(),
  });
  return { exit: EXIT.ok, text: formatApproved(approved, folder, io.cwd), json: approved.approval };
}

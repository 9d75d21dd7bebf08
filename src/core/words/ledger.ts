import { defineWords } from '../words.js';

/** An earlier run, as a refusal names it. */
export interface EarlierRun {
  /** The run folder, as the ledger names it. */
  readonly id: string;
  /** When it started, as people read it. */
  readonly when: string;
  /** What it sent, in words: "20 rows updated, net +200 credits", or that it never recorded its end. */
  readonly sent: string;
}

/** A file applied before: the refusal's facts. */
interface AlreadyApplied {
  readonly sha256: string;
  readonly target: string;
  readonly earlier: EarlierRun;
  /** Other earlier runs of the same content. */
  readonly more: number;
  /** The command that finishes the earlier run, when it did not end. */
  readonly resume: string | undefined;
}

/** A plan applied before: the refusal's facts. */
interface PlanSpent {
  /** The plan's short code (the first 8 hex digits of its id). */
  readonly code: string;
  readonly earlier: EarlierRun;
  readonly resume: string | undefined;
}

/**
 * The words of the run ledger (reports/ledger.jsonl), the once-only rule for
 * delta files and saved plans, and approvals on record.
 */
export const LEDGER_WORDS = defineWords({
  'TIC-DELTA-ALREADY-APPLIED': {
    kind: 'invalid',
    title: 'a file of currentBalanceDelta cells already applied to this instance',
    message: (facts: AlreadyApplied) =>
      `Nothing was sent: this file holds currentBalanceDelta cells and its content (SHA-256 ${facts.sha256.slice(0, 12)}…) was already applied to ${facts.target} by run ${facts.earlier.id} on ${facts.earlier.when} (${facts.earlier.sent})${facts.more > 0 ? `, and by ${facts.more} more run${facts.more === 1 ? '' : 's'}` : ''}. Applied again, every delta would be added a second time.`,
    hint: (facts: AlreadyApplied) =>
      `${facts.resume === undefined ? '' : `To finish that run, continue it: ${facts.resume}. `}If it really must be applied again, say why: --again "<reason>" (the reason is recorded in the run ledger); ti-credits runs lists what was applied.`,
  },
  'TIC-PLAN-ALREADY-APPLIED': {
    kind: 'invalid',
    title: 'a saved plan already applied: a plan is spent once',
    message: (facts: PlanSpent) =>
      `Nothing was sent: the plan ${facts.code} was already applied by run ${facts.earlier.id} on ${facts.earlier.when} (${facts.earlier.sent}); a saved plan is spent when it is applied.`,
    hint: (facts: PlanSpent) =>
      `${facts.resume === undefined ? '' : `To finish that run, continue it: ${facts.resume}. `}Make a new plan against today's values (ti-credits plan), or, if this one must be applied again, say why: --again "<reason>" (recorded in the run ledger).`,
  },
  'TIC-PLAN-NOT-APPROVED': {
    kind: 'invalid',
    title: '--require-approved-plan and no approval on record for this exact plan',
    message: (facts: { readonly code: string; readonly folder: string; readonly elsewhere: string }) =>
      `Nothing was sent: --require-approved-plan needs an approval on record for the plan ${facts.code} (${facts.folder}), and there is none${facts.elsewhere}.`,
    hint: () =>
      'Have it approved with ti-credits approve <plan folder> --as "<name>" by someone other than the person applying it; an approval names one exact plan id, so a plan folder edited since is a plan no one approved.',
  },
  'TIC-APPROVAL-SIGNATURE': {
    kind: 'invalid',
    title: 'an approval whose signature the team key does not confirm',
    message: (facts: { readonly code: string; readonly why: string }) =>
      `Nothing was sent: the approval of the plan ${facts.code} ${facts.why}, so it is not taken as an approval.`,
    hint: () => 'Approve the plan again with ti-credits approve, using the team approval key (--approval-key-file, or approvalKeyFile in the config file).',
  },
  'TIC-APPROVAL-SAME-USER': {
    kind: 'invalid',
    title: 'a plan approved by the OS user now applying it (four eyes)',
    message: (facts: { readonly code: string; readonly user: string; readonly by: string }) =>
      `Nothing was sent: the plan ${facts.code} was approved by ${facts.by} as OS user ${facts.user}, the user now applying it; --require-approved-plan needs a second person.`,
    hint: () => 'Have someone else apply it, or approve it; if one person must do both, say why: --self-approved "<reason>" (recorded in the run ledger).',
  },
  'TIC-APPROVAL-KEY': {
    kind: 'invalid',
    title: 'an approval key file that cannot be used',
    message: (facts: { readonly source: string; readonly why: string }) => `${facts.source} cannot be used as an approval key: ${facts.why}.`,
    hint: () =>
      'Give a file holding a shared secret of at least 32 characters (HMAC-SHA-256), or an Ed25519 key in PEM form (openssl genpkey -algorithm ed25519); the private key signs (approve), the public key is enough to check (apply).',
  },
  'TIC-APPROVAL-NO-SIGNING-KEY': {
    kind: 'invalid',
    title: 'approve given a public key, which cannot sign',
    message: () => 'Nothing was approved: the approval key is an Ed25519 public key, which can check an approval but not sign one.',
    hint: () => 'Give approve the private key of the pair; apply needs only the public one.',
  },
  'TIC-APPROVE-NO-NAME': {
    kind: 'invalid',
    title: 'approve without --as',
    message: () => 'Nothing was approved: say who approves, with --as "<name>".',
    hint: () => 'e.g. ti-credits approve reports/<time>-adjustments --as "Dana Scully (finance)".',
  },
  'TIC-APPROVE-NO-FOLDER': {
    kind: 'invalid',
    title: 'approve without a plan folder',
    message: () => 'Nothing was approved: no plan folder was given.',
    hint: () => 'Name the folder ti-credits plan wrote: ti-credits approve reports/<time>-<file name> --as "<name>".',
  },
  'TIC-REASON-EMPTY': {
    kind: 'invalid',
    title: '--again or --self-approved given no reason',
    message: (facts: { readonly flag: string }) => `--${facts.flag} needs a reason, which the run ledger records.`,
    hint: (facts: { readonly flag: string }) => `e.g. --${facts.flag} "the first run was made against the sandbox by mistake".`,
  },
  'TIC-LEDGER-BUSY': {
    kind: 'invalid',
    title: 'the run ledger was held by another process too long',
    message: (facts: { readonly root: string; readonly lock: string }) =>
      `The run ledger in ${facts.root} stayed locked by another ti-credits process; nothing was sent.`,
    hint: (facts: { readonly root: string; readonly lock: string }) =>
      `Run the command again. If no other ti-credits process is running, delete ${facts.lock}.`,
  },
  'TIC-LEDGER-UNWRITABLE': {
    kind: 'invalid',
    title: 'the run ledger cannot be written',
    message: (facts: { readonly root: string; readonly cause: string }) =>
      `The run ledger in ${facts.root} cannot be written (${facts.cause}); nothing was sent, since a run that sends is recorded first.`,
    hint: () => 'Choose a reports folder ti-credits can write to with --reports (or "reports" in the config file).',
  },
  'TIC-RUN-UNKNOWN': {
    kind: 'invalid',
    title: 'runs show: no run of that id in the ledger',
    message: (facts: { readonly id: string; readonly root: string; readonly near: string | undefined }) =>
      `There is no run ${facts.id} in the run ledger of ${facts.root}.`,
    hint: (facts: { readonly id: string; readonly root: string; readonly near: string | undefined }) =>
      `${facts.near === undefined ? '' : `Did you mean ${facts.near}? `}ti-credits runs lists the runs; ti-credits runs --rebuild rebuilds the ledger from the run folders.`,
  },
  'TIC-RUNS-DATE': {
    kind: 'invalid',
    title: 'runs: a date that cannot be read',
    message: (facts: { readonly flag: string; readonly text: string }) => `--${facts.flag} "${facts.text}" is not a date.`,
    hint: () => 'Give a day as YYYY-MM-DD (a whole day, UTC), or a moment as an ISO 8601 time with its offset, e.g. 2025-07-01T09:00:00Z.',
  },
  'TIC-RUNS-USAGE': {
    kind: 'invalid',
    title: 'runs: an action it does not have',
    message: (facts: { readonly given: string }) => `ti-credits runs has no action "${facts.given}".`,
    hint: () =>
      'ti-credits runs lists the runs; ti-credits runs show <id> shows one; ti-credits runs export --since <date> writes the audit file; ti-credits runs --rebuild rebuilds the ledger.',
  },
});

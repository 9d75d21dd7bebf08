import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { failure } from '../../core/words.js';
import { LEDGER_WORDS } from '../../core/words/ledger.js';
import type { LedgerOptions } from '../../pipeline/run-options.js';
import { parseApprovalKey, type ApprovalKey, type KeyProblem } from '../../report/ledger/approval.js';
import { LEDGER_FILE } from '../../report/ledger/ledger-file.js';
import type { FlagSpecs, Flags } from './spec.js';

/** Where the run folders and the run ledger are: every command that leaves a run folder, or reads the ledger. */
export const reportsFlags = {
  reports: {
    type: 'string',
    describe:
      'The reports folder: where run folders go when --out is not given, and where the run ledger (ledger.jsonl) is kept; a team may keep it on a shared drive',
    defaultText: 'reports/ in the working folder',
  },
} as const satisfies FlagSpecs;

/** The team's approval key: approve signs with it, apply --plan checks with it. */
export const approvalKeyFlags = {
  'approval-key-file': {
    type: 'string',
    describe:
      'File holding the team approval key: a shared secret of 32 characters or more (HMAC-SHA-256), or an Ed25519 key in PEM form (the private key signs, the public key checks); approvals are then signed, and an approval whose signature does not hold is refused',
    defaultText: 'none: an approval counts only from the run ledger',
  },
} as const satisfies FlagSpecs;

/** What `apply` is told of the run ledger beyond where it is. */
export const onceFlags = {
  again: {
    type: 'string',
    perRun: true,
    describe:
      'Apply a saved plan, or a file of currentBalanceDelta cells, that the run ledger says was already applied to this instance, for the reason given (recorded in the ledger)',
    conflicts: { resume: 'a resumed run continues its own run, never sends a row twice, and needs no reason' },
  },
  'self-approved': {
    type: 'string',
    perRun: true,
    describe: 'With --require-approved-plan: accept an approval by the OS user now applying the plan, for the reason given (recorded in the ledger)',
    requires: { plan: 'only a saved plan has an approval' },
  },
} as const satisfies FlagSpecs;

/**
 * The reports root. A run folder given (a resume, a verify) is recorded in
 * the ledger beside it, when it has one and --reports was not typed: a run
 * stays in the ledger it began in, wherever the command is typed.
 */
export function reportsRoot(flags: Flags, cwd: string, typed: ReadonlySet<string>, folder?: string): string {
  if (folder !== undefined && !typed.has('reports')) {
    const parent = dirname(resolve(cwd, folder));
    if (existsSync(join(parent, LEDGER_FILE))) return parent;
  }
  return resolve(cwd, flags.string('reports') ?? 'reports');
}

const KEY_PROBLEMS: Readonly<Record<KeyProblem, string>> = {
  empty: 'it is empty',
  short: 'a shared secret must be 32 characters or more, or one signature lets it be guessed offline',
  'not-ed25519': 'the key in it is not an Ed25519 key',
  'unreadable-pem': 'it starts as a PEM key but does not read as one',
};

/** The team's approval key, if --approval-key-file (or approvalKeyFile in the config file) names one. Its content is never repeated. */
export async function resolveApprovalKey(flags: Flags, cwd: string): Promise<ApprovalKey | undefined> {
  const named = flags.string('approval-key-file');
  if (named === undefined) return undefined;
  const source = 'The file given to --approval-key-file';
  let text: string;
  try {
    text = await readFile(resolve(cwd, named), 'utf8');
  } catch (error) {
    throw failure(LEDGER_WORDS, 'TIC-APPROVAL-KEY', { source, why: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` });
  }
  const key = parseApprovalKey(text);
  if (typeof key === 'string') throw failure(LEDGER_WORDS, 'TIC-APPROVAL-KEY', { source, why: KEY_PROBLEMS[key] });
  return key;
}

/** Everything a run over a file is told of the run ledger. */
export async function resolveLedgerOptions(flags: Flags, cwd: string, typed: ReadonlySet<string>, folder?: string): Promise<LedgerOptions> {
  return {
    root: reportsRoot(flags, cwd, typed, folder),
    again: reason(flags, 'again'),
    selfApproved: reason(flags, 'self-approved'),
    requireApproval: flags.boolean('require-approved-plan'),
    approvalKey: await resolveApprovalKey(flags, cwd),
  };
}

/** The reason a flag gives, which the ledger records: given empty, it is refused, since it would record nothing. */
function reason(flags: Flags, name: string): string | undefined {
  const given = flags.verbatim(name);
  if (given === undefined) return undefined;
  if (given.trim() === '') throw failure(LEDGER_WORDS, 'TIC-REASON-EMPTY', { flag: name });
  return given.trim();
}

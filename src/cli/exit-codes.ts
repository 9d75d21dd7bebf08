import type { ErrorKind } from '../core/errors.js';
import type { Summary } from '../report/summary.js';
import { rowCounts } from './messages.js';

/** The exit codes, the contract scripts rely on. */
export const EXIT = {
  /** Every row updated (validate, --dry-run: every row valid). */
  ok: 0,
  /** The run finished, but some rows were not updated. */
  notAllUpdated: 1,
  /** Nothing was sent: usage, configuration or invalid input. */
  refused: 2,
  /** Sending stopped early: the API refused the key, cannot be reached safely, or looks down. */
  stopped: 3,
  /** A bug in ti-credits. */
  internal: 70,
  /** The run folder could not be written (disk full, read-only): the run stopped; --resume finishes it. EX_IOERR of sysexits.h, beside 70. */
  unwritable: 74,
  /** The user interrupted the run (Ctrl-C, SIGTERM): 128 + SIGINT, as shells expect. */
  interrupted: 130,
} as const;

/** The codes each command can end with, and what each means there: its --help lists these and no others. */
const EXIT_MEANINGS: Readonly<Record<'apply' | 'plan' | 'validate' | 'snapshot' | 'verify' | 'mock', readonly (readonly [number, string])[]>> = {
  apply: [
    [EXIT.ok, 'every row was updated or already as asked (--dry-run: every row is valid and the API accepts the key)'],
    [EXIT.notAllUpdated, 'the run finished but some rows were not updated (failed, drifted, or invalid and skipped)'],
    [EXIT.refused, 'nothing was sent: usage, configuration or invalid input'],
    [EXIT.stopped, 'sending was stopped: key refused (401/403), a redirect, an unknown host, an untrusted certificate, or the API down (--circuit-breaker); rows not sent are skipped'],
    [EXIT.interrupted, 'interrupted (Ctrl-C): requests in flight finished and were recorded, the rest are skipped'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): the run stopped at the first failed write; once it can be written, --resume finishes it'],
    [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
  ],
  plan: [
    [EXIT.ok, 'nothing would change: every row is already as asked; the plan is saved all the same'],
    [EXIT.notAllUpdated, 'the plan changes something, or some rows drifted: it is saved, for approval'],
    [EXIT.refused, 'no plan to approve: invalid rows, usage, configuration, or the live values could not be read'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C)'],
    [EXIT.unwritable, 'the plan folder could not be written (disk full, read-only): no plan to approve'],
    [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
  ],
  validate: [
    [EXIT.ok, 'every row is valid'],
    [EXIT.refused, 'some rows are invalid, or the file or the options cannot be used'],
    [EXIT.interrupted, 'interrupted (Ctrl-C)'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): the report is incomplete'],
    [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
  ],
  snapshot: [
    [EXIT.ok, 'snapshot.csv was written, every batch of every client named'],
    [EXIT.notAllUpdated, 'no snapshot: a client\'s batches could not be read whole (the API kept failing, or answered inconsistently)'],
    [EXIT.refused, 'nothing was read: usage or configuration'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C): no snapshot'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): no snapshot'],
    [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
  ],
  verify: [
    [EXIT.ok, 'every row the run updated still holds what it wrote'],
    [EXIT.notAllUpdated, 'some rows changed since the run wrote them (verify.csv says which)'],
    [EXIT.refused, 'nothing was verified: the run has not finished, another target, usage or configuration'],
    [EXIT.stopped, 'reading was stopped: key refused (401/403), a redirect, an unknown host or an untrusted certificate'],
    [EXIT.interrupted, 'interrupted (Ctrl-C): no verify.csv'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): no verify.csv'],
    [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
  ],
  mock: [
    [EXIT.ok, 'stopped with Ctrl-C'],
    [EXIT.refused, 'an option cannot be used, or the port is already in use'],
    [EXIT.internal, 'an internal error (a bug): please report it'],
  ],
};

export function exitCodeTable(command: keyof typeof EXIT_MEANINGS): string {
  return EXIT_MEANINGS[command].map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`).join('\n');
}

export function exitCodeForError(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
      return EXIT.refused;
    case 'auth':
    case 'aborted':
      return EXIT.stopped;
    case 'rejected':
    case 'transient':
      return EXIT.notAllUpdated;
    case 'unwritable':
      return EXIT.unwritable;
  }
}

export function exitCodeForRun(summary: Summary): number {
  if (summary.status === 'refused') return exitCodeForError((summary.error?.kind as ErrorKind | undefined) ?? 'invalid');
  if (summary.status === 'stopped') return summary.error?.kind === 'unwritable' ? EXIT.unwritable : EXIT.stopped;
  if (summary.status === 'interrupted') return EXIT.interrupted;
  const rows = rowCounts(summary);
  if (summary.command === 'validate' || summary.dryRun) {
    const refusedByApply = rows.invalid > 0 && summary.options.skipInvalid !== true;
    return refusedByApply ? EXIT.refused : rows.drifted > 0 ? EXIT.notAllUpdated : EXIT.ok;
  }
  // A row already as asked needed nothing: it counts as done.
  return rows.updated + rows.unchanged === rows.total ? EXIT.ok : EXIT.notAllUpdated;
}

import type { ErrorKind } from '../core/errors.js';
import type { Summary } from '../report/summary.js';
import { EXPECTED_HEADER } from '../validate/header.js';
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

/** Exit codes whose meaning is the same for every command that can end with them. */
export const STANDARD_EXITS = {
  /** A run that sends: interrupted, the folder unwritable, a bug. */
  interruptedSending: [
    [EXIT.interrupted, 'interrupted (Ctrl-C): requests in flight finished and were recorded, the rest are skipped'],
    [
      EXIT.unwritable,
      'the run folder could not be written (disk full, read-only): the run stopped at the first failed write; once it can be written, --resume finishes it',
    ],
    [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
  ],
  internal: [EXIT.internal, 'an internal error (a bug): please report it with run.log'],
} as const satisfies Record<string, readonly (readonly [number, string])[] | readonly [number, string]>;

/** The exit codes in general, as the root --help lists them; each command's --help says what they mean for it. */
export const GENERAL_EXITS: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'done: every row updated, valid or already as asked'],
  [EXIT.notAllUpdated, 'done, but some rows were not updated (or would change, for plan)'],
  [EXIT.refused, 'nothing was sent: usage, configuration or invalid input'],
  [EXIT.stopped, 'stopped: the key was refused, or the API could not be reached safely'],
  [EXIT.interrupted, 'interrupted (Ctrl-C)'],
  [EXIT.unwritable, 'the run folder could not be written (disk full, read-only)'],
  [EXIT.internal, 'an internal error (a bug)'],
];

/** What a command that reads a file says of it in --help. */
export const FILE_NOTE = `The file is an Excel workbook (.xlsx) or a CSV file, whose first row is the header ${EXPECTED_HEADER} (id plus at least one column to change); an empty cell leaves that field as it is. A column named like one of these but not exactly (currentBalence, Current Balance) is refused unless --extra-column names it.`;
export const KEY_NOTE =
  "The API key is read from --api-key-file, else TI_API_KEY, else the OS keyring (ti-credits login), else the config file's keyCommand or apiKeyFile: never from a flag or the config file itself. ti-credits whoami says which.";

/** A command's exit codes as its --help lists them. */
export function exitCodeTable(exits: readonly (readonly [number, string])[]): string {
  return exits.map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`).join('\n');
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

/**
 * The exit of a command that reads (snapshot, rollover, verify) once it
 * stopped short: interrupted, or the kind of the error that stopped it;
 * undefined when it ran through, for the command to judge what it found.
 */
export function exitCodeForStop(summary: Pick<Summary, 'status' | 'error'>): number | undefined {
  if (summary.status === 'interrupted') return EXIT.interrupted;
  return summary.error === null ? undefined : exitCodeForError(summary.error.kind as ErrorKind);
}

export function exitCodeForRun(summary: Summary): number {
  if (summary.status === 'refused') return exitCodeForError((summary.error?.kind as ErrorKind | undefined) ?? 'invalid');
  if (summary.status === 'stopped') return summary.error?.kind === 'unwritable' ? EXIT.unwritable : EXIT.stopped;
  if (summary.status === 'interrupted') return EXIT.interrupted;
  const rows = rowCounts(summary);
  if (summary.command === 'validate' || summary.dryRun) {
    const refusedByApply = rows.invalid > 0 && summary.options.skipInvalid !== true;
    // With --skip-invalid the real run sends the valid rows and ends 1 for the invalid ones: its dry run says as much.
    return refusedByApply ? EXIT.refused : rows.drifted > 0 || rows.invalid > 0 ? EXIT.notAllUpdated : EXIT.ok;
  }
  // A write that overwrote a redemption needs its correction applied: the run is not done.
  if ((summary.reconciliation?.overwritten ?? 0) > 0) return EXIT.notAllUpdated;
  // A row already as asked needed nothing: it counts as done.
  return rows.updated + rows.unchanged === rows.total ? EXIT.ok : EXIT.notAllUpdated;
}

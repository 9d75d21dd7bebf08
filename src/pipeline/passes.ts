import { failure } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import type { ReadPosition } from '../read/csv-records.js';
import { readDataRows, readRowsFrom, type InputSource } from '../read/data-rows.js';
import { isUnchanged } from '../read/file-stamp.js';
import type { PriorRun } from '../report/prior-run.js';
import type { LineSet } from '../report/recorded-lines.js';
import { validateRow, type RowVerdict } from '../validate/row.js';
import type { Scan } from '../validate/scan.js';
import type { RunContext } from './run-context.js';

/** What a resumed run's validating pass learnt of the rows earlier sessions updated. */
export interface EarlierRows {
  /** Those this session finds invalid (an expiry since past). */
  readonly nowInvalid: LineSet;
  /** Where the batches that hold only such rows, still valid, end, at the start of the file, and how many rows they hold. */
  readonly leading: { readonly from: ReadPosition; readonly rows: number } | undefined;
}

/** Rows a pass counts as updated without a verdict; `leading` begin the file, and are not read again. */
export interface Settled {
  has(line: number): boolean;
  readonly leading: EarlierRows['leading'];
}

/**
 * The rows a resumed run's passes need not validate again: updated by an
 * earlier session, and found valid by this session's validating pass. With
 * no id repeated, a later verdict would be the same (it is pure), and such a
 * row is only counted, never sent. When most of a big run is done,
 * validating them again, and even reading past them, was most of the wait
 * before the first request.
 */
export function settledEarlier(prior: PriorRun | undefined, earlier: EarlierRows, scan: Scan): Settled | undefined {
  if (prior === undefined || scan.duplicates.size > 0) return undefined;
  return { has: (line) => prior.updated.has(line) && !earlier.nowInvalid.has(line), leading: earlier.leading };
}

/** One of several passes over the file: the rows it takes (see SendOrder). */
export interface Pass {
  readonly index: number;
  takes(line: number): boolean;
}

/**
 * A pass that reads the file again and gives each row its final verdict.
 * `onRow` returns a promise only when it must be waited for (a row handed
 * to the send stage), so checking a file costs no promise per row. Rows
 * `settled` are counted updated without a verdict, and when the file
 * begins with them, without being read (see settledEarlier). Only the bytes
 * validated are read: rows appended since are never seen, let alone sent.
 * One of several passes (`pass`) takes only its rows, the others untouched.
 */
export async function eachVerdict(
  context: RunContext,
  source: InputSource,
  scan: Scan,
  onRow: (verdict: RowVerdict) => Promise<void> | undefined,
  settled?: Settled,
  pass?: Pass,
): Promise<void> {
  const { session } = context;
  const leading = source.kind === 'csv' ? settled?.leading : undefined;
  // Counted once, by the first pass: later passes skip the same rows.
  if (leading !== undefined && (pass === undefined || pass.index === 0)) session.tally.countUpdatedEarlier(leading.rows);
  const size = scan.stamp.size;
  const batches = leading === undefined || source.kind !== 'csv' ? (await readDataRows(source, size)).batches : readRowsFrom(source, leading.from, size);
  for await (const batch of batches) {
    // A batch is read before its rows are handed on: the file found unchanged now was unchanged when it was read,
    // the last batch's included, so the pass needs no check of its own at its end.
    await stopIfChanged(context, source, scan);
    for (const record of batch) {
      if (pass !== undefined && !pass.takes(record.line)) continue;
      if (settled?.has(record.line) === true) {
        session.tally.countRow({ line: record.line, outcome: 'updated', cells: record.cells, attempts: 0 });
        continue;
      }
      const pending = onRow(validateRow(scan.columns, record, context.options.rules, scan.duplicates));
      if (pending !== undefined) await pending;
    }
  }
}

/**
 * Stops the run at once if the file is no longer the one validated (rows
 * appended, or edited in place): a row sent must be a row validated. The
 * pass goes on only to report the rows left, none of them sent.
 */
async function stopIfChanged(context: RunContext, source: InputSource, scan: Scan): Promise<void> {
  const { session } = context;
  if (session.signal.aborted || (await isUnchanged(source.path, scan.stamp))) return;
  // Once the pass that sends has begun, a change stops a run that may have sent rows.
  if (context.sentLog !== undefined) {
    session.stop(failure(RUN_WORDS, 'TIC-INPUT-CHANGED-WHILE-SENDING', { path: source.path }), 'stopped');
  } else {
    session.stop(failure(RUN_WORDS, 'TIC-INPUT-CHANGED-BEFORE-SENDING', { path: source.path }), 'refused');
  }
}

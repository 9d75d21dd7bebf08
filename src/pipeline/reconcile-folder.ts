import { join } from 'node:path';
import { CORRECTION_FILE, CorrectionFile } from '../report/correction-file.js';
import { markOverwritten, type OverwriteMark } from '../report/report-marks.js';
import { updatedRows } from '../report/report-rows.js';
import { continuing, type SendOptions } from '../send/options.js';
import { reconcile, type ReconcileWrite } from './reconcile.js';
import type { RunSession } from './run-session.js';
import { recordAttempt } from './send-stage.js';

/**
 * What reconciliation found, as summary.json (and verify.json) say it.
 * `checked` is the number of ledger actions read, and is null when the
 * ledger was not read whole: `reason` then says why, and nothing is claimed
 * about what was overwritten.
 */
export type ReconciliationFacts =
  | {
      readonly checked: number;
      /** Credit accounts whose ledgers were read. */
      readonly accounts: number;
      /** Rows whose write overwrote a change the ledger records. */
      readonly overwritten: number;
      /** Net credits correction.csv gives back (a redemption of 7 overwritten is −7). */
      readonly credits: number;
      /** Writes that could not be reconciled whole, with the first reasons; 0 when every write was. */
      readonly unreadable: number;
      readonly unreadableReasons: readonly string[];
      readonly correction: string | null;
      readonly requests: number;
    }
  | { readonly checked: null; readonly reason: string; readonly requests: number };

/** How many reasons summary.json keeps of the writes that could not be reconciled; run.log has them all. */
const REASONS_KEPT = 5;

/**
 * Reconciles the writes a run folder's report.csv records against the credit
 * ledger (see reconcile.ts): the debit and credit actions of every credit
 * account a balance was written to, read through an executor of its own on
 * the run's key and pace. A ledger this key may not read (403) leaves the
 * run as it ended, `not checked`, rather than stopping it after the fact.
 * Rows that overwrote something are marked in report.csv, and correction.csv
 * gives the credits back.
 */
export async function reconcileFolder<O>(session: RunSession<O>, send: SendOptions, folder: string): Promise<ReconciliationFacts> {
  const { logger } = session.log;
  const writes: ReconcileWrite[] = [];
  for await (const row of updatedRows(folder)) {
    if (row.written.currentBalance === undefined) continue;
    writes.push({
      line: row.line,
      id: row.id,
      clientId: row.clientId ?? '',
      creditAccountId: row.creditAccountId,
      sent: row.written,
      readUpdatedAt: row.readUpdatedAt,
      writtenUpdatedAt: row.writtenUpdatedAt,
    });
  }
  if (writes.length === 0) return { checked: 0, accounts: 0, overwritten: 0, credits: 0, unreadable: 0, unreadableReasons: [], correction: null, requests: 0 };
  const { Executor } = await import('../send/executor.js');
  const executor = new Executor(continuing(send, session.pacing), session.signal, {
    onAttempt: (attempt) => recordAttempt(session, attempt),
    onRetry: (retry) => session.tally.countRetry(retry.cause),
  });
  logger.info({ event: 'reconcile-start', writes: writes.length }, 'reconciling against the credit ledger');
  try {
    const result = await reconcile(executor, writes, {
      onList: ({ account, actionType, actions, listsLeft }) =>
        logger.info({ event: 'ledger-read', ...account, actionType, actions, listsLeft }, 'credit ledger read'),
    });
    if (result.kind === 'not-checked') {
      logger.warn({ event: 'reconcile-not-checked', reason: result.reason }, 'the credit ledger could not be read');
      return { checked: null, reason: result.reason, requests: result.requests };
    }
    for (const unreadable of result.unreadable) logger.warn({ event: 'reconcile-unreadable', ...unreadable }, 'a write could not be reconciled');
    let correction: string | null = null;
    if (result.overwritten.length > 0) {
      const file = new CorrectionFile(folder);
      const marks = new Map<number, OverwriteMark>();
      for (const row of result.overwritten) {
        file.add(row);
        const credits = row.credits > 0 ? `+${row.credits}` : String(row.credits);
        const actions = row.actions.map((action) => `${action.actionType} ${action.id} of ${action.amount} at ${action.timestamp}`).join(', ');
        marks.set(row.line, {
          correction: row.credits,
          note: `overwrote what the credit ledger records between its read and its write (${actions}); correction.csv gives back ${credits}`,
        });
        logger.warn(
          { event: 'overwritten', line: row.line, id: row.id, credits: row.credits, actions: row.actions.map((action) => action.id) },
          'a write overwrote a change the credit ledger records',
        );
      }
      if (file.rows > 0) {
        file.commit();
        correction = join(folder, CORRECTION_FILE);
      } else file.discard();
      markOverwritten(folder, marks);
    }
    logger.info(
      { event: 'reconciled', checked: result.checked, overwritten: result.overwritten.length, credits: result.credits, unreadable: result.unreadable.length },
      'reconciled against the credit ledger',
    );
    return {
      checked: result.checked,
      accounts: result.accounts,
      overwritten: result.overwritten.length,
      credits: result.credits,
      unreadable: result.unreadable.length,
      unreadableReasons: result.unreadable.slice(0, REASONS_KEPT).map((entry) => `line ${entry.line} (${entry.id}): ${entry.reason}`),
      correction,
      requests: result.requests,
    };
  } finally {
    executor.close();
  }
}

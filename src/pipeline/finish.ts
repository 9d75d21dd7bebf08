import { join } from 'node:path';
import type { Columns } from '../core/columns.js';
import type { UpdatableField } from '../core/credit-batch.js';
import { bug } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import { readDataRows, type InputRecord, type InputSource } from '../read/data-rows.js';
import { updatedRows } from '../report/report-rows.js';
import { UNDO_FILE, UndoFile } from '../report/undo-file.js';
import { rowTexts } from '../validate/row.js';
import type { FieldRules } from '../validate/rules.js';
import type { Scan } from '../validate/scan.js';
import { inputSheetValues } from '../validate/sheet-values.js';
import { undoOf } from './live/values.js';
import type { RunContext } from './run-context.js';

/**
 * The files written once every row has its outcome: a resumed run's report
 * compacted, the writes reconciled against the credit ledger (report.csv
 * marked, correction.csv), undo.csv (a run that sent, reading before
 * writing), the Excel copies. Returns undo.csv's path when written.
 */
export async function finishFiles(context: RunContext, source: InputSource, scan: Scan, sent: boolean): Promise<string | undefined> {
  const { session, options } = context;
  // A resumed run's report.csv holds each session's records; it ends as one record per row, like any run's.
  if (session.folder.resumed) {
    const started = performance.now();
    await session.folder.compactReport(async () => asReported((await readDataRows(source)).batches, scan.columns, options.rules), scan.columns, {
      schema: context.schema,
      excel: options.excel,
    });
    session.log.logger.info({ event: 'compacted', durationMs: Math.round(performance.now() - started) }, 'report.csv rewritten with one record per row');
  }
  if (sent && context.guard?.reconcile === true) await reconcileRun(context);
  // What the run changed, and how to put it back: written however the run ended, rewritten by a resume.
  const undo = sent && context.guard !== undefined ? await writeUndo(context) : undefined;
  if (options.excel && context.reporting) await session.folder.writeExcelCopies(scan.columns, context.schema, inputSheetValues(scan.columns, options.rules));
  return undo;
}

/**
 * The run's writes reconciled against the credit ledger, once the run has
 * completed: one stopped or interrupted has rows unsettled, and is
 * reconciled by `verify` once it is finished.
 */
async function reconcileRun(context: RunContext): Promise<void> {
  const { session, options } = context;
  if (options.send === undefined) return;
  if (session.status !== 'completed') {
    session.reconciled({
      checked: null,
      reason: `the run ended ${session.status} before every row was settled; ti-credits verify reconciles it once it is finished`,
      requests: 0,
    });
    return;
  }
  // Loaded when a run reconciles: a blind run, or a dry run, never loads the ledger's readers.
  const { reconcileFolder } = await import('./reconcile-folder.js');
  session.reconciled(await reconcileFolder(session, options.send, session.folder.path));
}

/**
 * undo.csv, for every row the run updated (in any session), in the report's
 * order: the changes it made set back. Made from what the run recorded
 * (report.csv's `sent` and `baseline.*`, the client from baseline.csv), never
 * from the input read again: a file edited since the rows were sent would
 * put back other values, and a row found invalid now (an expiry passed
 * since) was updated all the same.
 */
async function writeUndo(context: RunContext): Promise<string> {
  const { folder } = context.session;
  const undo = new UndoFile(folder.path);
  try {
    for await (const row of updatedRows(folder.path)) {
      const changes = (Object.keys(row.written) as UpdatableField[]).map((field) => {
        const before = row.baseline[field];
        // Every field a reading run sends has its baseline beside it: one missing is a report not written by this run.
        if (before === undefined) throw bug(RUN_WORDS, 'TIC-INTERNAL-NO-BASELINE', { line: row.line, field });
        return { field, before, after: row.written[field] };
      });
      undo.add({ id: row.id, clientId: row.clientId ?? '', ...undoOf(changes) });
    }
    undo.commit();
    return join(folder.path, UNDO_FILE);
  } catch (error) {
    undo.discard();
    throw error;
  }
}

/** The input's records with their cells as the report writes them, for a resumed run's report written again. */
async function* asReported(
  batches: AsyncIterable<readonly InputRecord[]>,
  columns: Columns,
  rules: FieldRules,
): AsyncGenerator<{ readonly line: number; readonly cells: string[] }[]> {
  for await (const batch of batches) yield batch.map((record) => ({ line: record.line, cells: [...rowTexts(columns, record, rules)] }));
}

import type { Columns } from '../core/columns.js';
import { LineCounts, type LineSet, type RecordedLines } from './recorded-lines.js';
import { readRecordedLines } from './recorded-report.js';
import type { ReportSchema } from './schema.js';
import { readSentLog } from './sent-log.js';

/** What an interrupted run already did, as the resumed run needs it: sets of line numbers, a bit a line. */
export interface PriorRun {
  /** Lines the API confirmed: never sent again. */
  readonly updated: LineSet;
  /** Lines handed to the API whose answer was never recorded: the API may have applied them. */
  readonly inFlight: LineSet;
  /**
   * The requests of a line in flight that no report records: one for each
   * session that handed it to the API and died before its answer was written
   * (more than one when a resumed session died with it in flight again).
   */
  lostRequests(line: number): number;
  /** Requests the recorded rows account for. */
  readonly requests: number;
}

/**
 * Reads report.csv (cutting off a record a crash left half written) and
 * sent.log of the run being resumed, streaming both: a line is in flight
 * when sent.log has handed it to the API more often than report.csv has an
 * answer for it. Also returns the index of report.csv's lines, which the
 * resumed run keeps current as it appends, to compact the report at its end.
 */
export function loadPriorRun(folder: string, columns: Columns, schema: ReportSchema): { prior: PriorRun; recorded: RecordedLines } {
  const unanswered = new LineCounts();
  const recorded = readRecordedLines(folder, columns, schema, (line) => unanswered.add(line, -1));
  readSentLog(folder, (line, change) => unanswered.add(line, change));
  return { prior: { updated: recorded.withOutcome('updated'), inFlight: unanswered.positive(), lostRequests: (line) => Math.max(0, unanswered.get(line)), requests: recorded.requests }, recorded };
}

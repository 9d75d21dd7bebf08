import type { Columns } from '../core/columns.js';
import { ANSWER_LOST_NOTE } from './outcome.js';
import { LineCounts, LineSet, type RecordedLines } from './recorded-lines.js';
import { readRecordedLines } from './recorded-report.js';
import type { ReportSchema } from './schema.js';
import { readSentLog, readSentRequests, type SentRequest } from './sent-log.js';

/** What an interrupted run already did, as the resumed run needs it: sets of line numbers, a bit a line. */
export interface PriorRun {
  /** Lines the API confirmed: never sent again. */
  readonly updated: LineSet;
  /** Lines handed to the API whose answer was never recorded: the API may have applied them. */
  readonly inFlight: LineSet;
  /**
   * Lines whose last request may have been applied with no word of it: in
   * flight, recorded `uncertain`, or failed with the answer lost. Each is
   * checked against a fresh read before anything is sent for it again.
   */
  readonly mayHaveLanded: LineSet;
  /**
   * The requests of a line in flight that no report records: one for each
   * session that handed it to the API and died before its answer was written
   * (more than one when a resumed session died with it in flight again).
   */
  lostRequests(line: number): number;
  /** For a line of `mayHaveLanded`: what its last request was made from, as journalled. */
  sentRequest(line: number): SentRequest | undefined;
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
  const answerLost = new LineSet();
  const recorded = readRecordedLines(folder, columns, schema, (line, error) => {
    unanswered.add(line, -1);
    if (error?.includes(ANSWER_LOST_NOTE) === true) answerLost.add(line);
  });
  readSentLog(folder, (line, change) => unanswered.add(line, change));
  const inFlight = unanswered.positive();
  const failed = recorded.withOutcome('failed');
  const uncertain = schema.outcomes.includes('uncertain') ? recorded.withOutcome('uncertain') : new LineSet();
  const mayHaveLanded = new LineSet();
  for (const line of inFlight) mayHaveLanded.add(line);
  for (const line of uncertain) mayHaveLanded.add(line);
  for (const line of answerLost) if (failed.has(line)) mayHaveLanded.add(line);
  const requests = mayHaveLanded.size === 0 ? new Map<number, SentRequest>() : readSentRequests(folder, (line) => mayHaveLanded.has(line));
  return {
    prior: {
      updated: recorded.withOutcome('updated'),
      inFlight,
      mayHaveLanded,
      lostRequests: (line) => Math.max(0, unanswered.get(line)),
      sentRequest: (line) => requests.get(line),
      requests: recorded.requests,
    },
    recorded,
  };
}

import type { Columns } from '../core/columns.js';
import { readRecordedReport } from './recorded-report.js';
import type { ReportSchema } from './schema.js';
import { readSentLog } from './sent-log.js';

/** What an interrupted run already did, as the resumed run needs it. */
export interface PriorRun {
  /** Lines the API confirmed: never sent again. */
  readonly updated: ReadonlySet<number>;
  /** Lines handed to the API whose answer was never recorded: the API may have applied them. */
  readonly inFlight: ReadonlySet<number>;
  /** Requests the recorded rows account for. */
  readonly requests: number;
}

/** Reads report.csv (cutting off a record a crash left half written) and sent.log of the run being resumed. */
export function loadPriorRun(folder: string, columns: Columns, schema: ReportSchema): PriorRun {
  const recorded = readRecordedReport(folder, columns, schema);
  const sent = readSentLog(folder);
  const updated = new Set<number>();
  const inFlight = new Set<number>();
  let requests = 0;
  for (const [line, row] of recorded) {
    if (row.outcome === 'updated') updated.add(line);
    requests += row.attempts;
  }
  for (const [line, times] of sent) {
    if (times > (recorded.get(line)?.answered ?? 0)) inFlight.add(line);
  }
  return { updated, inFlight, requests };
}

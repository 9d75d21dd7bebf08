import { join } from 'node:path';
import type { CreditBatchUpdate, ListedBatch } from '../core/credit-batch.js';
import { UPDATABLE_FIELDS } from '../core/credit-batch.js';
import { failure } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import { SELECTION_WORDS } from '../core/words/selection.js';
import { readUpdatedRows, type UpdatedRow } from '../report/report-rows.js';
import type { LogLevel } from '../report/log.js';
import { RunFolder } from '../report/run-folder.js';
import type { SendingSettings } from '../report/run-record.js';
import { readSummaryStatus, type Summary } from '../report/summary.js';
import type { Tally } from '../report/tally.js';
import { VERIFY_FILE, VerifyFile } from '../report/verify-file.js';
import type { SendOptions } from '../send/options.js';
import { sameValue } from './live/values.js';
import { readClientBatches } from './operations/read-client-batches.js';
import { sendingSettings } from './run-options.js';
import { reconcileFolder } from './reconcile-folder.js';
import { inReadingSession } from './reading-session.js';
import { SendStage } from './send-stage.js';

export interface VerifyOptions {
  /** The run folder to verify. */
  readonly folder: string;
  readonly send: SendOptions;
  /** Clients to look the rows' batches up in, for a run whose rows say nothing of theirs (a blind run without a clientId column). */
  readonly clients: readonly string[];
  readonly logLevel: LogLevel;
  /** The file the key was read from, recorded (never the key); undefined when it came from the environment. */
  readonly apiKeyFile?: string | undefined;
  /** Reconcile the run's writes against the credit ledger too (see reconcile-folder.ts). */
  readonly reconcile: boolean;
  /** The reports root whose run ledger records the verify; undefined: none. */
  readonly reports?: string | undefined;
}

export type VerifySettings = SendingSettings & { readonly folder: string; readonly clients: readonly string[] };

/** One updated row, checked. */
export interface VerifiedRow {
  readonly line: number;
  readonly id: string;
  readonly clientId: string;
  readonly result: 'holds' | 'changed';
  readonly written: CreditBatchUpdate;
  readonly live: CreditBatchUpdate | null;
}

export interface VerifyResult {
  readonly folder: string;
  /** verify.csv; undefined when nothing could be verified. */
  readonly file: string | undefined;
  readonly summary: Summary<VerifySettings>;
  readonly tally: Tally;
  readonly rows: readonly VerifiedRow[];
}

/**
 * `verify`: reads the live values of every row a finished run updated (the
 * same paced, retried reads as the run's) and writes verify.csv: for each,
 * whether the batch still holds what the run wrote. It adds to the run's
 * folder (verify.csv, verify.json, run.log) and never replaces its summary.
 */
export async function verifyRun(options: VerifyOptions, environment: { readonly now?: () => Date; readonly shutdown?: AbortSignal }): Promise<VerifyResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const folder = await RunFolder.reopen(options.folder, startedAt);
  return folder.hold(() => verifyIn(folder, options, environment, { startedAt, now }));
}

/** verifyRun in the run folder this process holds. */
async function verifyIn(
  folder: RunFolder,
  options: VerifyOptions,
  environment: { readonly shutdown?: AbortSignal },
  clock: { readonly startedAt: Date; readonly now: () => Date },
): Promise<VerifyResult> {
  const record = await folder.readRecord();
  const { send } = options;
  if (record.target !== send.target.origin) {
    throw failure(RUN_WORDS, 'TIC-VERIFY-OTHER-TARGET', { folder: options.folder, recorded: String(record.target), target: send.target.origin });
  }
  const status = await readSummaryStatus(options.folder);
  if (status === 'running' || status === undefined) {
    throw failure(RUN_WORDS, 'TIC-VERIFY-UNFINISHED', { folder: options.folder });
  }
  const settings: VerifySettings = {
    folder: options.folder,
    clients: options.clients,
    ...sendingSettings(send, options.apiKeyFile),
  };
  const updated = await readUpdatedRows(options.folder);
  const unknown = updated.filter((row) => row.clientId === undefined);
  if (unknown.length > 0 && options.clients.length === 0) {
    throw failure(RUN_WORDS, 'TIC-VERIFY-ROWS-WITHOUT-CLIENT', { rows: unknown.length, folder: options.folder });
  }
  const run = {
    command: 'verify',
    interrupted: 'verification',
    settings,
    send,
    reports: options.reports,
    logLevel: options.logLevel,
    input: options.folder,
    outcomes: ['holds', 'changed'],
    summaryFile: 'verify.json',
    start: { rows: updated.length },
  } as const;
  return inReadingSession(folder, run, clock, environment.shutdown, async (session) => {
    const stage = new SendStage(session, send);
    const executor = await stage.open();
    const verified: VerifiedRow[] = [];
    let file: string | undefined;
    try {
      const live = new Map<string, ListedBatch>();
      const wanted = new Set(updated.map((row) => row.id.toLowerCase()));
      const clients = [
        ...new Set([
          ...updated.flatMap((row) => (row.clientId === undefined ? [] : [row.clientId.toLowerCase()])),
          ...(unknown.length > 0 ? options.clients : []),
        ]),
      ];
      for (const clientId of clients) {
        const result = await readClientBatches(executor, clientId);
        if (result.kind !== 'done') {
          if (result.kind === 'failed')
            session.stop(
              result.error.kind === 'auth' || result.error.kind === 'aborted'
                ? result.error
                : failure(SELECTION_WORDS, 'TIC-CLIENT-BATCHES-UNREADABLE', { clientId, reason: result.error.message }),
              'refused',
            );
          break;
        }
        for (const batch of result.value)
          if (wanted.has(batch.id.toLowerCase())) live.set(batch.id.toLowerCase(), { ...batch, clientId: batch.clientId ?? clientId });
      }
      if (!session.signal.aborted) {
        const out = new VerifyFile(folder.path);
        for (const row of updated) {
          const batch = live.get(row.id.toLowerCase());
          const checked = check(row, batch);
          verified.push(checked);
          out.add(checked);
          session.tally.countRow({ line: row.line, outcome: checked.result, cells: [], attempts: 0 });
        }
        out.commit();
        file = join(folder.path, VERIFY_FILE);
      } else VerifyFile.remove(folder.path);
      if (options.reconcile && !session.signal.aborted) {
        // A blind run read nothing before it wrote: where a write's window begins is not known.
        session.reconciled(
          record.options.blind === false
            ? await reconcileFolder(session, send, folder.path)
            : {
                checked: null,
                reason: 'the run was sent blind (--blind): it read nothing before writing, so the moment each write could have overwritten from is not known',
                requests: 0,
              },
        );
      }
    } finally {
      stage.close();
    }
    const summary = await session.finish();
    return { folder: folder.path, file, summary, tally: session.tally, rows: verified };
  });
}
/** Whether the batch holds, field by field, what the row wrote. */
function check(row: UpdatedRow, batch: ListedBatch | undefined): VerifiedRow {
  const clientId = batch?.clientId ?? row.clientId ?? '';
  if (batch === undefined) return { line: row.line, id: row.id, clientId, result: 'changed', written: row.written, live: null };
  const fields = UPDATABLE_FIELDS.filter((field) => row.written[field] !== undefined);
  const live = Object.fromEntries(fields.map((field) => [field, batch[field]])) as CreditBatchUpdate;
  const holds = fields.every((field) => sameValue(field, batch[field], row.written[field]));
  return { line: row.line, id: row.id, clientId, result: holds ? 'holds' : 'changed', written: row.written, live };
}

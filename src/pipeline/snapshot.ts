import { join } from 'node:path';
import type { ListedBatch } from '../core/credit-batch.js';
import type { ApiError, TiError } from '../core/errors.js';
import type { LogLevel } from '../report/log.js';
import { RunFolder } from '../report/run-folder.js';
import type { SendingSettings } from '../report/run-record.js';
import { describeUnwritable, SNAPSHOT_FILE, SnapshotFile } from '../report/snapshot-file.js';
import type { Summary } from '../report/summary.js';
import type { Tally } from '../report/tally.js';
import type { SendOptions } from '../send/options.js';
import { failure } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import { SELECTION_WORDS } from '../core/words/selection.js';
import { readClientBatches } from './operations/read-client-batches.js';
import { readClients } from './operations/read-clients.js';
import { filters, selects, type BatchSelection } from './selection.js';
import { sendingSettings } from './run-options.js';
import { inReadingSession } from './reading-session.js';
import { SendStage } from './send-stage.js';

export interface SnapshotOptions {
  readonly clients: readonly string[];
  /** Every client of the instance, from its client list, rather than `clients`. */
  readonly allClients?: boolean;
  /** Which of the batches read are written; every one when absent. */
  readonly selection?: BatchSelection;
  /** The zone the selection's days are read in, for summary.json. */
  readonly timezone?: string;
  readonly creditAccountId: string | undefined;
  /** The run folder; undefined picks `reports/<UTC time>-snapshot/`. */
  readonly outDir: string | undefined;
  readonly logLevel: LogLevel;
  readonly send: SendOptions;
  /** The file the key was read from, recorded in summary.json (never the key); undefined when it came from the environment. */
  readonly apiKeyFile?: string | undefined;
  /** The reports root: where the folder goes without `outDir`, and the run ledger; undefined: reports/, no ledger. */
  readonly reports?: string | undefined;
}

/** A snapshot's options as its summary.json records them: everything but the key. */
export type SnapshotSettings = SendingSettings & {
  readonly clients: readonly string[];
  readonly allClients?: boolean;
  readonly expiringBetween?: readonly [string, string] | null;
  readonly statuses?: readonly string[] | null;
  readonly timezone?: string;
  readonly creditAccountId: string | null;
  readonly out: string | null;
  readonly logLevel: string;
};

export interface SnapshotResult {
  readonly folder: string;
  /** snapshot.csv; undefined when it could not be written whole. */
  readonly file: string | undefined;
  readonly summary: Summary<SnapshotSettings>;
  readonly tally: Tally;
}

/**
 * `snapshot`: every credit batch of the clients named, read through the send
 * stage (paced, retried, paged defensively) into snapshot.csv, a file `apply`
 * takes as it is. The file is written whole or not at all: a snapshot missing
 * a client would look complete.
 */
export async function takeSnapshot(
  options: SnapshotOptions,
  environment: { readonly cwd: string; readonly now?: () => Date; readonly shutdown?: AbortSignal },
): Promise<SnapshotResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const folder = await RunFolder.create(options.outDir, 'snapshot', startedAt, environment.cwd, options.reports);
  return folder.hold(() => snapshotInto(folder, options, environment, { startedAt, now }));
}

/** takeSnapshot in the run folder this process holds. */
async function snapshotInto(
  folder: RunFolder,
  options: SnapshotOptions,
  environment: { readonly shutdown?: AbortSignal },
  clock: { readonly startedAt: Date; readonly now: () => Date },
): Promise<SnapshotResult> {
  const { send } = options;
  const selection = options.selection ?? {};
  const settings: SnapshotSettings = {
    clients: options.clients,
    allClients: options.allClients === true,
    expiringBetween: selection.window === undefined ? null : [selection.window.from, selection.window.to],
    statuses: selection.statuses === undefined ? null : [...selection.statuses],
    timezone: options.timezone ?? 'UTC',
    creditAccountId: options.creditAccountId ?? null,
    out: options.outDir ?? null,
    logLevel: options.logLevel,
    ...sendingSettings(send, options.apiKeyFile),
  };
  const run = { command: 'snapshot', interrupted: 'snapshot', settings, send, reports: options.reports, logLevel: options.logLevel } as const;
  return inReadingSession(folder, run, clock, environment.shutdown, async (session) => {
    const stage = new SendStage(session, send);
    const executor = await stage.open();
    const file = new SnapshotFile(folder.path);
    let written = false;
    let listed = 0;
    let clients = options.clients;
    try {
      if (options.allClients === true) {
        const read = await readClients(executor);
        if (read.kind === 'failed')
          session.stop(
            stopFor(read.error, (reason) => failure(SELECTION_WORDS, 'TIC-CLIENTS-UNREADABLE', { reason })),
            'refused',
          );
        clients = read.kind === 'done' ? read.value.map((client) => client.id) : [];
        session.log.logger.info({ event: 'clients-read', clients: clients.length, requests: read.kind === 'done' ? read.attempts : undefined }, 'clients read');
      }
      for (const clientId of clients) {
        if (session.signal.aborted) break;
        const result = await readClientBatches(executor, clientId, options.creditAccountId);
        if (result.kind === 'failed')
          session.stop(
            stopFor(result.error, (reason) => failure(SELECTION_WORDS, 'TIC-CLIENT-BATCHES-UNREADABLE', { clientId, reason })),
            'refused',
          );
        if (result.kind !== 'done') break;
        listed += result.value.length;
        const kept = result.value.filter((batch) => selects(selection, batch));
        const unwritable = refuseUnwritable(kept, clientId);
        if (unwritable !== undefined) {
          session.stop(unwritable, 'refused');
          break;
        }
        for (const batch of kept) file.add(batch);
        session.log.logger.info({ event: 'client-read', clientId, batches: result.value.length, kept: kept.length, requests: result.attempts }, 'client read');
      }
      if (!session.signal.aborted) {
        file.commit();
        written = true;
      }
    } finally {
      if (!written) file.discard();
      stage.close();
    }
    const path = join(folder.path, SNAPSHOT_FILE);
    session.snapshotted({ clients: clients.length, batches: written ? file.rows : 0, ...(filters(selection) ? { listed } : {}), file: written ? path : null });
    const summary = await session.finish();
    return { folder: folder.path, file: written ? path : undefined, summary, tally: session.tally };
  });
}

/** What stops a read that failed: the API's own error when no request can succeed (the key, the address), else `unreadable` of its message. */
export function stopFor(error: ApiError, unreadable: (reason: string) => TiError): TiError {
  return error.kind === 'auth' || error.kind === 'aborted' ? error : unreadable(error.message);
}

/** A snapshot is an input of `apply`: a batch it cannot write so that it reads back as read refuses it whole, as a missing client would. */
function refuseUnwritable(batches: readonly ListedBatch[], clientId: string): TiError | undefined {
  for (const batch of batches) {
    const problem = describeUnwritable(batch);
    if (problem === undefined) continue;
    return failure(RUN_WORDS, 'TIC-SNAPSHOT-UNWRITABLE', { id: batch.id.slice(0, 80), clientId, problem });
  }
  return undefined;
}

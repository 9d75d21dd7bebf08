import { join } from 'node:path';
import { failure } from '../core/words.js';
import { SELECTION_WORDS } from '../core/words/selection.js';
import type { LogLevel } from '../report/log.js';
import { LEFT_OUT_FILE, LeftOutFile, ROLLOVER_FILE, RolloverFile, type LeftOutReason } from '../report/rollover-file.js';
import { RunFolder } from '../report/run-folder.js';
import { describeUnwritable } from '../report/snapshot-file.js';
import type { SendingSettings } from '../report/run-record.js';
import type { Summary } from '../report/summary.js';
import type { SendOptions } from '../send/options.js';
import { clientNames, listClients } from './clients.js';
import { readClientBatches } from './operations/read-client-batches.js';
import { readClients } from './operations/read-clients.js';
import { sendingSettings } from './run-options.js';
import { inReadingSession } from './reading-session.js';
import type { RunSession } from './run-session.js';
import { expirySecond } from './live/values.js';
import { expiresWithin, isActive, type ExpiryWindow } from './selection.js';
import { recordAttempt, SendStage } from './send-stage.js';
import { stopFor } from './snapshot.js';

export interface RolloverOptions {
  readonly clients: readonly string[];
  /** Every client of the instance, from its client list, rather than `clients`. */
  readonly allClients: boolean;
  /** The batches moved: those expiring within these days. */
  readonly window: ExpiryWindow;
  /** `--to` as typed (a calendar day), and the moment it means, as sent: the end of that day in the window's zone. */
  readonly to: string;
  readonly target: string;
  /** Move batches whose status is not active too. */
  readonly includeInactive: boolean;
  /** The run folder; undefined picks `reports/<UTC time>-rollover/`. */
  readonly outDir: string | undefined;
  readonly logLevel: LogLevel;
  readonly send: SendOptions;
  readonly apiKeyFile?: string | undefined;
  /** The reports root: where the folder goes without `outDir`, and the run ledger; undefined: reports/, no ledger. */
  readonly reports?: string | undefined;
}

export type RolloverSettings = SendingSettings & {
  readonly clients: readonly string[];
  readonly allClients: boolean;
  readonly expiringBetween: readonly [string, string];
  readonly timezone: string;
  readonly to: string;
  /** The expiry the batches are moved to, as sent. */
  readonly newExpiry: string;
  readonly includeInactive: boolean;
  readonly out: string | null;
  readonly logLevel: string;
};

/** What a rollover moves of one client: how many batches, and the expiries they are moved from. */
export interface ClientMove {
  readonly clientId: string;
  readonly name: string | undefined;
  readonly batches: number;
  readonly earliest: string;
  readonly latest: string;
}

export interface LeftOutBatch {
  readonly clientId: string;
  readonly clientName: string | undefined;
  readonly id: string;
  readonly name: string | undefined;
  readonly status: string | undefined;
  readonly expiresOn: string;
  readonly reason: LeftOutReason;
}

/** How many of the batches left out a summary lists; left-out.csv holds them all. */
export const LEFT_OUT_SHOWN = 10;

export interface RolloverFacts {
  readonly target: string;
  /** Batches listed by the clients read, before the window. */
  readonly listed: number;
  readonly clientsRead: number;
  readonly moved: number;
  /** Per client with a batch moved, in the order the clients were read. */
  readonly clients: readonly ClientMove[];
  readonly leftOut: Readonly<Record<LeftOutReason, number>> & { readonly first: readonly LeftOutBatch[] };
  readonly file: string | null;
  readonly leftOutFile: string | null;
}

export interface RolloverResult {
  readonly folder: string;
  readonly summary: Summary<RolloverSettings>;
  /** Undefined when the clients could not be read whole: then no file was written. */
  readonly facts: RolloverFacts | undefined;
}

/**
 * `rollover`: every batch of the clients named (or of every client) that
 * expires within the window is written to rollover.csv with its expiry moved
 * to the end of the `--to` day, ready for `plan` and `apply`. It sends
 * nothing. A batch that would move to an earlier expiry is never moved, nor
 * (unless asked) one whose status is not active: each is listed, in the
 * summary and in left-out.csv, and left out. The files are written whole or
 * not at all, as a snapshot is.
 */
export async function rollOver(
  options: RolloverOptions,
  environment: { readonly cwd: string; readonly now?: () => Date; readonly shutdown?: AbortSignal },
): Promise<RolloverResult> {
  const now = environment.now ?? (() => new Date());
  const startedAt = now();
  const folder = await RunFolder.create(options.outDir, 'rollover', startedAt, environment.cwd, options.reports);
  return folder.hold(async () => {
    const { send, window } = options;
    const settings: RolloverSettings = {
      clients: options.clients,
      allClients: options.allClients,
      expiringBetween: [window.from, window.to],
      timezone: window.timezone,
      to: options.to,
      newExpiry: options.target,
      includeInactive: options.includeInactive,
      out: options.outDir ?? null,
      logLevel: options.logLevel,
      ...sendingSettings(send, options.apiKeyFile),
    };
    const run = { command: 'rollover', interrupted: 'rollover', settings, send, reports: options.reports, logLevel: options.logLevel } as const;
    return inReadingSession(folder, run, { startedAt, now }, environment.shutdown, async (session) => {
      const stage = new SendStage(session, send);
      const executor = await stage.open();
      const file = new RolloverFile(folder.path);
      const leftOutFile = new LeftOutFile(folder.path);
      const moves = new Map<string, { name: string | undefined; batches: number; earliest: string; latest: string }>();
      const leftOut: Record<LeftOutReason, number> = { earlier: 0, already: 0, inactive: 0 };
      const firstLeftOut: LeftOutBatch[] = [];
      let listed = 0;
      let clients = options.clients;
      let names: ReadonlyMap<string, string> = new Map();
      let done = false;
      const target = expirySecond(options.target);
      try {
        if (options.allClients) {
          const list = await readClients(executor);
          if (list.kind === 'failed')
            session.stop(
              stopFor(list.error, (reason) => failure(SELECTION_WORDS, 'TIC-CLIENTS-UNREADABLE', { reason })),
              'refused',
            );
          clients = list.kind === 'done' ? list.value.map((client) => client.id) : [];
          if (list.kind === 'done') names = clientNames(list.value);
        } else names = await namesOf(session, send);
        for (const clientId of clients) {
          if (session.signal.aborted) break;
          const read = await readClientBatches(executor, clientId);
          if (read.kind === 'failed')
            session.stop(
              stopFor(read.error, (reason) => failure(SELECTION_WORDS, 'TIC-CLIENT-BATCHES-UNREADABLE', { clientId, reason })),
              'refused',
            );
          if (read.kind !== 'done') break;
          listed += read.value.length;
          const clientName = names.get(clientId.toLowerCase());
          for (const batch of read.value) {
            const { expiresOn } = batch;
            // A batch listed without its expiry expires within no window: it is not guessed into one.
            if (expiresOn === undefined || !expiresWithin(window, expiresOn)) continue;
            const unwritable = describeUnwritable(batch);
            if (unwritable !== undefined) {
              session.stop(failure(SELECTION_WORDS, 'TIC-ROLLOVER-UNWRITABLE', { id: batch.id.slice(0, 80), clientId, problem: unwritable }), 'refused');
              break;
            }
            const reason = leftOutFor(expiresOn, batch.status, target, options.includeInactive);
            if (reason !== undefined) {
              leftOut[reason]++;
              leftOutFile.add({ ...batch, expiresOn }, reason);
              if (firstLeftOut.length < LEFT_OUT_SHOWN)
                firstLeftOut.push({ clientId, clientName, id: batch.id, name: batch.name, status: batch.status, expiresOn, reason });
              continue;
            }
            file.add({ ...batch, expiresOn }, options.target);
            const move = moves.get(clientId) ?? { name: clientName, batches: 0, earliest: expiresOn, latest: expiresOn };
            moves.set(clientId, { ...move, batches: move.batches + 1, earliest: earlier(move.earliest, expiresOn), latest: later(move.latest, expiresOn) });
          }
          if (session.signal.aborted) break;
          session.log.logger.info({ event: 'client-read', clientId, batches: read.value.length, requests: read.attempts }, 'client read');
        }
        if (!session.signal.aborted) {
          if (file.rows > 0) file.commit();
          else file.discard();
          if (firstLeftOut.length > 0) leftOutFile.commit();
          else leftOutFile.discard();
          done = true;
        }
      } finally {
        if (!done) {
          file.discard();
          leftOutFile.discard();
        }
        stage.close();
      }
      const rolled: RolloverFacts | undefined = done
        ? {
            target: options.target,
            listed,
            clientsRead: clients.length,
            moved: file.rows,
            clients: [...moves.entries()].map(([clientId, move]) => ({ clientId, ...move })),
            leftOut: { ...leftOut, first: firstLeftOut },
            file: file.rows > 0 ? join(folder.path, ROLLOVER_FILE) : null,
            leftOutFile: firstLeftOut.length > 0 ? join(folder.path, LEFT_OUT_FILE) : null,
          }
        : undefined;
      session.snapshotted({ clients: clients.length, batches: rolled?.moved ?? 0, listed, file: rolled?.file ?? null });
      if (rolled !== undefined) session.planned({ ...rolled });
      const summary = await session.finish();
      return { folder: folder.path, summary, facts: rolled };
    });
  });
}

/** The clients' names, for the summary, when the list can be read; none when it cannot (a key that may not read clients): the names are not worth the run. */
async function namesOf(session: RunSession<RolloverSettings>, send: SendOptions): Promise<ReadonlyMap<string, string>> {
  try {
    return clientNames((await listClients(send, undefined, session.signal, (attempt) => recordAttempt(session, attempt))).clients);
  } catch (error) {
    session.log.logger.warn({ event: 'clients-unread', error: (error as Error).message }, 'client names not read');
    return new Map();
  }
}

/** Why a batch within the window is not moved: it would move earlier, it expires then already, or (unless asked) it is not active. */
function leftOutFor(expiresOn: string, status: string | undefined, target: number, includeInactive: boolean): LeftOutReason | undefined {
  // To the whole second, as expiries are compared: a batch at the end of the --to day to the second (…59Z) is already there.
  const at = expirySecond(expiresOn);
  if (at > target) return 'earlier';
  if (at === target) return 'already';
  if (!includeInactive && !isActive(status)) return 'inactive';
  return undefined;
}

const earlier = (a: string, b: string): string => (Date.parse(b) < Date.parse(a) ? b : a);
const later = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

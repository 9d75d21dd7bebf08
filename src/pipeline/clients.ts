import type { ApiError } from '../core/errors.js';
import type { AttemptRecord } from '../core/run-facts.js';
import { failure } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import { SELECTION_WORDS } from '../core/words/selection.js';
import type { ClientSummary } from '../send/clients-answer.js';
import type { Executor } from '../send/executor.js';
import type { SendOptions } from '../send/options.js';
import { readClients } from './operations/read-clients.js';
import { onAbort } from '../core/abort.js';

/** What `clients` found. */
export interface ClientList {
  readonly target: string;
  /** The documented `query` given (--match), if any. */
  readonly query: string | null;
  readonly clients: readonly ClientSummary[];
  /** Requests made, retries included. */
  readonly requests: number;
}

/**
 * `clients`: every client of the instance, id and name, read through a send
 * stage of its own (paced and retried as any read). It writes nothing: a
 * listing, like `git ls-remote`, leaves no run folder. A run reading the
 * list for names alone reads it this way too, so that a key that may not
 * read clients (403) costs it the names, not the run; `onAttempt` counts the
 * requests in the run's figures.
 */
export async function listClients(
  send: SendOptions,
  query: string | undefined,
  signal: AbortSignal,
  onAttempt?: (attempt: AttemptRecord) => void,
): Promise<ClientList> {
  const { Executor } = await import('../send/executor.js');
  let requests = 0;
  let fatal: ApiError | undefined;
  const stop = new AbortController();
  const stopListening = onAbort(signal, () => stop.abort());
  const executor: Executor = new Executor(send, stop.signal, {
    onAttempt: (attempt) => {
      requests++;
      onAttempt?.(attempt);
    },
    onFatal: (error) => {
      fatal ??= error;
      stop.abort(error);
    },
  });
  try {
    const result = await readClients(executor, { query });
    if (result.kind === 'done') return { target: send.target.origin, query: query ?? null, clients: result.value, requests };
    if (signal.aborted) throw failure(RUN_WORDS, 'TIC-INTERRUPTED', { work: 'clients' });
    const error = fatal ?? (result.kind === 'failed' ? result.error : undefined);
    if (error !== undefined && (error.kind === 'auth' || error.kind === 'aborted')) throw error;
    throw failure(SELECTION_WORDS, 'TIC-CLIENTS-UNREADABLE', {
      reason: error?.message ?? (result.kind === 'not-sent' ? result.reason : 'the read was stopped'),
    });
  } finally {
    stopListening();
    executor.close();
  }
}

/** Client names by lower-case id, from a list read; the names of clients the list gave none for are absent. */
export function clientNames(clients: readonly ClientSummary[]): ReadonlyMap<string, string> {
  return new Map(clients.flatMap((client) => (client.name === undefined ? [] : [[client.id.toLowerCase(), client.name] as const])));
}

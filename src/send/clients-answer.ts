import type { ApiResponse } from './api-client.js';
import { answerFailure, readPaging, unreadable } from './api-answers.js';

/** A client as ti-credits keeps it: its id and name, nothing of the large record the API lists. */
export interface ClientSummary {
  readonly id: string;
  /** Undefined when the API listed none. */
  readonly name: string | undefined;
}

/** One page of the instance's clients, as `GET /clients` answers it. */
export interface ClientPage {
  readonly clients: readonly ClientSummary[];
  /** The count of every client matching the query, when the answer says. */
  readonly total: number | undefined;
  /** Whether a later page holds clients, when the answer says. */
  readonly hasMore: boolean | undefined;
  /** Clients a page holds, when the answer says. */
  readonly perPage: number | undefined;
}

/**
 * Reads a page of clients defensively. The Clients page documents its paging
 * as `data.Clients.pageInfo` (`perPage`, `currentPage`, `total`, `hasMore`);
 * the Pagination page says resource lists carry a `meta` object instead
 * (`page`, `perPage`, `totalCount`, `totalPages`, `nextCursor`): either is
 * read, any field of it may be missing. Each client record is large
 * (courses, licenses, appearance): only its id and name are kept. A client
 * without an id, or whose name is not text, makes the page unreadable.
 */
export function readClientPage(response: ApiResponse): ClientPage {
  const body = parseJson(response.body);
  const failure = answerFailure(response, 'read clients', body);
  if (failure !== undefined) throw failure;
  const list = objectOrEmpty(objectOrEmpty(objectOrEmpty(body).data).Clients);
  if (!Array.isArray(list.clients)) throw unreadable({ fault: 'missing', what: 'the list of clients' });
  const clients = (list.clients as unknown[]).map((item): ClientSummary => {
    const fields = objectOrEmpty(item);
    const { id, name } = fields;
    if (typeof id !== 'string' || id.trim() === '') throw unreadable({ fault: 'no-id', item: 'a client' });
    if (name !== undefined && name !== null && typeof name !== 'string')
      throw unreadable({ fault: 'not-typed', item: `client ${id}`, field: 'name', expected: 'text' });
    return { id, name: typeof name === 'string' ? name : undefined };
  });
  const meta = objectOrEmpty(objectOrEmpty(body).meta ?? list.meta);
  const paging = readPaging(list.pageInfo, meta);
  const page = count(meta.page);
  const totalPages = count(meta.totalPages);
  // Without hasMore or a cursor, the Pagination page's page and totalPages still tell whether this was the last.
  const hasMore = paging.hasMore ?? (page !== undefined && totalPages !== undefined ? page < totalPages : undefined);
  return { clients, ...paging, hasMore };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

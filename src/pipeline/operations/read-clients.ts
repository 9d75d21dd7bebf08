import { apiFailure, type FactsOf } from '../../core/words.js';
import { API_WORDS } from '../../core/words/api.js';
import type { ClientPageQuery } from '../../send/api-client.js';
import { readClientPage, type ClientPage, type ClientSummary } from '../../send/clients-answer.js';
import type { Executor } from '../../send/executor.js';
import type { Operation, SendResult } from '../../send/operation.js';

/** One page of the instance's clients. */
export const readClientPageOperation: Operation<ClientPageQuery, ClientPage> = {
  describe: (query) => ({ id: `clients page ${query.page}` }),
  request: (client, query) => client.listClients(query),
  read: (response) => readClientPage(response),
};

/**
 * Clients asked for a page. Each client record the API lists carries its
 * courses, licenses and appearance, some kilobytes each: fifty keep a page
 * well under the answer the client reads at most (MAX_ANSWER_BYTES).
 */
export const CLIENTS_PER_PAGE = 50;

/** A page cap no instance reaches: an answer whose `hasMore` never turns false must not keep a command reading. */
const MAX_CLIENT_PAGES = 10_000;

/**
 * Every client of the instance (those matching `query`, when given), id and
 * name, read page by page through the send stage, defensively as a client's
 * batches are: from page 1 until `hasMore` is false or a page is empty (or,
 * where the answer does not say, until the clients read reach its `total` or
 * a page is shorter than the size it states: never the size asked for, which
 * the API may not keep); a client listed twice counted once
 * (refused if listed with another name); a page adding nothing new accepted
 * as the end only when the `total` confirms it; and a count that disagrees
 * with the `total` the first page gave refused, since a list that changed
 * while it was read cannot be trusted to be whole.
 */
export async function readClients(
  executor: Executor,
  options: { readonly query?: string | undefined; readonly count?: number } = {},
): Promise<SendResult<readonly ClientSummary[]>> {
  const count = options.count ?? CLIENTS_PER_PAGE;
  const clients = new Map<string, ClientSummary>();
  let attempts = 0;
  let total: number | undefined;
  const fail = (finding: FactsOf<(typeof API_WORDS)['TIC-API-CLIENTS-INCONSISTENT']>): SendResult<readonly ClientSummary[]> => ({
    kind: 'failed',
    error: apiFailure(API_WORDS, 'TIC-API-CLIENTS-INCONSISTENT', finding, { status: 200 }),
    attempts,
    interrupted: false,
    answerLost: false,
  });
  for (let page = 1; ; page++) {
    if (page > MAX_CLIENT_PAGES) return fail({ finding: 'no-end', maxPages: MAX_CLIENT_PAGES });
    const result = await executor.perform(readClientPageOperation, { page, count, query: options.query });
    if (result.kind !== 'done') return result.kind === 'failed' ? { ...result, attempts: attempts + result.attempts } : result;
    attempts += result.attempts;
    const { clients: listed, hasMore, perPage } = result.value;
    total ??= result.value.total;
    let added = 0;
    for (const client of listed) {
      const key = client.id.toLowerCase();
      const earlier = clients.get(key);
      if (earlier === undefined) {
        clients.set(key, client);
        added++;
      } else if (earlier.name !== client.name) {
        return fail({ finding: 'listed-twice', id: client.id });
      }
    }
    // Past the total it gave, the list contradicts itself now, whatever hasMore says: an endless list is stopped at once.
    if (total !== undefined && clients.size > total) return fail({ finding: 'count', listed: clients.size, total });
    const reachedTotal = total !== undefined && clients.size >= total;
    if (listed.length === 0 || hasMore === false) break;
    if (added === 0) {
      if (reachedTotal) break;
      return fail({ finding: 'page-repeated', page, saidMore: hasMore === true });
    }
    if (hasMore === undefined && (reachedTotal || (perPage !== undefined && listed.length < perPage))) break;
  }
  if (total !== undefined && total !== clients.size) {
    return fail({ finding: 'count', listed: clients.size, total });
  }
  return { kind: 'done', value: [...clients.values()], attempts, status: 200 };
}

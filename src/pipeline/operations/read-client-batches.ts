import { UPDATABLE_FIELDS, type ListedBatch } from '../../core/credit-batch.js';
import { clip } from '../../core/preview.js';
import { apiFailure, type FactsOf } from '../../core/words.js';
import { API_WORDS } from '../../core/words/api.js';
import { readBatchPage, type BatchPage } from '../../send/api-answers.js';
import type { BatchPageQuery } from '../../send/api-client.js';
import type { Executor } from '../../send/executor.js';
import type { Operation, SendResult } from '../../send/operation.js';

/** One page of a client's credit batches. */
export const readBatchPageOperation: Operation<BatchPageQuery, BatchPage> = {
  describe: (query) => ({ id: query.clientId }),
  request: (client, query) => client.listCreditBatches(query),
  read: (response, query) => readBatchPage(response, query.clientId),
  reads: true,
};

/**
 * The most pages read for one client: 200,000 batches at the mock's 100 a
 * page, far past any real client; with a `total`, the pages it needs.
 */
export const MAX_PAGES = 2_000;
/** Pages read past those the API's `total` needs: a batch added while the list is read may push one over. */
const PAGE_MARGIN = 2;

/**
 * Every credit batch of one client (of one credit account, if given), read
 * page by page through the send stage, so that the reads share the run's
 * pace, retries, 429 pauses and circuit breaker with its writes: they spend
 * the same per-key limit. The documentation's pages disagree on paging, so
 * the pages are read defensively: from page 1, until `hasMore` is false or a
 * page is empty, a batch listed twice counted once (refused if listed with
 * other values), and a count that disagrees with the `total` the API gave
 * refused, since a list that changed while it was read cannot be trusted for
 * a check. A list that never ends is refused as soon as it shows it: a page
 * that brings no batch not listed before (the same page again) while more
 * are said to come, more batches than the `total`, more pages than the
 * `total` needs (at the page size the API gave, or its first page's), or
 * MAX_PAGES without a `total`.
 */
/** One page as it was read: its batches, and how many the list says it holds in all. */
export interface PageRead {
  readonly batches: readonly ListedBatch[];
  readonly total: number | undefined;
}

export async function readClientBatches(executor: Executor, clientId: string, creditAccountId?: string, onPage?: (page: PageRead) => void): Promise<SendResult<readonly ListedBatch[]>> {
  const batches = new Map<string, ListedBatch>();
  let attempts = 0;
  let total: number | undefined;
  let pages = MAX_PAGES;
  let previous: readonly string[] = [];
  const refuse = (finding: FactsOf<(typeof API_WORDS)['TIC-API-BATCHES-INCONSISTENT']>): SendResult<readonly ListedBatch[]> => ({
    kind: 'failed',
    error: apiFailure(API_WORDS, 'TIC-API-BATCHES-INCONSISTENT', finding, { status: 200 }),
    attempts,
    interrupted: false,
    answerLost: false,
  });
  for (let page = 1; ; page++) {
    const result = await executor.perform(readBatchPageOperation, { clientId, creditAccountId, page });
    if (result.kind !== 'done') return result.kind === 'failed' ? { ...result, attempts: attempts + result.attempts } : result;
    onPage?.({ batches: result.value.creditBatches, total: result.value.total });
    attempts += result.attempts;
    const { creditBatches, hasMore } = result.value;
    if (page === 1) {
      total = result.value.total;
      const perPage = result.value.perPage ?? creditBatches.length;
      if (total !== undefined && perPage > 0) pages = Math.min(MAX_PAGES, Math.ceil(total / perPage) + PAGE_MARGIN);
    }
    let added = 0;
    for (const batch of creditBatches) {
      const key = batch.id.toLowerCase();
      const earlier = batches.get(key);
      // Listed twice with other values, the batch changed while the list was read: neither value can be trusted as its baseline.
      if (earlier !== undefined && UPDATABLE_FIELDS.some((field) => earlier[field] !== batch[field])) {
        return refuse({ finding: 'listed-twice', clientId, id: clip(batch.id) });
      }
      if (earlier === undefined) added++;
      batches.set(key, batch);
    }
    const ids = creditBatches.map((batch) => batch.id.toLowerCase());
    const more = creditBatches.length > 0 && hasMore === true;
    if (more && added === 0) {
      const same = ids.length === previous.length && ids.every((id, index) => id === previous[index]);
      return refuse({ finding: 'page-repeated', clientId, page, samePage: same });
    }
    if (total !== undefined && batches.size > total) {
      return refuse({ finding: 'over-total', clientId, listed: batches.size, total, page });
    }
    if (!more) break;
    if (page >= pages) {
      return refuse({ finding: 'no-end', clientId, page, total, maxPages: MAX_PAGES });
    }
    previous = ids;
  }
  if (total !== undefined && total !== batches.size) {
    return refuse({ finding: 'count', clientId, listed: batches.size, total });
  }
  return { kind: 'done', value: [...batches.values()], attempts, status: 200 };
}

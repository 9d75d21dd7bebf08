import { UPDATABLE_FIELDS, type ListedBatch } from '../../core/credit-batch.js';
import { clip } from '../../core/preview.js';
import { apiFailure, type FactsOf } from '../../core/words.js';
import { API_WORDS } from '../../core/words/api.js';
import { readBatchPage, type BatchPage } from '../../send/api-answers.js';
import type { BatchPageQuery } from '../../send/api-client.js';
import type { Executor } from '../../send/executor.js';
import type { Operation, SendResult } from '../../send/operation.js';
import { IdTable } from '../live/id-table.js';

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
/** The most batches room is made for at once, from what a list says it holds. */
const MAX_PRESIZED = 1_000_000;
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

export async function readClientBatches(executor: Executor, clientId: string, creditAccountId?: string): Promise<SendResult<readonly ListedBatch[]>> {
  const batches = new Map<string, ListedBatch>();
  const result = await listClientBatches(executor, clientId, creditAccountId, {
    size: () => batches.size,
    note: (batch) => {
      const key = batch.id.toLowerCase();
      const earlier = batches.get(key);
      batches.set(key, batch);
      return earlier === undefined ? 'new' : UPDATABLE_FIELDS.some((field) => earlier[field] !== batch[field]) ? 'differs' : 'same';
    },
  });
  return result.kind === 'done' ? { ...result, value: [...batches.values()] } : result;
}

/**
 * The same reading, each page handed to `onPage` and nothing kept of the
 * batches but what tells a batch listed twice: its id and a 64-bit
 * fingerprint of the values a row can change (two different sets of values
 * share one about once in 10^19), where holding every batch of a client of
 * a hundred thousand took hundreds of megabytes. Done: how many batches.
 */
export async function eachClientBatch(
  executor: Executor,
  clientId: string,
  creditAccountId: string | undefined,
  onPage: (page: PageRead) => void,
): Promise<SendResult<number>> {
  // Sized by the first page's total, when it gives one: growing tables of a hundred thousand ids left the allocator fragmented.
  let ids = new IdTable(0);
  let prints = new Uint32Array(0);
  const result = await listClientBatches(
    executor,
    clientId,
    creditAccountId,
    {
      expect: (total) => {
        ids = new IdTable(total);
        prints = new Uint32Array(2 * Math.max(16, total));
      },
      size: () => ids.size,
      note: (batch) => {
        const known = ids.size;
        const number = ids.add(batch.id);
        const [high, low] = fingerprint(batch);
        if (number === known) {
          if (2 * number + 2 > prints.length) {
            const grown = new Uint32Array(Math.max(2048, prints.length * 2));
            grown.set(prints);
            prints = grown;
          }
          prints[2 * number] = high;
          prints[2 * number + 1] = low;
          return 'new';
        }
        return prints[2 * number] === high && prints[2 * number + 1] === low ? 'same' : 'differs';
      },
    },
    onPage,
  );
  return result.kind === 'done' ? { ...result, value: ids.size } : result;
}

/** The batches listed so far: how many, and whether one is new, listed before with the same values, or with others. */
interface Listed {
  /** Told, before the first batch is noted, how many the list says it holds. */
  expect?(total: number): void;
  size(): number;
  note(batch: ListedBatch): 'new' | 'same' | 'differs';
}

async function listClientBatches<T>(
  executor: Executor,
  clientId: string,
  creditAccountId: string | undefined,
  listed: Listed,
  onPage?: (page: PageRead) => void,
): Promise<SendResult<T | undefined>> {
  let attempts = 0;
  let total: number | undefined;
  let pages = MAX_PAGES;
  /** Batches a page holds: as the first page says, or as many as it held. */
  let pageSize = 0;
  let previous: readonly string[] = [];
  const refuse = (finding: FactsOf<(typeof API_WORDS)['TIC-API-BATCHES-INCONSISTENT']>): SendResult<T | undefined> => ({
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
      pageSize = perPage;
      if (total !== undefined && perPage > 0) pages = Math.min(MAX_PAGES, Math.ceil(total / perPage) + PAGE_MARGIN);
      // Room for what the list says it holds, within what its pages can hold at the size the first one has: never
      // more than a page's worth per page, whatever total or page size an answer claims; beyond, the tables grow.
      listed.expect?.(Math.min(total ?? 0, pages * Math.max(1, creditBatches.length), MAX_PRESIZED));
    }
    let added = 0;
    for (const batch of creditBatches) {
      const seen = listed.note(batch);
      // Listed twice with other values, the batch changed while the list was read: neither value can be trusted as its baseline.
      if (seen === 'differs') {
        return refuse({ finding: 'listed-twice', clientId, id: clip(batch.id) });
      }
      if (seen === 'new') added++;
    }
    // Without hasMore (left out, or held as text), the list goes on until a page is empty or short, or holds its total: never cut short.
    const short = creditBatches.length < (result.value.perPage ?? pageSize);
    const more = creditBatches.length > 0 && (hasMore === true || (hasMore === undefined && !short && !(total !== undefined && listed.size() >= total)));
    if (more && added === 0) {
      const ids = creditBatches.map((batch) => batch.id.toLowerCase());
      const same = ids.length === previous.length && ids.every((id, index) => id === previous[index]);
      return refuse({ finding: 'page-repeated', clientId, page, samePage: same });
    }
    if (total !== undefined && listed.size() > total) {
      return refuse({ finding: 'over-total', clientId, listed: listed.size(), total, page });
    }
    if (!more) break;
    if (page >= pages) {
      return refuse({ finding: 'no-end', clientId, page, total, maxPages: MAX_PAGES });
    }
    previous = creditBatches.map((batch) => batch.id.toLowerCase());
  }
  if (total !== undefined && total !== listed.size()) {
    return refuse({ finding: 'count', clientId, listed: listed.size(), total });
  }
  return { kind: 'done', value: undefined, attempts, status: 200 };
}

/**
 * A 64-bit fingerprint of the values of a batch a row can change, as two
 * words (murmur3's mixing, two seeds); each value is marked by its kind, so
 * that a value absent, a number and a text never share one by their form.
 */
function fingerprint(batch: ListedBatch): [number, number] {
  let high = 0x5bd1e995;
  let low = 0x27d4eb2f;
  for (const field of UPDATABLE_FIELDS) {
    const value = batch[field];
    if (typeof value === 'number') {
      // A balance is a safe whole number (api-answers.ts refuses any other): its two 32-bit halves say it whole.
      const words = [1, Math.floor(value / 2 ** 32), value >>> 0];
      for (const word of words) {
        high = mix(high, word);
        low = mix(low, word);
      }
    } else if (typeof value === 'string') {
      high = mix(high, 2);
      low = mix(low, 2);
      for (let index = 0; index < value.length; index++) {
        const code = value.charCodeAt(index);
        high = mix(high, code);
        low = mix(low, code);
      }
      high = mix(high, value.length);
      low = mix(low, value.length);
    } else {
      high = mix(high, 3);
      low = mix(low, 3);
    }
  }
  return [finish(high), finish(low)];
}

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

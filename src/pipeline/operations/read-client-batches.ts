import { UPDATABLE_FIELDS, type CreditBatch } from '../../core/credit-batch.js';
import { ApiError } from '../../core/errors.js';
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

/** A page cap no real client reaches: a server whose `hasMore` never turns false must not keep a run reading. */
const MAX_PAGES = 100_000;

/**
 * Every credit batch of one client (of one credit account, if given), read
 * page by page through the send stage, so that the reads share the run's
 * pace, retries, 429 pauses and circuit breaker with its writes: they spend
 * the same per-key limit. The documentation's pages disagree on paging, so
 * the pages are read defensively: from page 1, until `hasMore` is false or a
 * page is empty, a batch listed twice counted once (refused if listed with
 * other values), and a count that disagrees with the `total` the API gave
 * refused, since a list that changed while it was read cannot be trusted for
 * a check.
 */
export async function readClientBatches(executor: Executor, clientId: string, creditAccountId?: string): Promise<SendResult<readonly CreditBatch[]>> {
  const batches = new Map<string, CreditBatch>();
  let attempts = 0;
  let total: number | undefined;
  let finished = false;
  for (let page = 1; page <= MAX_PAGES && !finished; page++) {
    const result = await executor.perform(readBatchPageOperation, { clientId, creditAccountId, page });
    if (result.kind !== 'done') return result.kind === 'failed' ? { ...result, attempts: attempts + result.attempts } : result;
    attempts += result.attempts;
    const { creditBatches, hasMore } = result.value;
    total ??= result.value.total;
    for (const batch of creditBatches) {
      const key = batch.id.toLowerCase();
      const earlier = batches.get(key);
      // Listed twice with other values, the batch changed while the list was read: neither value can be trusted as its baseline.
      if (earlier !== undefined && UPDATABLE_FIELDS.some((field) => earlier[field] !== batch[field])) {
        const error = new ApiError('rejected', `the API listed credit batch ${batch.id} of client ${clientId} twice, with different values; the list may have changed while it was read`, {
          status: 200,
          hint: 'Run the command again; if it persists, the API is answering inconsistently.',
        });
        return { kind: 'failed', error, attempts, interrupted: false, answerLost: false };
      }
      batches.set(key, batch);
    }
    finished = creditBatches.length === 0 || hasMore !== true;
  }
  if (!finished) {
    const error = new ApiError('rejected', `the API still had more credit batches for client ${clientId} after ${MAX_PAGES} pages`, { status: 200 });
    return { kind: 'failed', error, attempts, interrupted: false, answerLost: false };
  }
  if (total !== undefined && total !== batches.size) {
    const error = new ApiError('rejected', `the API listed ${batches.size} credit batches for client ${clientId} but said it has ${total}; the list may have changed while it was read`, {
      status: 200,
      hint: 'Run the command again; if it persists, the API is answering inconsistently.',
    });
    return { kind: 'failed', error, attempts, interrupted: false, answerLost: false };
  }
  return { kind: 'done', value: [...batches.values()], attempts, status: 200 };
}

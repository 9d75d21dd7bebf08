import type { CreditAction, CreditActionType } from '../../core/credit-action.js';
import { apiFailure } from '../../core/words.js';
import { API_WORDS, type LedgerFinding } from '../../core/words/api.js';
import { readCreditActionPage, type CreditActionPage } from '../../send/api-answers.js';
import type { CreditActionQuery } from '../../send/api-client.js';
import type { Executor } from '../../send/executor.js';
import type { Operation, SendResult } from '../../send/operation.js';

/** One page of a credit account's ledger, of one action type. */
export const readCreditActionPageOperation: Operation<CreditActionQuery, CreditActionPage> = {
  describe: (query) => ({ id: query.creditAccountId }),
  request: (client, query) => client.listCreditActions(query),
  read: (response, query) => readCreditActionPage(response, query),
};

/**
 * Pages read at most for one credit account and action type, whatever the
 * API says: a million actions at 100 a page, some 17 minutes at 600 requests
 * a minute. A ledger longer than that is refused rather than read for hours.
 */
export const MAX_LEDGER_PAGES = 10_000;

/** One credit account of one client. */
export interface CreditAccountRef {
  readonly clientId: string;
  readonly creditAccountId: string;
}

/**
 * Every action of one type in one credit account's ledger, read page by page
 * through the send stage (the run's pace, retries, 429 pauses and circuit
 * breaker, as for a client's batches). The order of the actions is not
 * documented and the ledger grows while it is read, so nothing here relies on
 * order: an action listed twice counts once (refused if listed with other
 * values), and the reading ends
 * - at `hasMore: false` or an empty page;
 * - where the answer does not say whether there is more, once the actions
 *   read reach the `total` it gave, or at a page shorter than its `perPage`;
 * - at a page that adds no action not already read (the same page again),
 *   accepted as the end only when the `total` confirms it.
 * The pages are bounded by the largest `total` given (one page more, for
 * actions added while reading) and by `maxPages`. Whatever the order, every
 * action the ledger held when its first page was read is listed by the time
 * the reading ends, so fewer actions than that page's `total` means some
 * were missed: the read fails rather than pass for whole.
 */
export async function readCreditActions(
  executor: Executor,
  account: CreditAccountRef,
  actionType: CreditActionType,
  options: { readonly maxPages?: number } = {},
): Promise<SendResult<readonly CreditAction[]>> {
  const maxPages = options.maxPages ?? MAX_LEDGER_PAGES;
  const { clientId, creditAccountId } = account;
  const whose = `credit account ${creditAccountId} of client ${clientId}`;
  const actions = new Map<string, CreditAction>();
  let attempts = 0;
  let firstTotal: number | undefined;
  let largestTotal: number | undefined;
  let pageSize: number | undefined;
  const fail = (finding: LedgerFinding): SendResult<readonly CreditAction[]> => ({
    kind: 'failed',
    error: apiFailure(API_WORDS, 'TIC-API-LEDGER-INCONSISTENT', { ...finding, actionType, whose }, { status: 200 }),
    attempts,
    interrupted: false,
    answerLost: false,
  });

  for (let page = 1; ; page++) {
    if (page > maxPages) return fail({ finding: 'no-end', maxPages });
    if (largestTotal !== undefined && pageSize !== undefined && page > Math.ceil(largestTotal / pageSize) + 1) {
      return fail({ finding: 'past-total', total: largestTotal, pages: page - 1, pageSize });
    }
    const result = await executor.perform(readCreditActionPageOperation, { clientId, creditAccountId, actionType, page });
    if (result.kind !== 'done') return result.kind === 'failed' ? { ...result, attempts: attempts + result.attempts } : result;
    attempts += result.attempts;
    const { creditActions, hasMore, total, perPage } = result.value;
    firstTotal ??= total;
    if (total !== undefined) largestTotal = Math.max(largestTotal ?? 0, total);
    pageSize = perPage ?? Math.max(pageSize ?? 0, creditActions.length);
    let added = 0;
    for (const action of creditActions) {
      const key = action.id.toLowerCase();
      const earlier = actions.get(key);
      if (earlier === undefined) {
        actions.set(key, action);
        added++;
      } else if (JSON.stringify(earlier) !== JSON.stringify(action)) {
        return fail({ finding: 'listed-twice', id: action.id });
      }
    }
    const reachedTotal = firstTotal !== undefined && actions.size >= firstTotal;
    if (creditActions.length === 0 || hasMore === false) break;
    if (added === 0) {
      if (reachedTotal) break;
      return fail({ finding: 'page-repeated', page, saidMore: hasMore === true });
    }
    if (hasMore === undefined && (reachedTotal || (perPage !== undefined && creditActions.length < perPage))) break;
  }
  if (firstTotal !== undefined && actions.size < firstTotal) {
    return fail({ finding: 'short', listed: actions.size, total: firstTotal });
  }
  return { kind: 'done', value: [...actions.values()], attempts, status: 200 };
}

import { STATUS_CODES } from 'node:http';
import type { CreditAction, CreditActionType } from '../core/credit-action.js';
import type { CreditBatch, ListedBatch } from '../core/credit-batch.js';
import type { ApiError } from '../core/errors.js';
import { clip, escapeControls, previewJson } from '../core/preview.js';
import { parseServerTime } from '../core/server-time.js';
import { apiFailure, type FactsOf } from '../core/words.js';
import { API_WORDS } from '../core/words/api.js';
import type { ApiResponse } from './api-client.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * What an answer of the API means: the value asked for, or an ApiError of the
 * kind that decides what happens next (retry.ts). The shapes are the API's,
 * one reader per endpoint; how a status is classified is common to all.
 */

/**
 * The code of each status a person acts on differently; any other is
 * TIC-API-STATUS. The transient ones (408, 429, 5XX) are worth another try:
 * the request may well succeed later unchanged.
 */
const CODE_OF_STATUS = new Map<number, 'TIC-API-400' | 'TIC-API-404' | 'TIC-API-408' | 'TIC-API-409' | 'TIC-API-422' | 'TIC-API-429' | 'TIC-API-5XX'>([
  [400, 'TIC-API-400'],
  [404, 'TIC-API-404'],
  [408, 'TIC-API-408'],
  [409, 'TIC-API-409'],
  [422, 'TIC-API-422'],
  [429, 'TIC-API-429'],
  [500, 'TIC-API-5XX'],
  [502, 'TIC-API-5XX'],
  [503, 'TIC-API-5XX'],
  [504, 'TIC-API-5XX'],
]);

/**
 * The failure a non-200 answer stands for, or undefined for a 200.
 * `permission` names what a 403 says the key may not do.
 */
export function answerFailure(response: ApiResponse, permission: string, body: unknown = parseJson(response.body)): ApiError | undefined {
  const { status } = response;
  if (status === 200) return undefined;
  const message = apiMessage(body, response.body, status);
  if (status >= 300 && status < 400) {
    const location = response.headers.location;
    return apiFailure(API_WORDS, 'TIC-API-REDIRECT', { status, location: String(location ?? 'another address') }, { status });
  }
  if (status === 401) return apiFailure(API_WORDS, 'TIC-API-401', { message }, { status });
  if (status === 403) return apiFailure(API_WORDS, 'TIC-API-403', { permission, message }, { status });
  const code = CODE_OF_STATUS.get(status) ?? 'TIC-API-STATUS';
  if (API_WORDS[code].kind === 'transient') {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], body, Date.now());
    return apiFailure(API_WORDS, code, { status, message }, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
  }
  return apiFailure(API_WORDS, code, { status, message }, { status });
}

/** The credit batch a 200 to `PUT /clients/creditBatches/:id` holds; throws the ApiError any other answer stands for. */
export function readUpdatedBatch(response: ApiResponse, id: string): CreditBatch {
  const body = parseJson(response.body);
  const failure = answerFailure(response, 'update credit batches', body);
  if (failure !== undefined) throw failure;
  const batch = (body as { data?: { UpdateCreditBatch?: Partial<CreditBatch> } } | undefined)?.data?.UpdateCreditBatch;
  if (typeof batch?.id !== 'string') {
    throw apiFailure(API_WORDS, 'TIC-API-UPDATE-UNCONFIRMED', { answer: 'no-batch' }, { status: 200 });
  }
  if (batch.id.toLowerCase() !== id.toLowerCase()) {
    throw apiFailure(API_WORDS, 'TIC-API-UPDATE-UNCONFIRMED', { answer: 'other-batch', answered: batch.id, id }, { status: 200 });
  }
  return batch as CreditBatch;
}

/** One page of a client's credit batches, as `GET /clients/:clientId/creditBatches` answers it. */
export interface BatchPage {
  readonly creditBatches: readonly ListedBatch[];
  /** The count of all the client's matching batches, when the answer says. */
  readonly total: number | undefined;
  /** Whether a later page has batches, when the answer says. */
  readonly hasMore: boolean | undefined;
  /** How many batches a page holds, when the answer says. */
  readonly perPage: number | undefined;
}

/**
 * Reads a page defensively: the documentation's pages disagree on the paging
 * shape, so `pageInfo` may lack a field (left undefined, for the caller to do
 * without) but a batch without an id, or for another client, is refused. A
 * field a batch lacks, or holds as null, is absent from it (a ListedBatch):
 * never read as a value; one of the wrong kind (a name that is not text, a
 * balance that is not a whole number of credits) is refused, never guessed at.
 */
export function readBatchPage(response: ApiResponse, clientId: string): BatchPage {
  const body = parseJson(response.body);
  const failure = answerFailure(response, 'read credit batches', body);
  if (failure !== undefined) throw failure;
  const list = (body as { data?: { APICreditBatchesByClientAndCreditAccount?: { creditBatches?: unknown; pageInfo?: Record<string, unknown> } } } | undefined)
    ?.data?.APICreditBatchesByClientAndCreditAccount;
  if (list === undefined || !Array.isArray(list.creditBatches)) {
    throw unreadable({ fault: 'missing', what: `the credit batches of client ${clientId}` });
  }
  const creditBatches = (list.creditBatches as unknown[]).map((listed) => readListedBatch(listed, clientId));
  return { creditBatches, ...readPaging(list.pageInfo, (body as { meta?: unknown }).meta) };
}

/** How a list answer says it is paged: what `readPaging` makes of it, each part undefined when the answer does not say. */
export interface Paging {
  readonly total: number | undefined;
  readonly hasMore: boolean | undefined;
  readonly perPage: number | undefined;
}

/**
 * A list's paging in either shape the documentation gives: the endpoint's
 * own `pageInfo` (`perPage`, `total`, `hasMore`), any field of it missing or
 * of another type (then undefined), or the Pagination page's `meta`
 * (`perPage`, `totalCount`, `nextCursor`, null on the last page).
 */
export function readPaging(pageInfo: unknown, meta: unknown): Paging {
  const info = objectOrEmpty(pageInfo);
  const paged = objectOrEmpty(meta);
  const nextCursor = paged.nextCursor;
  const perPage = count(info.perPage) ?? count(paged.perPage);
  return {
    total: count(info.total) ?? count(paged.totalCount),
    hasMore:
      typeof info.hasMore === 'boolean' ? info.hasMore : nextCursor === null ? false : typeof nextCursor === 'string' && nextCursor !== '' ? true : undefined,
    // The documentation's example says perPage 0: a page size that cannot be is no page size.
    perPage: perPage === 0 ? undefined : perPage,
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** One batch of a list: its fields without those that are null. */
function readListedBatch(listed: unknown, clientId: string): ListedBatch {
  if (typeof listed !== 'object' || listed === null || typeof (listed as { id?: unknown }).id !== 'string' || (listed as { id: string }).id.trim() === '') {
    throw unreadable({ fault: 'no-id', item: `a credit batch of client ${clientId}` });
  }
  const batch = (hasNull(listed) ? Object.fromEntries(Object.entries(listed).filter(([, value]) => value !== null)) : listed) as Record<string, unknown> & {
    id: string;
  };
  const id = clip(batch.id);
  if (typeof batch.clientId === 'string' && batch.clientId.toLowerCase() !== clientId.toLowerCase()) {
    throw unreadable({ fault: 'elsewhere', item: `credit batch ${id}`, owner: `client ${clip(batch.clientId)}`, asked: `client ${clientId}` });
  }
  for (const field of ['name', 'expiresOn', 'status'] as const) {
    const value = batch[field];
    if (value !== undefined && typeof value !== 'string')
      throw unreadable({ fault: 'wrong-type', item: `credit batch ${id}`, field, value: previewJson(value), expected: 'text' });
  }
  // Read as the server's other moments are, strictly: Date.parse would take "12" for 2001, and a time without its offset for this machine's.
  if (typeof batch.expiresOn === 'string' && parseServerTime(batch.expiresOn) === undefined) {
    throw unreadable({ fault: 'wrong-type', item: `credit batch ${id}`, field: 'expiresOn', value: previewJson(batch.expiresOn), expected: 'a moment' });
  }
  // A balance is what a change is checked against and added to: one that is not a whole number of credits is never guessed at.
  for (const field of ['currentBalance', 'allocatedCredits'] as const) {
    const value = batch[field];
    if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      throw unreadable({ fault: 'wrong-type', item: `credit batch ${id}`, field, value: previewJson(value), expected: 'a whole number of credits' });
    }
  }
  return batch as unknown as ListedBatch;
}

/** Whether an object just parsed holds a field that is null: only then is it copied without them. */
function hasNull(value: object): boolean {
  for (const key in value) if ((value as Record<string, unknown>)[key] === null) return true;
  return false;
}

/** Whether `GET /ping` accepted the key; throws the ApiError any other answer stands for. */
export function readPing(response: ApiResponse): void {
  const body = parseJson(response.body);
  const failure = answerFailure(response, 'use the API', body);
  if (failure !== undefined) throw failure;
  if ((body as { valid?: unknown } | undefined)?.valid !== true) {
    throw apiFailure(API_WORDS, 'TIC-API-KEY-UNCONFIRMED', {}, { status: 200 });
  }
}

/** One page of a credit account's ledger, as `GET /clients/:id/creditAccount/:creditAccountId/creditActions` answers it. */
export interface CreditActionPage {
  readonly creditActions: readonly CreditAction[];
  /** The count of all the account's actions of the type asked for, when the answer says. */
  readonly total: number | undefined;
  /** Whether a later page has actions, when the answer says. */
  readonly hasMore: boolean | undefined;
  /** Actions a page holds, when the answer says. */
  readonly perPage: number | undefined;
}

/**
 * Reads a page of the ledger defensively. The paging is read in either shape
 * the documentation gives: this endpoint's `pageInfo` (`perPage`, `cursor`,
 * `total`, `hasMore`), any field of which may be missing, as in the
 * cursor-only `pageInfo` of the Pagination page; or that page's `meta`
 * (`perPage`, `totalCount`, `nextCursor`). An action that is not an object,
 * has no id, is another client's, or holds a field of another type than the
 * documented one makes the page unreadable; a field merely absent (or null)
 * is left undefined, for the caller to decide whether it needed it.
 */
export function readCreditActionPage(
  response: ApiResponse,
  query: { readonly clientId: string; readonly creditAccountId: string; readonly actionType: CreditActionType },
): CreditActionPage {
  const body = parseJson(response.body);
  const failure = answerFailure(response, 'read the credit ledger (credit actions)', body);
  if (failure !== undefined) throw failure;
  const { clientId, creditAccountId, actionType } = query;
  const whose = `credit account ${creditAccountId} of client ${clientId}`;
  const list = (body as { data?: { APICreditActionsByClientIdAndAccountIdAndActionType?: Record<string, unknown> } } | undefined)?.data
    ?.APICreditActionsByClientIdAndAccountIdAndActionType;
  if (typeof list !== 'object' || list === null || !Array.isArray(list.creditActions))
    throw unreadable({ fault: 'missing', what: `the ${actionType} actions of ${whose}` });
  for (const [field, asked] of [
    ['clientId', clientId],
    ['creditAccountId', creditAccountId],
  ] as const) {
    const said = list[field];
    if (typeof said === 'string' && said.toLowerCase() !== asked.toLowerCase())
      throw unreadable({ fault: 'other-list', what: 'the credit actions', field, said, asked: whose });
  }
  const creditActions = (list.creditActions as unknown[]).map((item) => readCreditAction(item, actionType, clientId, whose));
  return { creditActions, ...readPaging(list.pageInfo, (body as { meta?: unknown }).meta) };
}

function readCreditAction(item: unknown, actionType: CreditActionType, clientId: string, whose: string): CreditAction {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw unreadable({ fault: 'not-object', item: `a ${actionType} action of ${whose}`, value: shown(item) });
  const fields = item as Record<string, unknown>;
  const id = fields.id;
  if (typeof id !== 'string' || id === '') throw unreadable({ fault: 'no-id', item: `a ${actionType} action of ${whose}` });
  const typed = <T>(name: string, type: 'string' | 'number'): T | undefined => {
    const value = fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === type && (type === 'string' || Number.isFinite(value))) return value as T;
    throw unreadable({
      fault: 'wrong-type',
      item: `${actionType} action ${id} of ${whose}`,
      field: name,
      value: shown(value),
      expected: type === 'string' ? 'text' : 'a number',
    });
  };
  const text = (name: string): string | undefined => typed<string>(name, 'string');
  const number = (name: string): number | undefined => typed<number>(name, 'number');
  const client = text('client');
  if (client !== undefined && client.toLowerCase() !== clientId.toLowerCase())
    throw unreadable({ fault: 'elsewhere', item: `${actionType} action ${id}`, owner: `client ${client}`, asked: whose });
  return {
    id,
    actionType,
    action: text('action'),
    amount: number('amount'),
    source: text('source'),
    sourceType: text('sourceType'),
    target: text('target'),
    targetType: text('targetType'),
    timestamp: text('timestamp'),
    sourceBalanceIn: number('sourceBalanceIn'),
    sourceBalanceOut: number('sourceBalanceOut'),
    targetBalanceIn: number('targetBalanceIn'),
    targetBalanceOut: number('targetBalanceOut'),
  };
}

/** A 200 that does not read as the API documents it: refused, never guessed at. */
export function unreadable(facts: FactsOf<(typeof API_WORDS)['TIC-API-ANSWER-UNREADABLE']>): ApiError {
  return apiFailure(API_WORDS, 'TIC-API-ANSWER-UNREADABLE', facts, { status: 200 });
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A value of an answer as a message may quote it: short, whatever the answer held. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The API's own words when it gives them (`message`, then `error`), else the
 * start of whatever it sent: on one line, its control characters (a
 * terminal's escape sequences, NUL) as escapes, and cut to 200 characters,
 * since they go into every failed row's report line, the log and the
 * terminal, however long the answer made them.
 */
function apiMessage(body: unknown, text: string, status: number): string {
  const fields = body as { message?: unknown; error?: unknown; errors?: { message?: unknown }[] } | undefined;
  const said = [fields?.message, fields?.errors?.[0]?.message, fields?.error].find((candidate) => typeof candidate === 'string' && candidate.trim() !== '');
  const words = (typeof said === 'string' ? said : text).replace(/\s+/g, ' ').trim();
  if (words === '') return STATUS_CODES[status] ?? `HTTP ${status}`;
  return escapeControls(clip(words, 200));
}

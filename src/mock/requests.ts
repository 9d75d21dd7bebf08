import { CREDIT_ACTION_TYPES, type CreditActionType } from '../core/credit-action.js';
import { UPDATABLE_FIELDS } from '../core/credit-batch.js';

/**
 * What the mock reads from a request before it acts: the query of each list
 * and the body of an update, or why it refuses them, as the API's docs
 * describe.
 */

/** Larger than any credit batch; the mock refuses it the way the API refuses impossible values. */
export const MOCK_MAX_BALANCE = 1_000_000_000;

/**
 * The query of a credit batch list, or why it is refused. Parameters the API
 * does not document are ignored, as most APIs do; the documented ones must be
 * given once, and not empty, since a client sending `creditAccountId=` most
 * likely meant a filter it lost.
 */
export function listQuery(pathClientId: string, params: URLSearchParams): { creditAccountId: string | undefined; page: number } | string {
  const clientIds = params.getAll('clientId');
  if (clientIds.length === 0 || clientIds[0] === '') return 'The clientId query parameter is required';
  if (clientIds.length > 1) return 'clientId may be given only once';
  if (clientIds[0]?.toLowerCase() !== pathClientId.toLowerCase())
    return `The clientId query parameter (${clientIds[0]}) differs from the client in the path (${pathClientId})`;
  const accounts = params.getAll('creditAccountId');
  if (accounts.length > 1) return 'creditAccountId may be given only once';
  if (accounts[0] === '') return 'creditAccountId may not be empty: leave it out to list every credit account';
  const page = pageNumber(params);
  if (typeof page === 'string') return page;
  return { creditAccountId: accounts[0], page };
}

/** The query of a credit ledger list, or why it is refused: `clientId` as for a credit batch list, and `actionType`, which the API requires. */
export function actionsQuery(pathClientId: string, params: URLSearchParams): { actionType: CreditActionType; page: number } | string {
  const clientIds = params.getAll('clientId');
  if (clientIds.length === 0 || clientIds[0] === '') return 'The clientId query parameter is required';
  if (clientIds.length > 1) return 'clientId may be given only once';
  if (clientIds[0]?.toLowerCase() !== pathClientId.toLowerCase())
    return `The clientId query parameter (${clientIds[0]}) differs from the client in the path (${pathClientId})`;
  const types = params.getAll('actionType');
  if (types.length === 0) return 'The actionType query parameter is required';
  if (types.length > 1) return 'actionType may be given only once';
  const actionType = CREDIT_ACTION_TYPES.find((type) => type === types[0]);
  if (actionType === undefined) return `actionType must be ${CREDIT_ACTION_TYPES.join(' or ')}, not "${types[0] ?? ''}"`;
  const page = pageNumber(params);
  if (typeof page === 'string') return page;
  return { actionType, page };
}

/** The `page` parameter (1 when absent), or why it is refused. */
function pageNumber(params: URLSearchParams): number | string {
  const pages = params.getAll('page');
  if (pages.length > 1) return 'page may be given only once';
  const text = pages[0] ?? '1';
  const page = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(page) || page < 1) return `page must be a whole number of 1 or more, not "${text}"`;
  return page;
}

/** The mock's own rules, written apart from the client's validator so that each checks the other. */
export function checkUpdate(body: unknown): { status: 400 | 422; message: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, message: 'The body must be a JSON object' };
  const fields = Object.keys(body);
  const unknown = fields.filter((field) => !(UPDATABLE_FIELDS as readonly string[]).includes(field));
  if (unknown.length > 0) return { status: 400, message: `Unknown field ${unknown.join(', ')}` };
  if (fields.length === 0) return { status: 400, message: 'Nothing to update' };
  const { name, expiresOn, currentBalance } = body as Record<string, unknown>;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 255)) {
    return { status: 422, message: 'name must be a non-empty string of at most 255 characters' };
  }
  if (
    expiresOn !== undefined &&
    (typeof expiresOn !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(expiresOn) || new Date(expiresOn).toISOString() !== expiresOn)
  ) {
    return { status: 422, message: 'expiresOn must be an ISO 8601 timestamp in UTC' };
  }
  if (currentBalance !== undefined && (typeof currentBalance !== 'number' || !Number.isSafeInteger(currentBalance) || currentBalance < 0)) {
    return { status: 422, message: 'currentBalance must be a non-negative integer' };
  }
  if (typeof currentBalance === 'number' && currentBalance > MOCK_MAX_BALANCE) {
    return { status: 422, message: `currentBalance may not exceed ${MOCK_MAX_BALANCE}` };
  }
  return undefined;
}

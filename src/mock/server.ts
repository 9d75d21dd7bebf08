import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { clientsAnswer, clientsQuery, type ListPaging } from './clients.js';
import { FaultPlan, mulberry32, type FaultOptions } from './faults.js';
import { parseJson, readBody, send } from './http-io.js';
import type { LedgerOrder } from './ledger.js';
import { metaOf, MOCK_PER_PAGE, pageOf } from './paging.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { actionsQuery, checkUpdate, listQuery } from './requests.js';
import { Redemptions, redemptionInterval } from './redemptions.js';
import { CreditBatchStore } from './store.js';

/** The key the mock accepts unless told otherwise; a test key, safe to print. */
export const MOCK_API_KEY = 'ti_test_local_mock_key';

export interface MockOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly apiKeys?: readonly string[];
  /**
   * Keys that authenticate but have no permission: 403 on every endpoint,
   * ping included, so that a client checking its key learns it cannot be used.
   */
  readonly forbiddenKeys?: readonly string[];
  /** Endpoints every accepted key is refused (403) on, as a key without that permission is: `['actions']` for one that may not read the credit ledger. */
  readonly forbiddenRoutes?: readonly MockRouteKind[];
  readonly store?: CreditBatchStore;
  readonly faults?: FaultOptions;
  /** Throttle each key as the API does (429 with Retry-After); unlimited when absent. */
  readonly rateLimit?: RateLimitOptions;
  /** Keep a log of every request (tests read it); off for long benchmarks. */
  readonly recordRequests?: boolean;
  /** Items per page of the lists (`pageInfo.perPage`); MOCK_PER_PAGE when absent. */
  readonly perPage?: number;
  /** Credits learners redeem per minute from random active batches (see Redemptions), seeded by `faults.randomSeed`; none when absent or 0. */
  readonly redeemPerMinute?: number;
  /**
   * How the credit ledger is listed, where the documentation leaves it open:
   * the order of its actions (oldest first when absent), and its `pageInfo`
   * as this endpoint's page documents it (`perPage`, `cursor`, `total`,
   * `hasMore`; the default) or cursor-only, as the Pagination page describes
   * (`cursor`, `hasMore`).
   */
  readonly ledger?: { readonly order?: LedgerOrder; readonly pageInfo?: 'documented' | 'cursor-only' };
  /** How the client list is paged: as its page documents it (`pageInfo`, the default), or with the `meta` object of the Pagination page. */
  readonly clientsPaging?: ListPaging;
  /** How a client's credit batches are paged: as their page documents it (`pageInfo`, the default), or with the Pagination page's `meta`. */
  readonly batchesPaging?: ListPaging;
  /**
   * A learner redeems `credits` from a batch just before the first PUT of it
   * is applied (of the `ids` given, or of any batch): a redemption that lands
   * between the client's last read and its write, which the write then sets
   * the balance over. The redemption is in the ledger, as any other. Once per
   * batch, so that the correction sent afterwards lands as it would live.
   */
  readonly slipRedemptions?: { readonly credits: number; readonly ids?: readonly string[] };
  /** Called as each request arrives, before it is handled: a test may change the store just before a given request is answered. */
  readonly onRequest?: (request: MockRequest) => void;
}

/** One request as the mock saw it. */
export interface MockRequest {
  /** Date.now() when the request arrived. */
  readonly at: number;
  readonly method: string;
  /** Without the query. */
  readonly path: string;
  /** The query's parameters (the last value of one given twice). */
  readonly query: Readonly<Record<string, string>>;
  /** The credit batch id in the path of an update. */
  readonly id: string | undefined;
  /** The clientId in the path of a credit batch list. */
  readonly clientId: string | undefined;
  readonly body: unknown;
  readonly authorization: string | undefined;
  /** The status answered, or `reset` when the connection was dropped. */
  answer: number | 'reset';
}

export interface MockApi {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly store: CreditBatchStore;
  readonly requests: MockRequest[];
  close(): Promise<void>;
}

/** The API's endpoints: what a path names, and the one method it takes. */
type Route =
  | { readonly kind: 'update'; readonly method: 'PUT'; readonly id: string }
  | { readonly kind: 'list'; readonly method: 'GET'; readonly clientId: string }
  | { readonly kind: 'actions'; readonly method: 'GET'; readonly clientId: string; readonly creditAccountId: string }
  | { readonly kind: 'clients'; readonly method: 'GET' }
  | { readonly kind: 'ping'; readonly method: 'GET' };

const UPDATE_ROUTE = /^\/incoming\/v2\/clients\/creditBatches\/([^/]+)$/;
const LIST_ROUTE = /^\/incoming\/v2\/clients\/([^/]+)\/creditBatches$/;
const ACTIONS_ROUTE = /^\/incoming\/v2\/clients\/([^/]+)\/creditAccount\/([^/]+)\/creditActions$/;

export type MockRouteKind = Route['kind'];

export { MOCK_MAX_BALANCE } from './requests.js';

/** A local stand-in for the Thought Industries credit batch API, on loopback. */
export async function startMockApi(options: MockOptions = {}): Promise<MockApi> {
  const store = options.store ?? new CreditBatchStore();
  const faults = new FaultPlan(options.faults);
  const apiKeys = new Set(options.apiKeys ?? [MOCK_API_KEY]);
  const forbiddenKeys = new Set(options.forbiddenKeys ?? []);
  const forbiddenRoutes = new Set(options.forbiddenRoutes ?? []);
  const ledgerOrder = options.ledger?.order ?? 'oldest-first';
  const cursorOnly = options.ledger?.pageInfo === 'cursor-only';
  const slip = options.slipRedemptions;
  if (slip !== undefined && (!Number.isSafeInteger(slip.credits) || slip.credits < 1))
    throw new RangeError(`slipRedemptions.credits must be a whole number of 1 or more, not ${slip.credits}`);
  const slipIds = slip?.ids === undefined ? undefined : new Set(slip.ids.map((id) => id.toLowerCase()));
  const slipped = new Set<string>();
  const requests: MockRequest[] = [];
  const record = options.recordRequests ?? true;
  const limiter = options.rateLimit === undefined ? undefined : new RateLimiter(options.rateLimit);
  const perPage = options.perPage ?? MOCK_PER_PAGE;
  if (!Number.isSafeInteger(perPage) || perPage < 1) throw new RangeError(`perPage must be a whole number of 1 or more, not ${perPage}`);
  const redeemPerMinute = options.redeemPerMinute ?? 0;
  if (!Number.isFinite(redeemPerMinute) || redeemPerMinute < 0) throw new RangeError(`redeemPerMinute must be 0 or more, not ${redeemPerMinute}`);

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: 'internal_error', message: String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const params = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const route = routeOf(path);
    const seen: MockRequest = {
      at: Date.now(),
      method: request.method ?? '',
      path,
      query: Object.fromEntries(params),
      id: route?.kind === 'update' ? route.id : undefined,
      clientId: route?.kind === 'list' ? route.clientId : undefined,
      body: parseJson(text),
      authorization: request.headers.authorization,
      answer: 0,
    };
    if (record) requests.push(seen);
    options.onRequest?.(seen);
    let rateHeaders: Readonly<Record<string, string>> = {};
    let loseAnswer = false;
    // Set once the fault is drawn, below; read by answer(), declared before it.
    let landedStatus: number | undefined = undefined;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      if (loseAnswer) {
        seen.answer = 'reset';
        request.socket.destroy();
        return;
      }
      if (landedStatus !== undefined) {
        seen.answer = landedStatus;
        send(response, landedStatus, { error: 'gateway_timeout', message: `Injected ${landedStatus} after the request was handled` });
        return;
      }
      seen.answer = status;
      send(response, status, body, { ...rateHeaders, ...headers });
    };

    if (route === undefined) return answer(404, { error: 'not_found', message: `No route for ${path}` });
    if (request.method !== route.method) return answer(405, { error: 'method_not_allowed', message: `Use ${route.method}` }, { allow: route.method });
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (key !== undefined && forbiddenKeys.has(key)) return answer(403, { error: 'forbidden', message: FORBIDDEN[route.kind] });
    if (key === undefined || !apiKeys.has(key)) return answer(401, { error: 'unauthorized', message: 'Invalid or missing API key' });
    if (forbiddenRoutes.has(route.kind)) return answer(403, { error: 'forbidden', message: FORBIDDEN[route.kind] });
    const rate = limiter?.take(key);
    if (rate !== undefined) {
      rateHeaders = rate.headers;
      if (!rate.allowed) {
        const retryAfter = rate.retryAfterSeconds ?? 1;
        return answer(429, { error: 'rate_limit_exceeded', message: `Rate limit exceeded; retry in ${retryAfter} seconds`, retryAfter });
      }
    }

    const fault = faults.next(faultKey(route));
    if (fault?.kind === 'reset') {
      seen.answer = 'reset';
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'status')
      return answer(fault.status, fault.body ?? { error: 'injected_fault', message: `Injected ${fault.status}` }, { ...fault.headers });
    loseAnswer = fault?.kind === 'lost';
    landedStatus = fault?.kind === 'landed' ? fault.status : undefined;
    const delay = (fault?.kind === 'delay' ? fault.ms : 0) + faults.latencyMs;
    if (delay > 0) await sleep(delay);

    switch (route.kind) {
      case 'ping':
        return answer(200, { valid: true });
      case 'clients': {
        const query = clientsQuery(params);
        if (typeof query === 'string') return answer(400, { error: 'bad_request', message: query });
        return answer(200, clientsAnswer(store.clients(), query, perPage, options.clientsPaging ?? 'documented', faults.paging));
      }
      case 'list': {
        // A client with no batches is an empty list: the docs do not say what the API answers for a client it does not know.
        const query = listQuery(route.clientId, params);
        if (typeof query === 'string') return answer(400, { error: 'bad_request', message: query });
        const { items, pageInfo } = pageOf(store.listingByClient(route.clientId, query.creditAccountId), query.page, perPage, faults.paging);
        const list = { clientId: route.clientId, creditAccountId: query.creditAccountId ?? null, creditBatches: items };
        if (options.batchesPaging === 'meta')
          return answer(200, { data: { APICreditBatchesByClientAndCreditAccount: list }, meta: metaOf(query.page, pageInfo) });
        return answer(200, { data: { APICreditBatchesByClientAndCreditAccount: { ...list, pageInfo } } });
      }
      case 'actions': {
        // An account the mock knows nothing of is an empty ledger, as an unknown client is an empty list.
        const query = actionsQuery(route.clientId, params);
        if (typeof query === 'string') return answer(400, { error: 'bad_request', message: query });
        const { items, pageInfo } = pageOf(
          store.ledger.listing(route.clientId, route.creditAccountId, query.actionType, ledgerOrder),
          query.page,
          perPage,
          faults.paging,
        );
        return answer(200, {
          data: {
            APICreditActionsByClientIdAndAccountIdAndActionType: {
              clientId: route.clientId,
              creditAccountId: route.creditAccountId,
              creditActions: items,
              pageInfo: cursorOnly ? { cursor: pageInfo.cursor, hasMore: pageInfo.hasMore } : pageInfo,
            },
          },
        });
      }
      case 'update': {
        if (seen.body === undefined) return answer(400, { error: 'bad_request', message: 'The body is not valid JSON' });
        const problem = checkUpdate(seen.body);
        if (problem !== undefined)
          return answer(problem.status, { error: problem.status === 400 ? 'bad_request' : 'unprocessable_entity', message: problem.message });
        const existing = store.get(route.id);
        if (existing?.status === 'archived') return answer(409, { error: 'conflict', message: `Credit batch ${route.id} is archived and cannot be changed` });
        const batchKey = route.id.toLowerCase();
        if (slip !== undefined && existing !== undefined && (slipIds?.has(batchKey) ?? true) && !slipped.has(batchKey)) {
          slipped.add(batchKey);
          store.redeem(route.id, slip.credits, new Date());
        }
        const updated = store.update(route.id, seen.body as CreditBatchUpdate, new Date());
        if (updated === undefined) return answer(404, { error: 'not_found', message: `Credit batch ${route.id} not found` });
        return answer(200, { data: { UpdateCreditBatch: updated } });
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const redemptions = redeemPerMinute === 0 ? undefined : new Redemptions(store, redeemPerMinute, mulberry32(options.faults?.randomSeed ?? 1));
  // Unref'd: a mock left running never keeps a process alive on its learners' account.
  const redeeming = redemptions === undefined ? undefined : setInterval(() => redemptions.redeemDue(), redemptionInterval(redeemPerMinute)).unref();
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    requests,
    close: () =>
      new Promise((resolve) => {
        clearInterval(redeeming);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const FORBIDDEN: Readonly<Record<Route['kind'], string>> = {
  update: 'This API key may not update credit batches',
  list: 'This API key may not read credit batches',
  actions: 'This API key may not read credit actions',
  clients: 'This API key may not read clients',
  ping: 'This API key may not use the API',
};

/**
 * The endpoint a path names. The update's path is tried first: it is the
 * older route, and a client id is a UUID, so never "creditBatches". A path
 * whose percent-encoding is broken names nothing.
 */
function routeOf(path: string): Route | undefined {
  if (path === '/incoming/v2/ping') return { kind: 'ping', method: 'GET' };
  if (path === '/incoming/v2/clients') return { kind: 'clients', method: 'GET' };
  const id = decode(UPDATE_ROUTE.exec(path)?.[1]);
  if (id !== undefined) return { kind: 'update', method: 'PUT', id };
  const clientId = decode(LIST_ROUTE.exec(path)?.[1]);
  if (clientId !== undefined) return { kind: 'list', method: 'GET', clientId };
  const actions = ACTIONS_ROUTE.exec(path);
  const [actionsClient, account] = [decode(actions?.[1]), decode(actions?.[2])];
  if (actionsClient !== undefined && account !== undefined) return { kind: 'actions', method: 'GET', clientId: actionsClient, creditAccountId: account };
  return undefined;
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** What scripted faults are keyed by (see FaultOptions.script). */
function faultKey(route: Route): string {
  switch (route.kind) {
    case 'update':
      return route.id;
    case 'list':
      return route.clientId;
    case 'actions':
      return route.creditAccountId;
    case 'clients':
    case 'ping':
      return route.kind;
  }
}

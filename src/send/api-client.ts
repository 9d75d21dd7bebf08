import http from 'node:http';
import https from 'node:https';
import got, { RequestError } from 'got';
import type { CreditActionType } from '../core/credit-action.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { keyScrubber } from '../core/secret.js';
import { API_PATH, type ApiTarget } from './api-target.js';

/**
 * The largest answer read. A credit batch takes under 1 KB and a page of a
 * hundred well under 100 KB; a longer answer is not the API's, and reading
 * it whole (a body that never ends) would take the process's memory with it.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** An answer cut off at MAX_ANSWER_BYTES: its status arrived, its body would not fit. */
export class AnswerTooLarge extends Error {
  readonly status: number | undefined;

  constructor(status: number | undefined) {
    super(`the answer was larger than ${MAX_ANSWER_BYTES} bytes`);
    this.name = 'AnswerTooLarge';
    this.status = status;
  }
}

export interface ApiClientOptions {
  readonly timeoutMs: number;
  readonly concurrency: number;
}

/** An HTTP answer of any status, with the API key scrubbed from everything in it. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Which page of one client's credit batches to read. */
export interface BatchPageQuery {
  readonly clientId: string;
  readonly creditAccountId?: string | undefined;
  /** 1-based. */
  readonly page: number;
}

/** Which page of one credit account's ledger, of one action type, to read. */
export interface CreditActionQuery {
  readonly clientId: string;
  readonly creditAccountId: string;
  readonly actionType: CreditActionType;
  /** 1-based. */
  readonly page: number;
}

/** Which page of the instance's clients to read. */
export interface ClientPageQuery {
  /** 1-based. */
  readonly page: number;
  /** Clients a page should hold; the API may hold it to less. */
  readonly count: number;
  /** The documented `query`: clients whose name (or another indexed field) matches it. */
  readonly query?: string | undefined;
}

/**
 * The API's endpoints, one method each. Every method resolves with the answer
 * whatever its status, and rejects only when no complete answer arrived
 * (got's RequestError: network error, timeout; AnswerTooLarge): what an
 * answer means is read by api-answers.ts, and what to do about it decided by
 * retry.ts.
 */
export interface ApiClient {
  /** `PUT /clients/creditBatches/:id`: one update. */
  putCreditBatch(id: string, body: CreditBatchUpdate): Promise<ApiResponse>;
  /** `GET /clients/:clientId/creditBatches`: one page of a client's credit batches. */
  listCreditBatches(query: BatchPageQuery): Promise<ApiResponse>;
  /** `GET /clients/:clientId/creditAccount/:creditAccountId/creditActions`: one page of a credit account's ledger. */
  listCreditActions(query: CreditActionQuery): Promise<ApiResponse>;
  /** `GET /clients`: one page of the instance's clients. */
  listClients(query: ClientPageQuery): Promise<ApiResponse>;
  /** `GET /ping`: whether the key is accepted, at the cost of one request. */
  ping(): Promise<ApiResponse>;
  /** Closes the kept-alive connections so the process can exit. */
  close(): void;
}

/**
 * The one configured got instance. The key goes into the Authorization header
 * here and nowhere else: whatever this client hands back (bodies, headers,
 * error messages) has it replaced in every form (core/secret.ts), in case a
 * server echoes it. A JSON body is scrubbed value by value once decoded too,
 * since JSON may spell a character in more ways than one (`\u0022`).
 */
/** The body with the key scrubbed from its text and, when it is JSON, from every string it decodes to. */
function scrubBody(body: string, scrub: (text: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return scrub(body);
  }
  // Without an escape, every text the JSON decodes to is a piece of the body as written (and, in ASCII, lower-cased
  // the same way): a body holding no form of the key decodes to none, and is spared rebuilding value by value.
  if (!body.includes('\\') && !NOT_ASCII.test(body) && scrub(body) === body) return JSON.stringify(parsed);
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(clean);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrub(key), clean(item)]));
    return value;
  };
  return JSON.stringify(clean(parsed));
}

const NOT_ASCII = /[^\x00-\x7f]/;

export function createApiClient(target: ApiTarget, options: ApiClientOptions): ApiClient {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: options.concurrency }),
    https: new https.Agent({ keepAlive: true, maxSockets: options.concurrency }),
  };
  const scrub = keyScrubber(target.apiKey);
  const client = got.extend({
    prefixUrl: `${target.origin}${API_PATH}/`,
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      accept: 'application/json',
      'user-agent': 'ti-credits',
    },
    agent: agents,
    timeout: { request: options.timeoutMs },
    // p-retry owns retries; got would otherwise repeat a PUT behind our back.
    retry: { limit: 0 },
    // A redirect would carry the key to whatever host it names.
    followRedirect: false,
    // Every status is classified by the attempt, not turned into an exception here.
    throwHttpErrors: false,
  });

  const exchange = async (
    method: 'GET' | 'PUT',
    path: string,
    options: { json?: unknown; searchParams?: Record<string, string> } = {},
  ): Promise<ApiResponse> => {
    const request = client(path, { method, ...options });
    // Checked as the answer comes in, from its Content-Length and then from what has arrived: the
    // request is abandoned at the bound, so that memory holds at most MAX_ANSWER_BYTES per request.
    let cutOff = false;
    request.on('downloadProgress', ({ transferred, total }) => {
      if (cutOff || Math.max(transferred, total ?? 0) <= MAX_ANSWER_BYTES) return;
      cutOff = true;
      request.cancel();
    });
    try {
      const response = await request;
      const headers: Record<string, string | string[] | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        headers[name] = Array.isArray(value) ? value.map(scrub) : value === undefined ? undefined : scrub(value);
      }
      return { status: response.statusCode, headers, body: scrubBody(response.body, scrub) };
    } catch (error) {
      if (cutOff && error instanceof RequestError) throw new AnswerTooLarge(error.response?.statusCode);
      if (error instanceof RequestError) error.message = scrub(error.message);
      throw error;
    }
  };

  return {
    putCreditBatch: (id, body) => exchange('PUT', `clients/creditBatches/${encodeURIComponent(id)}`, { json: body }),
    listCreditBatches: ({ clientId, creditAccountId, page }) =>
      exchange('GET', `clients/${encodeURIComponent(clientId)}/creditBatches`, {
        // The documented form repeats the client in the query, as the path already names it.
        searchParams: { clientId, ...(creditAccountId === undefined ? {} : { creditAccountId }), page: String(page) },
      }),
    listCreditActions: ({ clientId, creditAccountId, actionType, page }) =>
      exchange('GET', `clients/${encodeURIComponent(clientId)}/creditAccount/${encodeURIComponent(creditAccountId)}/creditActions`, {
        searchParams: { clientId, actionType, page: String(page) },
      }),
    listClients: ({ page, count, query }) =>
      exchange('GET', 'clients', { searchParams: { page: String(page), count: String(count), ...(query === undefined ? {} : { query }) } }),
    ping: () => exchange('GET', 'ping'),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

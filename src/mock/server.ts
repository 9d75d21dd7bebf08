import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UPDATABLE_FIELDS, type CreditBatchUpdate } from '../core/credit-batch.js';
import { FaultPlan, type FaultOptions } from './faults.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { CreditBatchStore } from './store.js';

/** The key the mock accepts unless told otherwise; a test key, safe to print. */
export const MOCK_API_KEY = 'ti_test_local_mock_key';

export interface MockOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly apiKeys?: readonly string[];
  /** Keys that authenticate but may not update credit batches (403). */
  readonly forbiddenKeys?: readonly string[];
  readonly store?: CreditBatchStore;
  readonly faults?: FaultOptions;
  /** Throttle each key as the API does (429 with Retry-After); unlimited when absent. */
  readonly rateLimit?: RateLimitOptions;
  /** Keep a log of every request (tests read it); off for long benchmarks. */
  readonly recordRequests?: boolean;
}

/** One request as the mock saw it. */
export interface MockRequest {
  /** Date.now() when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly id: string | undefined;
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

const ROUTE = /^\/incoming\/v2\/clients\/creditBatches\/([^/?#]+)$/;
/** Larger than any credit batch; the mock refuses it the way the API refuses impossible values. */
export const MOCK_MAX_BALANCE = 1_000_000_000;

/** A local stand-in for the Thought Industries credit batch API, on loopback. */
export async function startMockApi(options: MockOptions = {}): Promise<MockApi> {
  const store = options.store ?? new CreditBatchStore();
  const faults = new FaultPlan(options.faults);
  const apiKeys = new Set(options.apiKeys ?? [MOCK_API_KEY]);
  const forbiddenKeys = new Set(options.forbiddenKeys ?? []);
  const requests: MockRequest[] = [];
  const record = options.recordRequests ?? true;
  const limiter = options.rateLimit === undefined ? undefined : new RateLimiter(options.rateLimit);

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: 'internal_error', message: String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const id = ROUTE.exec(path)?.[1];
    const seen: MockRequest = {
      at: Date.now(),
      method: request.method ?? '',
      path,
      id: id === undefined ? undefined : decodeURIComponent(id),
      body: parseJson(text),
      authorization: request.headers.authorization,
      answer: 0,
    };
    if (record) requests.push(seen);
    let rateHeaders: Readonly<Record<string, string>> = {};
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      seen.answer = status;
      send(response, status, body, { ...rateHeaders, ...headers });
    };

    if (seen.id === undefined) return answer(404, { error: 'not_found', message: `No route for ${path}` });
    if (request.method !== 'PUT') return answer(405, { error: 'method_not_allowed', message: 'Use PUT' }, { allow: 'PUT' });
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (key !== undefined && forbiddenKeys.has(key)) return answer(403, { error: 'forbidden', message: 'This API key may not update credit batches' });
    if (key === undefined || !apiKeys.has(key)) return answer(401, { error: 'unauthorized', message: 'Invalid or missing API key' });
    const rate = limiter?.take(key);
    if (rate !== undefined) {
      rateHeaders = rate.headers;
      if (!rate.allowed) {
        const retryAfter = rate.retryAfterSeconds ?? 1;
        return answer(429, { error: 'rate_limit_exceeded', message: `Rate limit exceeded; retry in ${retryAfter} seconds`, retryAfter });
      }
    }

    const fault = faults.next(seen.id);
    if (fault?.kind === 'reset') {
      seen.answer = 'reset';
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') return answer(fault.status, fault.body ?? { error: 'injected_fault', message: `Injected ${fault.status}` }, { ...fault.headers });
    const delay = (fault?.kind === 'delay' ? fault.ms : 0) + faults.latencyMs;
    if (delay > 0) await sleep(delay);

    if (seen.body === undefined) return answer(400, { error: 'bad_request', message: 'The body is not valid JSON' });
    const problem = checkUpdate(seen.body);
    if (problem !== undefined) return answer(problem.status, { error: problem.status === 400 ? 'bad_request' : 'unprocessable_entity', message: problem.message });
    const existing = store.get(seen.id);
    if (existing?.status === 'archived') return answer(409, { error: 'conflict', message: `Credit batch ${seen.id} is archived and cannot be changed` });
    const updated = store.update(seen.id, seen.body as CreditBatchUpdate, new Date());
    if (updated === undefined) return answer(404, { error: 'not_found', message: `Credit batch ${seen.id} not found` });
    return answer(200, { data: { UpdateCreditBatch: updated } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The mock's own rules, written apart from the client's validator so that each checks the other. */
function checkUpdate(body: unknown): { status: 400 | 422; message: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, message: 'The body must be a JSON object' };
  const fields = Object.keys(body);
  const unknown = fields.filter((field) => !(UPDATABLE_FIELDS as readonly string[]).includes(field));
  if (unknown.length > 0) return { status: 400, message: `Unknown field ${unknown.join(', ')}` };
  if (fields.length === 0) return { status: 400, message: 'Nothing to update' };
  const { name, expiresOn, currentBalance } = body as Record<string, unknown>;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 255)) {
    return { status: 422, message: 'name must be a non-empty string of at most 255 characters' };
  }
  if (expiresOn !== undefined && (typeof expiresOn !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(expiresOn) || new Date(expiresOn).toISOString() !== expiresOn)) {
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

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

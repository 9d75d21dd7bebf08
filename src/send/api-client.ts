import http from 'node:http';
import https from 'node:https';
import got, { RequestError } from 'got';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import { API_PATH, type ApiTarget } from './api-target.js';

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

export interface ApiClient {
  /**
   * Sends one update. Resolves with the answer whatever its status; rejects
   * only when no answer arrived (got's RequestError: network error, timeout).
   */
  putCreditBatch(id: string, body: CreditBatchUpdate): Promise<ApiResponse>;
  /** Closes the kept-alive connections so the process can exit. */
  close(): void;
}

/**
 * The one configured got instance. The key goes into the Authorization header
 * here and nowhere else: whatever this client hands back (bodies, headers,
 * error messages) has it replaced, in case a server echoes it.
 */
export function createApiClient(target: ApiTarget, options: ApiClientOptions): ApiClient {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: options.concurrency }),
    https: new https.Agent({ keepAlive: true, maxSockets: options.concurrency }),
  };
  const scrub = (text: string): string => text.replaceAll(target.apiKey, '[redacted]');
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

  return {
    async putCreditBatch(id, body) {
      try {
        const response = await client.put(`clients/creditBatches/${encodeURIComponent(id)}`, { json: body });
        const headers: Record<string, string | string[] | undefined> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          headers[name] = Array.isArray(value) ? value.map(scrub) : value === undefined ? undefined : scrub(value);
        }
        return { status: response.statusCode, headers, body: scrub(response.body) };
      } catch (error) {
        if (error instanceof RequestError) error.message = scrub(error.message);
        throw error;
      }
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

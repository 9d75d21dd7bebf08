import { STATUS_CODES } from 'node:http';
import { RequestError, TimeoutError } from 'got';
import type { CreditBatch } from '../core/credit-batch.js';
import { ApiError } from '../core/errors.js';
import type { ApiResponse } from './api-client.js';
import { parseRetryAfter } from './retry-after.js';

/** Statuses worth another try: the request may well succeed later unchanged. */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Turns an HTTP answer into the updated credit batch, or into an ApiError of the right kind. */
export function readAnswer(response: ApiResponse, id: string): CreditBatch {
  const { status } = response;
  const body = parseJson(response.body);
  if (status === 200) {
    const batch = (body as { data?: { UpdateCreditBatch?: Partial<CreditBatch> } } | undefined)?.data?.UpdateCreditBatch;
    if (typeof batch?.id !== 'string') {
      throw new ApiError('rejected', 'the API answered 200 but without the updated credit batch; check the row in Thought Industries before sending it again', { status });
    }
    if (batch.id.toLowerCase() !== id.toLowerCase()) {
      throw new ApiError('rejected', `the API answered 200 for credit batch ${batch.id} instead of ${id}; check both in Thought Industries before sending the row again`, { status });
    }
    return batch as CreditBatch;
  }
  const message = apiMessage(body, response.body, status);
  if (status >= 300 && status < 400) {
    const location = response.headers.location;
    throw new ApiError('aborted', `the server answered ${status} redirecting to ${String(location ?? 'another address')}; ti-credits does not follow redirects, which would send the API key elsewhere`, {
      status,
      hint: 'Point --base-url or --instance at the address the API is served from.',
    });
  }
  if (status === 401) {
    throw new ApiError('auth', `the API rejected the key (401: ${message})`, { status, hint: 'Check TI_API_KEY or --api-key-file: the key may be mistyped, revoked, or for another instance.' });
  }
  if (status === 403) {
    throw new ApiError('auth', `the API key is not allowed to update credit batches (403: ${message})`, { status, hint: 'Use a key with permission to update credit batches.' });
  }
  if (TRANSIENT_STATUSES.has(status)) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], body, Date.now());
    throw new ApiError('transient', `${status}: ${message}`, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
  }
  throw new ApiError('rejected', `${status}: ${message}`, { status });
}

/** Network codes after which the same request cannot work by waiting: the address or its certificate is wrong. */
const HOST_NOT_FOUND = new Set(['ENOTFOUND']);
const TLS_FAILURE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;

export function classifyNetworkError(error: unknown): ApiError {
  if (!(error instanceof RequestError)) throw error;
  const host = error.options?.url instanceof URL ? error.options.url.host : 'the API host';
  if (error instanceof TimeoutError) {
    return new ApiError('transient', `the API did not answer in time (${error.message})`, { cause: error });
  }
  const code = error.code;
  if (HOST_NOT_FOUND.has(code)) {
    return new ApiError('aborted', `the host ${host} does not exist`, { hint: 'Check --instance (the name in https://<name>.thoughtindustries.com) or --base-url.', cause: error });
  }
  if (TLS_FAILURE.test(code)) {
    return new ApiError('aborted', `the secure connection to ${host} failed (${code}); its certificate cannot be trusted`, { hint: 'Check --base-url; ti-credits never sends the key over an untrusted connection.', cause: error });
  }
  return new ApiError('transient', `network error (${code}): ${error.message}`, { cause: error });
}

/** What a failure is counted under in summary.json: its HTTP status, `timeout`, or the network error's code. */
export function failureCause(error: ApiError): string {
  if (error.status !== undefined) return String(error.status);
  if (error.cause instanceof TimeoutError) return 'timeout';
  return error.cause instanceof RequestError ? error.cause.code : 'network';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API's own words when it gives them (`message`, then `error`), else the start of whatever it sent. */
function apiMessage(body: unknown, text: string, status: number): string {
  const fields = body as { message?: unknown; error?: unknown; errors?: { message?: unknown }[] } | undefined;
  for (const candidate of [fields?.message, fields?.errors?.[0]?.message, fields?.error]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  const plain = text.replace(/\s+/g, ' ').trim();
  if (plain !== '') return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
  return STATUS_CODES[status] ?? `HTTP ${status}`;
}

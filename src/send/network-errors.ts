import { RequestError, TimeoutError } from 'got';
import type { ApiError } from '../core/errors.js';
import { apiFailure } from '../core/words.js';
import { API_WORDS } from '../core/words/api.js';
import { SELECTION_WORDS } from '../core/words/selection.js';
import { AnswerTooLarge, MAX_ANSWER_BYTES } from './api-client.js';

/**
 * What a request that got no complete answer means, apart from the readers of
 * answers (api-answers.ts), which every operation imports: only the executor
 * needs got's errors, so a run that sends nothing never loads got.
 */

/** Network codes after which the same request cannot work by waiting: the address or its certificate is wrong. */
const HOST_NOT_FOUND = new Set(['ENOTFOUND']);
const TLS_FAILURE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;

/**
 * What a request that got no complete answer stands for. Its answer is lost,
 * and the API may have acted on it, when the request was written out whole
 * first (got's timings say when: `upload`), unlike a connection refused.
 */
export function classifyNetworkError(error: unknown): ApiError {
  if (error instanceof AnswerTooLarge) {
    return apiFailure(
      API_WORDS,
      'TIC-API-ANSWER-TOO-LARGE',
      { megabytes: MAX_ANSWER_BYTES / (1024 * 1024) },
      { ...(error.status === undefined ? {} : { status: error.status }), final: true, answerLost: true, cause: error },
    );
  }
  if (!(error instanceof RequestError)) throw error;
  const host = error.options?.url instanceof URL ? error.options.url.host : 'the API host';
  const answerLost = error.timings?.upload !== undefined;
  if (error instanceof TimeoutError) {
    return apiFailure(API_WORDS, 'TIC-API-TIMEOUT', { detail: error.message }, { cause: error, answerLost });
  }
  const code = error.code;
  // Refused, the connection found no server at all at the address: waiting will not bring one, as for a host that does not exist.
  if (code === 'ECONNREFUSED') {
    const origin = error.options?.url instanceof URL ? error.options.url.origin : 'the address given';
    return apiFailure(SELECTION_WORDS, 'TIC-NOTHING-ANSWERS', { origin }, { cause: error });
  }
  if (HOST_NOT_FOUND.has(code)) {
    return apiFailure(API_WORDS, 'TIC-API-HOST-UNKNOWN', { host }, { cause: error });
  }
  if (TLS_FAILURE.test(code)) {
    return apiFailure(API_WORDS, 'TIC-API-TLS-UNTRUSTED', { host, code }, { cause: error });
  }
  return apiFailure(API_WORDS, 'TIC-API-NETWORK', { code, detail: error.message }, { cause: error, answerLost });
}

/** What a failure is counted under in summary.json: its HTTP status, `timeout`, or the network error's code. */
export function failureCause(error: ApiError): string {
  if (error.status !== undefined) return String(error.status);
  if (error.cause instanceof TimeoutError) return 'timeout';
  return error.cause instanceof RequestError ? error.cause.code : 'network';
}

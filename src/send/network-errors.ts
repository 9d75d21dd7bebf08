import { RequestError, TimeoutError } from 'got';
import { ApiError } from '../core/errors.js';
import { say } from '../core/words.js';
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
    return new ApiError('transient', `the answer was larger than ${MAX_ANSWER_BYTES / (1024 * 1024)} MB (a credit batch takes under 1 KB), so it was cut off unread: the server is not answering as the API does`, {
      ...(error.status === undefined ? {} : { status: error.status }),
      final: true,
      answerLost: true,
      cause: error,
    });
  }
  if (!(error instanceof RequestError)) throw error;
  const host = error.options?.url instanceof URL ? error.options.url.host : 'the API host';
  const answerLost = error.timings?.upload !== undefined;
  if (error instanceof TimeoutError) {
    return new ApiError('transient', `the API did not answer in time (${error.message})`, { cause: error, answerLost });
  }
  const code = error.code;
  // Refused, the connection found no server at all at the address: waiting will not bring one, as for a host that does not exist.
  if (code === 'ECONNREFUSED') {
    const origin = error.options?.url instanceof URL ? error.options.url.origin : 'the address given';
    const said = say(SELECTION_WORDS, 'TIC-NOTHING-ANSWERS', { origin });
    return new ApiError('aborted', said.message, { code: said.code, ...(said.hint === undefined ? {} : { hint: said.hint }), cause: error });
  }
  if (HOST_NOT_FOUND.has(code)) {
    return new ApiError('aborted', `the host ${host} does not exist`, { hint: 'Check --instance (the name in https://<name>.thoughtindustries.com) or --base-url.', cause: error });
  }
  if (TLS_FAILURE.test(code)) {
    return new ApiError('aborted', `the secure connection to ${host} failed (${code}); its certificate cannot be trusted`, { hint: 'Check --base-url; ti-credits never sends the key over an untrusted connection.', cause: error });
  }
  return new ApiError('transient', `network error (${code}): ${error.message}`, { cause: error, answerLost });
}

/** What a failure is counted under in summary.json: its HTTP status, `timeout`, or the network error's code. */
export function failureCause(error: ApiError): string {
  if (error.status !== undefined) return String(error.status);
  if (error.cause instanceof TimeoutError) return 'timeout';
  return error.cause instanceof RequestError ? error.cause.code : 'network';
}


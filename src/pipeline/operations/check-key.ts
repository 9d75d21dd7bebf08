import { ApiError } from '../../core/errors.js';
import { readPing } from '../../send/api-answers.js';
import type { Executor } from '../../send/executor.js';
import type { SendOptions } from '../../send/options.js';
import type { Operation } from '../../send/operation.js';
import { stopsTheRun } from '../../send/retry.js';

/** `GET /ping`: whether the API accepts the key; it changes nothing. */
export const pingOperation: Operation<undefined, void> = {
  describe: () => ({ id: 'ping' }),
  request: (client) => client.ping(),
  read: (response) => readPing(response),
  reads: true,
};

/**
 * Whether the API accepts the key, at the cost of one harmless request made
 * through the send stage (paced, retried, counted): what a dry run checks
 * besides the file. Undefined when the key is accepted, or when the run
 * stopped before the request (its reason is the run's); otherwise why the
 * check failed, as an error of a kind that stops a run: the key refused
 * (`auth`), or the API out of reach or not answering as the API does
 * (`aborted`), since a real run could not go on either.
 */
export async function checkKey(executor: Executor): Promise<ApiError | undefined> {
  const result = await executor.perform(pingOperation, undefined);
  if (result.kind !== 'failed') return undefined;
  const { error } = result;
  if (stopsTheRun(error)) return error;
  return new ApiError('aborted', `the key could not be checked: GET /ping failed (${error.message})`, {
    ...(error.status === undefined ? {} : { status: error.status }),
    hint: 'Check --instance or --base-url, and that the API is up; or pass --offline to check the file alone.',
  });
}

/** The same check outside any run (`whoami`, `login`): one GET /ping, retried as any request, nothing written. */
export async function checkKeyAlone(send: SendOptions, signal: AbortSignal): Promise<ApiError | undefined> {
  const { Executor: ExecutorClass } = await import('../../send/executor.js');
  const executor = new ExecutorClass(send, signal);
  try {
    return await checkKey(executor);
  } finally {
    executor.close();
  }
}

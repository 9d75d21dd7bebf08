import type { ApiError } from '../core/errors.js';
import type { ApiClient, ApiResponse } from './api-client.js';

/**
 * One kind of request the send stage can make for an item: which endpoint,
 * and how its answer is read. The send stage knows no operation; it paces,
 * retries and counts whatever request it is given.
 */
export interface Operation<I, T> {
  /** What the request is about, for the log and the counters. */
  describe(item: I): { readonly line?: number | undefined; readonly id: string };
  request(client: ApiClient, item: I): Promise<ApiResponse>;
  /** The value a 200 carries; throws the ApiError any other answer (or an unexpected 200) stands for. */
  read(response: ApiResponse, item: I): T;
  /** True for a request that changes nothing (a read): what fails is then a read, never a row sent. */
  readonly reads?: boolean;
}

/** What became of one item handed to the send stage; `W` is what a guard may withhold it with. */
export type SendResult<T, W = never> =
  /** The API answered with what was asked for. */
  | { readonly kind: 'done'; readonly value: T; readonly attempts: number; readonly status: number }
  /**
   * It failed: refused, or kept failing. `interrupted` when the run stopped
   * before another attempt could be made (the error is then the last one).
   * `answerLost` when some attempt reached the API whole but its answer was
   * lost (see ApiError.answerLost): the API may have acted on the item.
   * `mayHaveLanded`: that, or some attempt was answered 5xx (see AttemptContext).
   */
  | {
      readonly kind: 'failed';
      readonly error: ApiError;
      readonly attempts: number;
      readonly interrupted: boolean;
      readonly answerLost: boolean;
      readonly mayHaveLanded?: boolean;
    }
  /** Never sent: the run stopped first. */
  | { readonly kind: 'not-sent'; readonly reason: string }
  /** Not sent (again): the item's guard, checked just before a request, withheld it; `attempts` made before that. */
  | { readonly kind: 'withheld'; readonly detail: W; readonly attempts: number };

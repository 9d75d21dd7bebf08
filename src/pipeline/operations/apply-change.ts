import { UPDATABLE_FIELDS, type CreditBatch, type CreditBatchUpdate } from '../../core/credit-batch.js';
import { previewJson } from '../../core/preview.js';
import { apiFailure } from '../../core/words.js';
import { API_WORDS } from '../../core/words/api.js';
import { readUpdatedBatch } from '../../send/api-answers.js';
import type { ApiResponse } from '../../send/api-client.js';
import type { Operation } from '../../send/operation.js';
import { sameValue } from '../live/values.js';

/** A change checked against the live values: the batch, and the fields that change. */
export interface Change {
  readonly line: number;
  readonly id: string;
  readonly body: CreditBatchUpdate;
}

/**
 * `apply`'s request when it reads before it writes: the PUT of the changed
 * fields only, and a 200 read as a claim to check: the batch it returns must
 * hold what was sent, or the row fails with what the API holds instead.
 */
export const applyChange: Operation<Change, CreditBatch> = {
  describe: (change) => ({ line: change.line, id: change.id }),
  request: (client, change) => client.putCreditBatch(change.id, change.body),
  read: (response, change) => confirmedUpdate(response, change.id, change.body),
};

/**
 * The batch a 200 to a PUT returns, read as a claim to check, blind or not:
 * it must hold what was sent, or the row fails with what the API holds.
 */
export function confirmedUpdate(response: ApiResponse, id: string, body: CreditBatchUpdate): CreditBatch {
  const batch = readUpdatedBatch(response, id);
  const differs = UPDATABLE_FIELDS.filter((field) => body[field] !== undefined && !sameValue(field, batch[field], body[field]));
  if (differs.length > 0) {
    const held = differs.map((field) => ({ field, held: previewJson(batch[field] ?? null), sent: previewJson(body[field]) }));
    throw apiFailure(API_WORDS, 'TIC-API-UPDATE-UNCONFIRMED', { answer: 'other-values', differs: held }, { status: 200 });
  }
  return batch;
}

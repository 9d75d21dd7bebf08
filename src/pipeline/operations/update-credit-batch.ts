import type { CreditBatch } from '../../core/credit-batch.js';
import { readUpdatedBatch } from '../../send/api-answers.js';
import type { Operation } from '../../send/operation.js';
import type { ValidRow } from '../../validate/row.js';

/** `apply`'s request: one validated row becomes one PUT of exactly the fields it fills in. */
export const updateCreditBatch: Operation<ValidRow, CreditBatch> = {
  describe: (row) => ({ line: row.line, id: row.id }),
  request: (client, row) => client.putCreditBatch(row.id, row.body),
  read: (response, row) => readUpdatedBatch(response, row.id),
};

import type { CreditBatch } from '../../core/credit-batch.js';
import type { Operation } from '../../send/operation.js';
import type { ValidRow } from '../../validate/row.js';
import { confirmedUpdate } from './apply-change.js';

/** `apply --blind`'s request: one validated row becomes one PUT of exactly the fields it fills in, its 200 checked as a read-first PUT's is. */
export const updateCreditBatch: Operation<ValidRow, CreditBatch> = {
  describe: (row) => ({ line: row.line, id: row.id }),
  request: (client, row) => client.putCreditBatch(row.id, row.body),
  read: (response, row) => confirmedUpdate(response, row.id, row.body),
};

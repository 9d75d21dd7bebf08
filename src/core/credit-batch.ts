/**
 * The two shapes that cross the wire: what a row asks the API to change, and
 * the credit batch the API answers with.
 */

/** The body of `PUT /incoming/v2/clients/creditBatches/:id`: only the fields the row fills in. */
export interface CreditBatchUpdate {
  name?: string;
  /** ISO 8601 in UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  expiresOn?: string;
  /** A whole number of credits, never negative. */
  currentBalance?: number;
}

export const UPDATABLE_FIELDS = ['name', 'expiresOn', 'currentBalance'] as const;
export type UpdatableField = (typeof UPDATABLE_FIELDS)[number];

/** `data.UpdateCreditBatch` of a 200 answer. */
export interface CreditBatch {
  id: string;
  name: string;
  expiresOn: string;
  startingBalance: number;
  currentBalance: number;
  clientId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  creditAccountId: string;
  allocatedCredits: number;
}

/**
 * A credit batch as a list answer gives it. The fields a row can change may
 * be missing from it (absent, or null in the answer): they are then absent
 * here, never guessed at, so that a row changing one can be told apart from
 * a row changing a value the batch holds.
 */
export type ListedBatch = Omit<CreditBatch, UpdatableField> & Partial<Pick<CreditBatch, UpdatableField>>;

export const CREDIT_BATCH_FIELDS = [
  'id',
  'name',
  'expiresOn',
  'startingBalance',
  'currentBalance',
  'clientId',
  'status',
  'createdAt',
  'updatedAt',
  'creditAccountId',
  'allocatedCredits',
] as const satisfies readonly (keyof CreditBatch)[];

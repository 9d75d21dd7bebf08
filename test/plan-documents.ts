import { createHash } from 'node:crypto';
import type { CreditBatchUpdate, UpdatableField } from '../src/core/credit-batch.js';
import { planId, type PlanChange, type PlanDocument, type PlanRow, type ReportDocument } from '../src/report/plan-document.js';
import { describeChange } from '../src/report/plan-file.js';
import type { RecordedOptions } from '../src/report/run-record.js';

/**
 * Plan and report documents for the browser tests, the benchmark and the
 * README's screenshot, their totals added up from their rows as the plan
 * adds them up (pipeline/plan.ts): over the rows sent that change the balance.
 */

export function change(field: UpdatableField, before: string | number, after: string | number, delta: number | null = null): PlanChange {
  return { field, before, after, delta, change: describeChange({ field, before, after }) };
}

export function row(
  line: number,
  id: string,
  clientId: string | null,
  state: PlanRow['state'],
  changes: readonly PlanChange[],
  extra: { live?: CreditBatchUpdate; problem?: string; code?: string } & Pick<PlanRow, 'name' | 'clientName' | 'status' | 'allocated'> = {},
): PlanRow {
  const live = extra.live ?? (state === 'invalid' ? null : Object.fromEntries(changes.map((entry) => [entry.field, entry.before])));
  const facts = Object.fromEntries(
    (['name', 'clientName', 'status', 'allocated'] as const).flatMap((key) => (extra[key] === undefined ? [] : [[key, extra[key]]])),
  );
  return { line, id, clientId, state, changes, live, problem: extra.problem ?? null, ...(extra.code === undefined ? {} : { code: extra.code }), ...facts };
}

export const OPTIONS: RecordedOptions = {
  encoding: null,
  delimiter: null,
  sheet: null,
  dateOnly: 'end-of-day',
  timezone: 'UTC',
  dateFormat: null,
  thousandsSeparator: null,
  allowPastExpiry: false,
  target: 'https://acme.thoughtindustries.com',
  keyKind: 'live',
  apiKeyFile: null,
  concurrency: 4,
  ratePerMinute: 600,
  burst: 20,
  timeoutMs: 30_000,
  retries: 5,
  retryDelayMs: 1000,
  maxThrottleWaitMs: 300_000,
  circuitBreaker: 20,
  skipInvalid: true,
  dryRun: false,
  out: null,
  logLevel: 'info',
  excel: false,
  blind: false,
  maxStalenessMs: 600_000,
  limits: { maxBalanceChange: 5000, maxTotalChange: 250_000, maxRows: null, maxExpiryMoveDays: 400 },
  extraColumns: [],
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function totalsOf(rows: readonly PlanRow[], readRequests: number): PlanDocument['totals'] {
  const count = (state: PlanRow['state']): number => rows.filter((entry) => entry.state === state).length;
  let before = 0n;
  let after = 0n;
  let added = 0n;
  let removed = 0n;
  let later = 0;
  let earlier = 0;
  let renamed = 0;
  let belowAllocated = 0;
  let revived = 0;
  for (const entry of rows) {
    if (entry.state !== 'change') continue;
    for (const { field, before: from, after: to } of entry.changes) {
      if (field === 'currentBalance') {
        before += BigInt(from as number);
        after += BigInt(to as number);
        if (Number(to) > Number(from)) added += BigInt(Number(to) - Number(from));
        else removed += BigInt(Number(from) - Number(to));
        if (typeof entry.allocated === 'number' && Number(to) < entry.allocated) belowAllocated++;
      } else if (field === 'expiresOn') {
        if (Date.parse(String(to)) > Date.parse(String(from))) {
          later++;
          if (typeof entry.status === 'string' && entry.status !== 'active') revived++;
        } else earlier++;
      } else renamed++;
    }
  }
  return {
    rows: rows.length,
    changing: count('change'),
    unchanged: count('unchanged'),
    drifted: count('drifted'),
    invalid: count('invalid'),
    balance: { before: String(before), after: String(after), added: String(added), removed: String(removed), net: String(after - before) },
    expiry: { later, earlier },
    renamed,
    readRequests,
    belowAllocated,
    revived,
  };
}

/** A plan of these rows, its totals added up from them and its id the hash of the rest. */
export function planDocument(rows: readonly PlanRow[], fields: Partial<Omit<PlanDocument, 'id' | 'rows' | 'version'>> = {}): PlanDocument {
  const content: Omit<PlanDocument, 'id'> = {
    version: 1,
    madeAt: '2026-11-24T14:03:09.512Z',
    madeBy: 'dana.finance',
    target: 'https://acme.thoughtindustries.com',
    keyKind: 'live',
    input: { name: 'q4-adjustments.csv', size: 48_213, sha256: sha256('q4-adjustments.csv'), copy: 'input.csv' },
    baselineSha256: sha256('baseline.csv'),
    options: OPTIONS,
    totals: totalsOf(rows, Math.max(1, Math.ceil(rows.length / 100))),
    rows,
    ...fields,
  };
  return { id: planId(content), ...content };
}

/** A report of a finished apply, its row counts added up from `rows`. */
export function reportDocument(fields: Partial<ReportDocument> & Pick<ReportDocument, 'rows'>): ReportDocument {
  return {
    version: 1,
    target: 'https://acme.thoughtindustries.com',
    madeBy: 'sam.ops',
    startedAt: '2026-11-24T15:10:00.000Z',
    finishedAt: '2026-11-24T15:12:41.250Z',
    status: 'completed',
    planId: null,
    requests: { sent: 0, retries: 0, throttled: 0 },
    balance: null,
    problems: [],
    verify: null,
    ...fields,
  };
}

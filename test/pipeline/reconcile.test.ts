import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditAction } from '../../src/core/credit-action.js';
import type { CreditBatch, CreditBatchUpdate } from '../../src/core/credit-batch.js';
import { MOCK_API_KEY, type MockApi, type MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { readClientBatches } from '../../src/pipeline/operations/read-client-batches.js';
import { updateCreditBatch } from '../../src/pipeline/operations/update-credit-batch.js';
import { findOverwritten, reconcile, reconcileCost, type ReconcileWrite } from '../../src/pipeline/reconcile.js';
import { CORRECTION_FILE, CorrectionFile } from '../../src/report/correction-file.js';
import { Executor } from '../../src/send/executor.js';
import { cli, mockApiStarter, readCsvFile, tempDir } from '../helpers.js';

const CLIENT = 'c0000000-0000-4000-8000-000000000001';
const ACCOUNT = 'a0000000-0000-4000-8000-000000000001';
const X = 'b0000000-0000-4000-8000-00000000000a';
const Y = 'b0000000-0000-4000-8000-00000000000b';
const READ = '2026-05-01T12:00:00.000Z';
const WRITTEN = '2026-05-01T12:00:00.400Z';

function write(line: number, id: string, extra: Partial<ReconcileWrite> = {}): ReconcileWrite {
  return { line, id, clientId: CLIENT, creditAccountId: ACCOUNT, sent: { currentBalance: 150 }, readUpdatedAt: READ, writtenUpdatedAt: WRITTEN, ...extra };
}

let actionNumber = 0;
/** A redemption of `amount` from `batch` (its source) at `timestamp`; `extra` overrides any field. */
function debit(batch: string, amount: number, timestamp: string | undefined, extra: Partial<CreditAction> = {}): CreditAction {
  actionNumber++;
  return {
    id: `debit-${actionNumber}`,
    actionType: 'debit',
    action: 'debit',
    amount,
    source: batch,
    sourceType: 'creditBatch',
    target: `learner-${actionNumber}`,
    targetType: 'user',
    timestamp,
    sourceBalanceIn: undefined,
    sourceBalanceOut: undefined,
    targetBalanceIn: undefined,
    targetBalanceOut: undefined,
    ...extra,
  };
}

/** Credits given to `batch` (its target). */
function credit(batch: string, amount: number, timestamp: string, extra: Partial<CreditAction> = {}): CreditAction {
  return debit('account', amount, timestamp, {
    actionType: 'credit',
    action: 'credit',
    source: ACCOUNT,
    sourceType: 'creditAccount',
    target: batch,
    targetType: 'creditBatch',
    id: `credit-${actionNumber + 1}`,
    ...extra,
  });
}

const summary = (found: ReturnType<typeof findOverwritten>) =>
  found.overwritten.map((row) => [row.line, row.id, row.credits, row.actions.map((action) => action.id)]);

describe('finding the writes that overwrote a change the ledger records', () => {
  it('finds exactly the actions later than the read and not later than the write, to the millisecond and below', () => {
    const atRead = debit(X, 1, READ);
    const justAfterRead = debit(X, 2, '2026-05-01T12:00:00.001Z');
    const halfAMillisecondAfter = debit(X, 4, '2026-05-01T12:00:00.0005Z');
    const atWrite = debit(X, 8, WRITTEN);
    const justAfterWrite = debit(X, 16, '2026-05-01T12:00:00.401Z');
    const justBeforeRead = debit(X, 32, '2026-05-01T11:59:59.999Z');
    const sameMomentOtherZone = debit(X, 64, '2026-05-01T14:00:00.200+02:00');
    const found = findOverwritten([write(7, X)], [justAfterWrite, atRead, justAfterRead, justBeforeRead, atWrite, halfAMillisecondAfter, sameMomentOtherZone]);
    assert.deepEqual(
      found.overwritten.map((row) => [row.line, row.id, row.clientId, row.credits]),
      [[7, X, CLIENT, -(2 + 4 + 8 + 64)]],
    );
    assert.deepEqual(
      new Set(found.overwritten[0]?.actions.map((action) => action.id)),
      new Set([justAfterRead.id, halfAMillisecondAfter.id, atWrite.id, sameMomentOtherZone.id]),
    );
    assert.deepEqual([found.credits, found.unreadable], [-78, []]);
  });

  it('gives back a redemption written over (the batch its source) as a negative delta, and credits given written over (its target) as a positive one', () => {
    const redemption = debit(X, 7, '2026-05-01T12:00:00.100Z');
    const given = credit(Y, 5, '2026-05-01T12:00:00.100Z');
    const found = findOverwritten([write(2, X), write(3, Y)], [redemption, given]);
    assert.deepEqual(summary(found), [
      [2, X, -7, [redemption.id]],
      [3, Y, 5, [given.id]],
    ]);
    assert.deepEqual(
      found.overwritten.map((row) => row.actions.map((action) => [action.role, action.amount, action.actionType, action.timestamp])),
      [[['source', 7, 'debit', '2026-05-01T12:00:00.100Z']], [['target', 5, 'credit', '2026-05-01T12:00:00.100Z']]],
    );
    assert.equal(found.credits, -2);
  });

  it("reads which way the credits went from the batch's role, whatever the list and the sign of the amount, and counts an action listed in both lists once", () => {
    const transfer = debit(X, -7, '2026-05-01T12:00:00.100Z', {
      target: Y,
      sourceBalanceIn: 100,
      sourceBalanceOut: 93,
      targetBalanceIn: 10,
      targetBalanceOut: 17,
    });
    const found = findOverwritten([write(2, X), write(3, Y)], [transfer, { ...transfer, actionType: 'credit' }]);
    assert.deepEqual(summary(found), [
      [2, X, -7, [transfer.id]],
      [3, Y, 7, [transfer.id]],
    ]);
  });

  it('ignores writes that did not set currentBalance, and actions on batches no write set', () => {
    const onName = debit(X, 7, '2026-05-01T12:00:00.100Z');
    const elsewhere = debit('b0000000-0000-4000-8000-0000000000ff', 9, '2026-05-01T12:00:00.100Z');
    const unreadableElsewhere = debit('b0000000-0000-4000-8000-0000000000ff', 9, 'now');
    const found = findOverwritten(
      [write(2, X, { sent: { name: 'Renamed', expiresOn: '2027-01-01T00:00:00.000Z' } })],
      [onName, elsewhere, unreadableElsewhere],
    );
    assert.deepEqual([found.overwritten, found.credits, found.unreadable], [[], 0, []]);
  });

  it('matches batch ids in any letter case', () => {
    const found = findOverwritten([write(2, X.toUpperCase())], [debit(X, 3, '2026-05-01T12:00:00.100Z')]);
    assert.equal(found.credits, -3);
  });

  it('reports, never guesses, an action on a written batch whose time or amount cannot be read', () => {
    const cases: [CreditAction, RegExp][] = [
      [
        debit(X, 7, '2026-05-01 12:00:00.100'),
        /credit action debit-\d+ \(debit\) on it has the timestamp "2026-05-01 12:00:00.100", not an ISO 8601 time with its offset, so whether the write overwrote it cannot be told/,
      ],
      [debit(X, 7, undefined), /has no timestamp/],
      [debit(X, 7, '2026-05-01T12:00:00.100'), /not an ISO 8601 time with its offset/],
      [debit(X, 7.5, '2026-05-01T12:00:00.100Z'), /made between the read and the write, has the amount 7.5, not a whole number of credits/],
      [debit(X, 7, '2026-05-01T12:00:00.100Z', { amount: undefined }), /has no amount/],
      [debit(X, 7, '2026-05-01T12:00:00.100Z', { sourceBalanceIn: 100, sourceBalanceOut: 90 }), /has the amount 7 but took the batch's balance from 100 to 90/],
      [debit(X, 7, '2026-05-01T12:00:00.100Z', { sourceBalanceIn: 93, sourceBalanceOut: 100 }), /has the amount 7 but took the batch's balance from 93 to 100/],
    ];
    for (const [action, reason] of cases) {
      const found = findOverwritten([write(4, X)], [action]);
      assert.deepEqual([found.overwritten, found.credits], [[], 0], action.id);
      assert.equal(found.unreadable.length, 1, action.id);
      assert.deepEqual([found.unreadable[0]?.line, found.unreadable[0]?.id], [4, X]);
      assert.match(found.unreadable[0]?.reason ?? '', reason);
    }
    const outside = findOverwritten([write(4, X)], [debit(X, 7.5, '2026-05-01T13:00:00.000Z')]);
    assert.deepEqual(outside.unreadable, [], 'an amount outside the window is not needed');
  });

  it('reports a write whose window cannot be read, or runs backwards, and an action listed twice with different values', () => {
    const inWindow = debit(X, 7, '2026-05-01T12:00:00.100Z');
    const cases: [ReconcileWrite, RegExp][] = [
      [write(5, X, { readUpdatedAt: undefined }), /the updatedAt read before it \(absent\) is not a time that can be read/],
      [write(5, X, { writtenUpdatedAt: 'soon' }), /the updatedAt of its answer \("soon"\) is not a time/],
      [
        write(5, X, { writtenUpdatedAt: '2026-05-01T11:00:00.000Z' }),
        /answered the write with updatedAt 2026-05-01T11:00:00.000Z, earlier than the 2026-05-01T12:00:00.000Z read before it/,
      ],
    ];
    for (const [bad, reason] of cases) {
      const found = findOverwritten([bad], [inWindow]);
      assert.deepEqual(found.overwritten, []);
      assert.match(found.unreadable.map((entry) => entry.reason).join('; '), reason);
    }
    const twice = findOverwritten([write(5, X)], [inWindow, { ...inWindow, amount: 70 }]);
    assert.deepEqual(
      [twice.overwritten, twice.unreadable.map((entry) => entry.reason)],
      [[], [`credit action ${inWindow.id} (debit) on it was listed twice with different values, so whether the write overwrote it cannot be told`]],
    );
  });

  it('leaves out an action of 0 credits, and nets several actions on one row', () => {
    const found = findOverwritten(
      [write(9, X)],
      [debit(X, 0, '2026-05-01T12:00:00.100Z'), debit(X, 3, '2026-05-01T12:00:00.100Z'), credit(X, 3, '2026-05-01T12:00:00.200Z')],
    );
    assert.deepEqual(
      found.overwritten.map((row) => [row.credits, row.actions.length]),
      [[0, 2]],
    );
  });

  it('costs two lists per credit account written to a balance, at least', () => {
    const other = randomUUID();
    const cost = reconcileCost([
      write(1, X),
      write(2, Y),
      write(3, X, { creditAccountId: other }),
      write(4, Y, { creditAccountId: other.toUpperCase() }),
      write(5, X, { creditAccountId: randomUUID(), sent: { name: 'n' } }),
    ]);
    assert.deepEqual(cost, { accounts: 2, minimumRequests: 4 });
  });
});

const startMockApi = mockApiStarter();

function executorFor(mock: MockApi, signal = new AbortController().signal): Executor {
  return new Executor(
    {
      target: { origin: mock.origin, apiKey: MOCK_API_KEY },
      concurrency: 1,
      ratePerMinute: 0,
      maxRatePerMinute: 0,
      rateFrom: 'told',
      burst: 20,
      learnBurst: false,
      timeoutMs: 5000,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
      maxThrottleWaitMs: 60_000,
      circuitBreaker: 0,
    },
    signal,
  );
}

interface Sent {
  readonly mock: MockApi;
  readonly writes: ReconcileWrite[];
  readonly batches: Record<'x' | 'y' | 'z', CreditBatch>;
}

/**
 * A run as ti-credits makes it, against the mock: the client's batches read,
 * then each written, the batch's updatedAt read before and answered after
 * kept for each write. X and Y are of one credit account, Z of another; the
 * write to Z sets its name only.
 */
async function sendRun(options: Omit<MockOptions, 'store'>, meanwhile: (mock: MockApi) => void = () => {}): Promise<Sent> {
  const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
  const client = randomUUID();
  const [account, other] = [randomUUID(), randomUUID()];
  const store = new CreditBatchStore([
    { id: x, clientId: client, creditAccountId: account, currentBalance: 100, expiresOn: '2099-01-01T00:00:00.000Z' },
    { id: y, clientId: client, creditAccountId: account, currentBalance: 40, expiresOn: '2099-01-01T00:00:00.000Z' },
    { id: z, clientId: client, creditAccountId: other, currentBalance: 10, expiresOn: '2099-01-01T00:00:00.000Z' },
  ]);
  // A redemption long before the run: in the ledger, and in the values read.
  store.redeem(x, 3, new Date());
  const mock = await startMockApi({ ...options, store });
  const executor = executorFor(mock);
  try {
    const listed = await readClientBatches(executor, client);
    assert.equal(listed.kind, 'done');
    const read = new Map((listed.kind === 'done' ? listed.value : []).map((batch) => [batch.id, batch]));
    meanwhile(mock);
    const bodies: [string, CreditBatchUpdate][] = [
      [x, { currentBalance: 150 }],
      [y, { currentBalance: 60 }],
      [z, { name: 'Renamed' }],
    ];
    const writes: ReconcileWrite[] = [];
    for (const [index, [id, body]] of bodies.entries()) {
      const result = await executor.perform(updateCreditBatch, { line: index + 2, id, body, cells: [], before: {} });
      assert.equal(result.kind, 'done');
      const answered = result.kind === 'done' ? result.value : undefined;
      writes.push({
        line: index + 2,
        id,
        clientId: client,
        creditAccountId: answered?.creditAccountId,
        sent: body,
        readUpdatedAt: read.get(id)?.updatedAt,
        writtenUpdatedAt: answered?.updatedAt,
      });
    }
    const batch = (id: string): CreditBatch => mock.store.get(id) as CreditBatch;
    return { mock, writes, batches: { x: batch(x), y: batch(y), z: batch(z) } };
  } finally {
    executor.close();
  }
}

const ledgerRequests = (mock: MockApi): MockApi['requests'] => mock.requests.filter((request) => request.path.endsWith('/creditActions'));

describe('reconciling a run against the credit ledger, on the mock', () => {
  it('finds the redemption the mock slipped between the read and the write, and none before the read or after the write; correction.csv applied gives it back', async () => {
    let yAfterRead = '';
    const { mock, writes, batches } = await sendRun({ slipRedemptions: { credits: 7 } }, (mock) => {
      // After the read, before any write: a redemption the reading did not see, which Y's write then sets the balance over.
      const y = mock.store.all().find((batch) => batch.currentBalance === 40);
      yAfterRead = y?.id ?? '';
      mock.store.redeem(yAfterRead, 1, new Date());
    });
    assert.equal(yAfterRead, batches.y.id);
    // After the writes: redemptions that the writes did not touch.
    mock.store.redeem(batches.x.id, 2, new Date());
    mock.store.credit(batches.y.id, 4, new Date());
    const slipped = mock.store.ledger.actions(batches.x.clientId, batches.x.creditAccountId, 'debit').find((action) => action.amount === 7);
    assert.ok(slipped !== undefined);
    const executor = executorFor(mock);
    const lists: string[] = [];
    const result = await reconcile(executor, writes, { onList: ({ actionType, actions, listsLeft }) => lists.push(`${actionType}:${actions}:${listsLeft}`) });
    executor.close();
    assert.equal(result.kind, 'checked');
    if (result.kind !== 'checked') return;
    // Slipped into the first PUT of X, Y and Z (7 each), and 1 redeemed from Y after the read; Z's write set a name only, so nothing of Z was written over.
    assert.deepEqual(
      result.overwritten.map((row) => [row.line, row.id, row.credits, row.actions.map((action) => action.amount)]),
      [
        [2, batches.x.id, -7, [7]],
        [3, batches.y.id, -8, [1, 7]],
      ],
    );
    assert.deepEqual(
      result.overwritten[0]?.actions.map((action) => action.id),
      [slipped.id],
    );
    assert.deepEqual([result.credits, result.accounts, result.unreadable, result.requests], [-15, 1, [], 2]);
    // The ledger of X and Y's account: X's redemption before the read, Y's after it, the two slipped, X's after the writes; Y's credit after the writes.
    assert.equal(result.checked, 6);
    assert.deepEqual(lists, ['debit:5:1', 'credit:1:0']);
    assert.deepEqual(
      ledgerRequests(mock).map((request) => [request.path, request.query.actionType, request.query.page]),
      [
        [`/incoming/v2/clients/${batches.x.clientId}/creditAccount/${batches.x.creditAccountId}/creditActions`, 'debit', '1'],
        [`/incoming/v2/clients/${batches.x.clientId}/creditAccount/${batches.x.creditAccountId}/creditActions`, 'credit', '1'],
      ],
      "Z's account is not read: no write set a balance there",
    );

    const dir = await tempDir();
    const correction = new CorrectionFile(dir);
    for (const row of result.overwritten) correction.add(row);
    correction.commit();
    assert.deepEqual(
      (await readCsvFile(join(dir, CORRECTION_FILE))).map((row) => [row.id, row.currentBalanceDelta]),
      [
        [batches.x.id, '-7'],
        [batches.y.id, '-8'],
      ],
    );
    const before = [mock.store.get(batches.x.id)?.currentBalance, mock.store.get(batches.y.id)?.currentBalance];
    assert.deepEqual(before, [150 - 2, 60 + 4], 'what the writes set, and what learners did after');
    const applied = await cli(
      ['apply', '--yes', join(dir, CORRECTION_FILE), '--base-url', mock.origin, '--rate', '0', '--retry-delay', '1', '--out', join(dir, 'run')],
      { cwd: dir },
    );
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.deepEqual(
      [mock.store.get(batches.x.id)?.currentBalance, mock.store.get(batches.y.id)?.currentBalance],
      [150 - 2 - 7, 60 + 4 - 8],
      'the redemptions written over are taken again, what came after kept',
    );
  });

  it('says "not checked", with the reason, when the key may not read the ledger: never that nothing was overwritten', async () => {
    const { mock, writes } = await sendRun({ forbiddenRoutes: ['actions'] });
    const executor = executorFor(mock);
    const result = await reconcile(executor, writes);
    executor.close();
    assert.equal(result.kind, 'not-checked');
    if (result.kind !== 'not-checked') return;
    assert.match(
      result.reason,
      /the debit actions of credit account .* of client .* could not be read: the API key is not allowed to read the credit ledger \(credit actions\) \(403: This API key may not read credit actions\)/,
    );
    assert.deepEqual([result.error?.kind, result.error?.status, result.requests, ledgerRequests(mock).length], ['auth', 403, 1, 1]);
  });

  it('says "not checked" when a page fails after its retries, or the run stopped before the ledger was read', async () => {
    const { mock, writes } = await sendRun({});
    const account = writes[0]?.creditAccountId ?? '';
    const failing = await startMockApi({
      store: mock.store,
      faults: { script: { [account]: [503, 503, 503].map((status) => ({ kind: 'status', status }) as const) } },
    });
    const executor = executorFor(failing);
    const failed = await reconcile(executor, writes);
    executor.close();
    assert.deepEqual(failed.kind === 'not-checked' ? [failed.requests, failed.error?.status] : failed.kind, [3, 503]);
    assert.match(failed.kind === 'not-checked' ? failed.reason : '', /could not be read: 503: Injected 503/);

    const stop = new AbortController();
    stop.abort();
    const stopped = executorFor(mock, stop.signal);
    const notRead = await reconcile(stopped, writes);
    stopped.close();
    assert.deepEqual(notRead.kind === 'not-checked' ? [notRead.requests, notRead.error] : notRead.kind, [0, undefined]);
    assert.match(notRead.kind === 'not-checked' ? notRead.reason : '', /were not read: not sent because the run stopped/);
  });

  it('reads nothing when no write set a balance, and reports a write whose credit account is not known', async () => {
    const { mock, writes } = await sendRun({});
    const executor = executorFor(mock);
    const none = await reconcile(
      executor,
      writes.filter((entry) => entry.sent.currentBalance === undefined),
    );
    const unknown = await reconcile(executor, [{ ...(writes[0] as ReconcileWrite), creditAccountId: undefined }]);
    executor.close();
    assert.deepEqual(none, { kind: 'checked', checked: 0, accounts: 0, overwritten: [], credits: 0, unreadable: [], requests: 0 });
    assert.deepEqual(unknown.kind === 'checked' ? unknown.unreadable : unknown.kind, [
      { line: 2, id: writes[0]?.id, reason: "its batch's credit account is not known, so its ledger was not read" },
    ]);
    assert.equal(ledgerRequests(mock).length, 0);
  });
});

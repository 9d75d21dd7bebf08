import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/core/errors.js';
import { readCreditActionPage } from '../../src/send/api-answers.js';

const CLIENT = 'c0000000-0000-4000-8000-000000000001';
const ACCOUNT = 'a0000000-0000-4000-8000-000000000001';
const BATCH = 'b0000000-0000-4000-8000-000000000001';
const QUERY = { clientId: CLIENT, creditAccountId: ACCOUNT, actionType: 'debit' } as const;

/** A redemption of 7 from BATCH, every documented field filled in. */
const REDEMPTION = {
  id: 'd0000000-0000-4000-8000-000000000001',
  client: CLIENT,
  action: 'debit',
  amount: 7,
  target: 'e0000000-0000-4000-8000-000000000001',
  targetType: 'user',
  targetBalanceIn: 0,
  targetBalanceOut: 7,
  initiator: 'e0000000-0000-4000-8000-000000000001',
  initiatorType: 'user',
  creditAccountName: 'Main',
  source: BATCH,
  sourceType: 'creditBatch',
  sourceBalanceIn: 100,
  sourceBalanceOut: 93,
  timestamp: '2026-05-01T12:00:00.001Z',
  updatedAt: '2026-05-01T12:00:00.001Z',
};

const answer = (body: unknown, status = 200) => ({ status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) });
const page = (
  creditActions: unknown,
  paging: Record<string, unknown> = { pageInfo: { perPage: 100, cursor: '2', total: 150, hasMore: true } },
  top: Record<string, unknown> = {},
) =>
  answer({ data: { APICreditActionsByClientIdAndAccountIdAndActionType: { clientId: CLIENT, creditAccountId: ACCOUNT, creditActions, ...paging } }, ...top });

function refusal(response: ReturnType<typeof answer>): ApiError {
  try {
    readCreditActionPage(response, QUERY);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
  assert.fail('expected the page to be refused');
}

describe('reading a page of the credit ledger', () => {
  it('keeps the fields reconciliation reads, as the API gave them, and the documented pageInfo', () => {
    const read = readCreditActionPage(page([REDEMPTION]), QUERY);
    assert.deepEqual(read.creditActions, [
      {
        id: REDEMPTION.id,
        actionType: 'debit',
        action: 'debit',
        amount: 7,
        source: BATCH,
        sourceType: 'creditBatch',
        target: REDEMPTION.target,
        targetType: 'user',
        timestamp: '2026-05-01T12:00:00.001Z',
        sourceBalanceIn: 100,
        sourceBalanceOut: 93,
        targetBalanceIn: 0,
        targetBalanceOut: 7,
      },
    ]);
    assert.deepEqual([read.total, read.hasMore, read.perPage], [150, true, 100]);
  });

  it('reads the paging in the shapes the documentation gives: pageInfo whole, cursor-only, or the Pagination page meta', () => {
    const shapes: [Record<string, unknown>, Record<string, unknown>, [number | undefined, boolean | undefined, number | undefined]][] = [
      [{ pageInfo: { perPage: 2, cursor: null, total: 1, hasMore: false } }, {}, [1, false, 2]],
      [{ pageInfo: { cursor: 'MTUxODM2', hasMore: true } }, {}, [undefined, true, undefined]],
      [{}, { meta: { page: 1, perPage: 25, totalCount: 142, totalPages: 6, nextCursor: 'eyJpZCI6' } }, [142, true, 25]],
      [{}, { meta: { page: 6, perPage: 25, totalCount: 142, totalPages: 6, nextCursor: null } }, [142, false, 25]],
      [{}, {}, [undefined, undefined, undefined]],
      // The documentation's own example: perPage 0 is no page size, a total is a count.
      [{ pageInfo: { perPage: 0, cursor: 'string', total: -1, hasMore: 'yes' } }, {}, [undefined, undefined, undefined]],
    ];
    for (const [paging, top, expected] of shapes) {
      const read = readCreditActionPage(page([REDEMPTION], paging, top), QUERY);
      assert.deepEqual([read.total, read.hasMore, read.perPage], expected, JSON.stringify({ paging, top }));
      assert.equal(read.creditActions.length, 1);
    }
  });

  it('leaves a field the answer lacks, or gives as null, undefined: whether it was needed is for the caller to say', () => {
    const { timestamp: _timestamp, amount: _amount, ...rest } = REDEMPTION;
    const [read] = readCreditActionPage(page([{ ...rest, source: null, sourceBalanceIn: null }]), QUERY).creditActions;
    assert.deepEqual(
      [read?.timestamp, read?.amount, read?.source, read?.sourceBalanceIn, read?.sourceBalanceOut],
      [undefined, undefined, undefined, undefined, 93],
    );
  });

  it('keeps a timestamp of the right type but an unreadable form as given, for reconciliation to report', () => {
    const [read] = readCreditActionPage(page([{ ...REDEMPTION, timestamp: 'yesterday' }]), QUERY).creditActions;
    assert.equal(read?.timestamp, 'yesterday');
  });

  it('refuses a page it cannot read: no list, an action without an id, of another client, or a field of another type than documented', () => {
    const cases: [ReturnType<typeof answer>, RegExp][] = [
      [answer({ data: {} }), /answered 200 without the debit actions of credit account .* of client/],
      [page('none'), /answered 200 without the debit actions/],
      [
        answer({ data: { APICreditActionsByClientIdAndAccountIdAndActionType: { clientId: 'c0000000-0000-4000-8000-000000000009', creditActions: [] } } }),
        /credit actions of clientId c0000000-0000-4000-8000-000000000009 when asked/,
      ],
      [page([null]), /a debit action of .* that is not an object/],
      [page([{ ...REDEMPTION, id: undefined }]), /a debit action of .* without an id/],
      [page([{ ...REDEMPTION, id: 42 }]), /without an id/],
      [
        page([{ ...REDEMPTION, client: 'c0000000-0000-4000-8000-000000000009' }]),
        /listed debit action .* of client c0000000-0000-4000-8000-000000000009 among those of/,
      ],
      [page([{ ...REDEMPTION, amount: '7' }]), /with amount "7", not a number/],
      [page([{ ...REDEMPTION, source: { id: BATCH } }]), /with source \{"id":"b0000000-.*, not text/],
      [page([{ ...REDEMPTION, timestamp: 1714564800001 }]), /with timestamp 1714564800001, not text/],
      [page([{ ...REDEMPTION, sourceBalanceOut: '93' }]), /with sourceBalanceOut "93", not a number/],
    ];
    for (const [response, message] of cases) {
      const error = refusal(response);
      assert.equal(error.kind, 'rejected');
      assert.match(error.message, message);
    }
  });

  it('accepts the client and account in any letter case', () => {
    const response = answer({
      data: {
        APICreditActionsByClientIdAndAccountIdAndActionType: {
          clientId: CLIENT.toUpperCase(),
          creditAccountId: ACCOUNT.toUpperCase(),
          creditActions: [{ ...REDEMPTION, client: CLIENT.toUpperCase() }],
        },
      },
    });
    assert.equal(readCreditActionPage(response, QUERY).creditActions.length, 1);
  });

  it('classifies a failing answer as every endpoint does, a 403 naming the permission missing', () => {
    const forbidden = refusal(answer({ error: 'forbidden', message: 'This API key may not read credit actions' }, 403));
    assert.equal(forbidden.kind, 'auth');
    assert.match(forbidden.message, /not allowed to read the credit ledger \(credit actions\) \(403: This API key may not read credit actions\)/);
    assert.equal(refusal(answer({}, 503)).kind, 'transient');
  });
});

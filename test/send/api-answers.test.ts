import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestError } from 'got';
import { ApiError } from '../../src/core/errors.js';
import { readBatchPage, readUpdatedBatch as readAnswer } from '../../src/send/api-answers.js';
import { classifyNetworkError } from '../../src/send/network-errors.js';

const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

function failure(status: number, body: unknown, headers: Record<string, string> = {}): ApiError {
  try {
    readAnswer(answer(status, body, headers), ID);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
  assert.fail(`expected ${status} to fail the attempt`);
}

describe('reading an answer', () => {
  it('returns the credit batch of a 200 for the same id', () => {
    const batch = readAnswer(answer(200, { data: { UpdateCreditBatch: { id: ID.toUpperCase(), currentBalance: 5 } } }), ID);
    assert.equal(batch.currentBalance, 5);
  });
  it('fails a 200 without the credit batch, or for another id', () => {
    assert.equal(failure(200, { data: {} }).kind, 'rejected');
    assert.match(failure(200, { data: { UpdateCreditBatch: { id: 'other' } } }).message, /for credit batch other instead of/);
    assert.equal(failure(200, '<html>').kind, 'rejected');
  });
  for (const status of [400, 404, 409, 422, 405, 501]) {
    it(`fails the row at once on ${status}, with the API's message`, () => {
      const error = failure(status, { error: 'x', message: 'Credit batch not found' });
      assert.equal(error.kind, 'rejected');
      assert.equal(error.status, status);
      assert.equal(error.message, `${status}: Credit batch not found`);
    });
  }
  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`treats ${status} as transient`, () => assert.equal(failure(status, {}).kind, 'transient'));
  }
  it("cuts the API's words to 200 characters on one line, its control characters escaped, however long the answer", () => {
    const error = failure(422, { message: `\u001b[31m${'x'.repeat(800_000)}\r\nline\u0000two` });
    assert.ok(error.message.length < 240, `${error.message.length} characters`);
    assert.match(error.message, /^422: \\u001B\[31mxxx+…$/);
    assert.doesNotMatch(error.message, /[\u0000-\u001f]/);
    assert.equal(failure(409, { errors: [{ message: 'a\u0000b\nc' }] }).message, '409: a\\u0000b c');
  });
  it('keeps the Retry-After of a 429 or 503', () => {
    assert.equal(failure(429, { error: 'rate_limit_exceeded', message: 'slow down', retryAfter: 3 }).retryAfterMs, 3000);
    assert.equal(failure(503, {}, { 'retry-after': '2' }).retryAfterMs, 2000);
  });
  it('stops the run on 401 and 403', () => {
    assert.equal(failure(401, { message: 'Invalid key' }).kind, 'auth');
    assert.equal(failure(403, { message: 'No permission' }).kind, 'auth');
  });
  it('stops the run on a redirect instead of following it', () => {
    const error = failure(307, '', { location: 'https://elsewhere.example/' });
    assert.equal(error.kind, 'aborted');
    assert.match(error.message, /redirecting to https:\/\/elsewhere\.example\/; ti-credits does not follow redirects/);
  });
  it('uses the start of a non-JSON body, or the status text, as the message', () => {
    assert.equal(failure(502, '<html> Bad   gateway </html>').message, '502: <html> Bad gateway </html>');
    assert.equal(failure(500, '').message, '500: Internal Server Error');
  });
});

describe('classifying network errors', () => {
  const requestError = (code: string) => new RequestError('boom', Object.assign(new Error('boom'), { code }), undefined as never);
  it('retries resets and lookups that may pass', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'EAI_AGAIN']) assert.equal(classifyNetworkError(requestError(code)).kind, 'transient', code);
  });
  it('stops the run for an unknown host, nothing answering at the address, or an untrusted certificate', () => {
    for (const code of ['ENOTFOUND', 'ECONNREFUSED', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      assert.equal(classifyNetworkError(requestError(code)).kind, 'aborted', code);
    }
    const refused = classifyNetworkError(requestError('ECONNREFUSED'));
    assert.deepEqual([refused.message, refused.code], ['nothing answers at the address given — check --base-url', 'TIC-NOTHING-ANSWERS']);
  });
  it('rethrows what is not a request error: a bug must not pass for a network fault', () => {
    assert.throws(() => classifyNetworkError(new TypeError('bug')), TypeError);
  });
});

describe('reading a page of credit batches', () => {
  const page = (batch: Record<string, unknown>) =>
    answer(200, { data: { APICreditBatchesByClientAndCreditAccount: { creditBatches: [batch], pageInfo: { hasMore: false } } } });
  const refusal = (batch: Record<string, unknown>): string => {
    try {
      readBatchPage(page(batch), CLIENT);
    } catch (error) {
      return (error as Error).message;
    }
    return assert.fail(`expected ${JSON.stringify(batch)} to be refused`);
  };
  const CLIENT = '11111111-0000-4000-8000-000000000001';

  it('reads expiresOn only as a moment with its offset, status only as text, and a batch only with an id', () => {
    assert.equal(
      readBatchPage(page({ id: ID, expiresOn: '2027-12-31T23:59:59.000Z', status: 'active' }), CLIENT).creditBatches[0]?.expiresOn,
      '2027-12-31T23:59:59.000Z',
    );
    // "12" is 2001 to Date.parse; a time without its offset would be this machine's.
    for (const expiresOn of ['12', '2027-12-31T23:59:59', 'soon']) assert.match(refusal({ id: ID, expiresOn }), /expiresOn/, expiresOn);
    assert.match(refusal({ id: ID, status: { active: true } }), /status/);
    assert.match(refusal({ id: '  ' }), /credit batch of client/);
  });
});

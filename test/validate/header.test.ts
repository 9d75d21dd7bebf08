import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TiError } from '../../src/core/errors.js';
import { readHeader } from '../../src/validate/header.js';

const header = (...cells: string[]) => ({ line: 1, cells });

function refusal(cells: string[]): TiError {
  try {
    readHeader('in.csv', header(...cells));
  } catch (error) {
    assert.ok(error instanceof TiError);
    assert.equal(error.kind, 'invalid');
    return error;
  }
  assert.fail('expected the header to be refused');
}

describe('header', () => {
  it('finds the columns after trimming, carrying every column to the report', () => {
    const columns = readHeader('in.csv', header(' id', 'currentBalance ', 'notes'));
    assert.deepEqual(columns.names, ['id', 'currentBalance', 'notes']);
    assert.equal(columns.id, 0);
    assert.deepEqual(columns.fields, { currentBalance: 1 });
    assert.deepEqual(columns.carried, [0, 1, 2]);
  });
  it('ignores the error column of a failed.csv', () => {
    const columns = readHeader('in.csv', header('id', 'name', 'error'));
    assert.deepEqual(columns.carried, [0, 1]);
  });
  it('matches names in any case, keeping them as written for the report', () => {
    const columns = readHeader('in.csv', header('ID', ' ExpiresOn ', 'CURRENTBALANCE', 'Notes'));
    assert.deepEqual(columns.names, ['ID', 'ExpiresOn', 'CURRENTBALANCE', 'Notes']);
    assert.equal(columns.id, 0);
    assert.deepEqual(columns.fields, { expiresOn: 1, currentBalance: 2 });
  });
  it('leaves out the empty names a spreadsheet appends', () => {
    const columns = readHeader('in.csv', header('id', 'name', '', ''));
    assert.deepEqual(columns.names, ['id', 'name']);
    assert.deepEqual(columns.carried, [0, 1]);
  });
  it('requires an id column', () => {
    assert.match(refusal(['identifier', 'name']).message, /no "id" column/);
  });
  it('refuses the same name twice in different case', () => {
    assert.match(refusal(['id', 'Name', 'name']).message, /column "name" appears twice \(columns 2 and 3\)/);
  });
  it('requires at least one column to change', () => {
    assert.match(refusal(['id', 'notes']).message, /no column to change: name at least one of name, expiresOn, currentBalance/);
  });
  it('reports every problem at once', () => {
    const message = refusal(['notes', '', 'notes', '']).message;
    assert.match(message, /column 2 has no name/);
    assert.match(message, /column "notes" appears twice \(columns 1 and 3\)/);
    assert.match(message, /no "id" column/);
    assert.match(message, /no column to change/);
  });
  it('recognises a report fed back as input and points to failed.csv', () => {
    const error = refusal(['line', 'outcome', 'httpStatus', 'attempts', 'error', 'id', 'currentBalance', 'sent', 'api.currentBalance']);
    assert.match(error.message, /looks like a ti-credits report/);
    assert.match(error.hint ?? '', /failed\.csv/);
  });
});

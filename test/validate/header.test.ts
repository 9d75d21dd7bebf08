import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TiError } from '../../src/core/errors.js';
import { readHeader } from '../../src/validate/header.js';

const header = (...cells: string[]) => ({ line: 1, cells });

function refusal(cells: string[], extraColumns: string[] = []): TiError {
  try {
    readHeader('in.csv', header(...cells), extraColumns);
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

describe('a column named like one ti-credits sends', () => {
  it('is refused, naming the field it resembles; misspelt, the rename alone is suggested', () => {
    const misspelt = refusal(['id', 'name', 'expiresOn', 'currentBalence']);
    assert.match(misspelt.message, /column 4 "currentBalence" looks like currentBalance misspelt: rename it currentBalance\.$/);
    assert.doesNotMatch(misspelt.message, /--extra-column/);
    assert.match(misspelt.hint ?? '', /read only under its exact name/);
    const reformatted = refusal(['ID', 'Name', 'Expires On', 'Current Balance']).message;
    assert.match(reformatted, /column 3 "Expires On" looks like expiresOn/);
    assert.match(reformatted, /column 4 "Current Balance" looks like currentBalance/);
    assert.match(refusal(['id', 'current_balance']).message, /"current_balance" looks like currentBalance/);
    assert.match(refusal(['id', 'name', 'expires-at']).message, /"expires-at" looks like expiresOn/);
    assert.match(refusal(['id', 'names', 'currentBalance']).message, /"names" looks like name/);
    assert.match(refusal(['id', 'Client ID', 'name']).message, /"Client ID" looks like clientId/);
    assert.match(refusal(['id', 'name', 'before.nmae']).message, /"before.nmae" looks like before.name/);
  });
  it('takes what finance sheets call a column for it: rename it, or carry it as a note', () => {
    const finance = refusal(['ID', 'Batch Name', 'Expiry Date', 'Balance']).message;
    assert.match(
      finance,
      /column 2 "Batch Name" looks like name: rename it name if it holds the values to send, or pass --extra-column "Batch Name" to carry it as a note/,
    );
    assert.match(finance, /column 3 "Expiry Date" looks like expiresOn: rename it expiresOn if it holds the values to send/);
    assert.match(finance, /column 4 "Balance" looks like currentBalance: rename it currentBalance if it holds the values to send/);
    assert.match(refusal(['id', 'name', 'Expires']).message, /"Expires" looks like expiresOn\b.*: rename it expiresOn/);
    assert.match(refusal(['Batch ID', 'name']).message, /there is no "id" column; column 1 "Batch ID" looks like id:/);
    assert.deepEqual(readHeader('in.csv', header('id', 'name', 'Balance'), ['Balance']).carried, [0, 1, 2]);
  });
  it('is carried as a note once named with --extra-column, in any case', () => {
    const columns = readHeader('in.csv', header('id', 'name', 'Current Balance'), ['current balance']);
    assert.deepEqual(columns.fields, { name: 1 });
    assert.deepEqual(columns.carried, [0, 1, 2]);
  });
  it('leaves columns that resemble nothing alone', () => {
    assert.deepEqual(readHeader('in.csv', header('id', 'name', 'notes', 'uid', 'Balance owner', 'Client')).carried, [0, 1, 2, 3, 4, 5]);
  });
  it('refuses an --extra-column that names no column, or one ti-credits reads', () => {
    assert.match(refusal(['id', 'name'], ['Notes']).message, /--extra-column "Notes" names no column of the header/);
    assert.match(refusal(['id', 'name'], ['Name']).message, /--extra-column "Name" names a column ti-credits reads/);
  });
});

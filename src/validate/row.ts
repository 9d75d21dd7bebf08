import { fitsHeader, type Columns } from '../core/columns.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import type { CsvRecord } from '../read/csv-records.js';
import type { DuplicateIds } from './duplicate-ids.js';
import { parseExpiresOn, readMoment } from './expires-on.js';
import { parseBalanceDelta, parseClientId, parseCurrentBalance, parseId, parseName, showCell, type Parsed } from './fields.js';
import type { FieldRules } from './rules.js';

/** A row that can be sent: the credit batch it targets and exactly the fields it sets. */
export interface ValidRow {
  readonly line: number;
  readonly id: string;
  readonly body: CreditBatchUpdate;
  readonly cells: readonly string[];
  /** The client whose batches the id is among, when the row says (a `clientId` column). */
  readonly clientId?: string | undefined;
  /** What each field held when the file was prepared, where the row says (`before.*` columns): the baseline of a change. */
  readonly before: CreditBatchUpdate;
  /** Credits to add to the live balance (`currentBalanceDelta`), instead of a balance in `body`. */
  readonly delta?: number | undefined;
}

export interface InvalidRow {
  readonly line: number;
  readonly cells: readonly string[];
  /** Every problem the row has, each a sentence saying what to write instead. */
  readonly problems: readonly string[];
}

export type RowVerdict = { readonly valid: true; readonly row: ValidRow } | { readonly valid: false; readonly row: InvalidRow };

/**
 * Decides whether one record can be sent, and what exactly would be sent.
 * Pure: the same record, header, rules and duplicate list always give the
 * same verdict, which is what lets the validating pass and the sending pass agree.
 */
export function validateRow(columns: Columns, record: CsvRecord, rules: FieldRules, duplicates?: DuplicateIds): RowVerdict {
  const { line, cells } = record;
  const invalid = (problems: string[]): RowVerdict => ({ valid: false, row: { line, cells, problems } });

  if (!fitsHeader(columns, cells)) return invalid([describeCellCount(cells, columns.names.length)]);

  const problems: string[] = [];
  const idCell = cells[columns.id] ?? '';
  const id = idCell === '' ? undefined : parseId(idCell);
  if (id === undefined) problems.push('id is empty; every row needs the id of the credit batch to change');
  else if (!id.ok) problems.push(id.problem);

  const before = readBefore(columns, cells, rules, problems);
  const body: CreditBatchUpdate = {};
  const { name, expiresOn, currentBalance } = columns.fields;
  const nameCell = name === undefined ? '' : (cells[name] ?? '');
  if (nameCell !== '') {
    // A name kept as it was is no change: it is compared exactly, spaces and all, and the rules for a new name do not apply.
    const parsed = nameCell === before.name ? { ok: true as const, value: nameCell } : (blank('name', nameCell) ?? parseName(nameCell));
    if (parsed.ok) body.name = parsed.value;
    else problems.push(parsed.problem);
  }
  const expiresCell = expiresOn === undefined ? '' : (cells[expiresOn] ?? '');
  if (expiresCell !== '') {
    const parsed = blank('expiresOn', expiresCell) ?? parseExpiresOn(expiresCell, rules, before.expiresOn);
    if (parsed.ok) body.expiresOn = parsed.value;
    else problems.push(parsed.problem);
  }
  const balanceCell = currentBalance === undefined ? '' : (cells[currentBalance] ?? '');
  if (balanceCell !== '') {
    const parsed = blank('currentBalance', balanceCell) ?? parseCurrentBalance(balanceCell, rules.thousandsSeparator);
    if (parsed.ok) body.currentBalance = parsed.value;
    else problems.push(parsed.problem);
  }
  let delta: number | undefined;
  const deltaCell = columns.delta === undefined ? '' : (cells[columns.delta] ?? '');
  if (deltaCell !== '') {
    const parsed = blank('currentBalanceDelta', deltaCell) ?? parseBalanceDelta(deltaCell, rules.thousandsSeparator);
    if (!parsed.ok) problems.push(parsed.problem);
    else if (balanceCell !== '') problems.push('currentBalance and currentBalanceDelta are both filled in; a row sets the balance or adds to it, not both: empty one of them');
    else delta = parsed.value;
  }
  let clientId: string | undefined;
  const clientCell = columns.clientId === undefined ? '' : (cells[columns.clientId] ?? '');
  if (clientCell !== '') {
    const parsed = parseClientId(clientCell);
    if (parsed.ok) clientId = parsed.value;
    else problems.push(parsed.problem);
  }
  if (nameCell === '' && expiresCell === '' && balanceCell === '' && deltaCell === '') {
    const named = [...Object.keys(columns.fields), ...(columns.delta === undefined ? [] : ['currentBalanceDelta'])];
    problems.push(`nothing to change: ${named.join(', ')} ${named.length > 1 ? 'are all' : 'is'} empty`);
  }

  if (id?.ok === true && duplicates !== undefined) {
    const others = duplicates.otherLines(id.value, line);
    if (others !== undefined && others.length > 0) problems.push(describeDuplicate(id.value, others));
  }

  if (problems.length > 0 || id?.ok !== true) return invalid(problems);
  return { valid: true, row: { line, id: id.value, body, cells, ...(clientId === undefined ? {} : { clientId }), before, ...(delta === undefined ? {} : { delta }) } };
}

/** The `before.*` cells: a name exactly as written, a moment, a balance; an empty cell says nothing. */
function readBefore(columns: Columns, cells: readonly string[], rules: FieldRules, problems: string[]): CreditBatchUpdate {
  const before: CreditBatchUpdate = {};
  const cellOf = (index: number | undefined): string => (index === undefined ? '' : (cells[index] ?? ''));
  const read = <T>(label: string, cell: string, parse: (cell: string) => Parsed<T>, set: (value: T) => void): void => {
    if (cell === '') return;
    const parsed = parse(cell);
    if (parsed.ok) set(parsed.value);
    else problems.push(`before.${label}: ${parsed.problem}`);
  };
  const nameCell = cellOf(columns.before.name);
  if (nameCell !== '') before.name = nameCell;
  read('expiresOn', cellOf(columns.before.expiresOn), (cell) => readMoment(cell, rules), (value) => (before.expiresOn = value));
  read('currentBalance', cellOf(columns.before.currentBalance), (cell) => parseCurrentBalance(cell, rules.thousandsSeparator), (value) => (before.currentBalance = value));
  return before;
}

/** A cell of spaces is neither a value nor clearly "leave alone"; the user must say which. */
function blank(column: string, cell: string): { ok: false; problem: string } | undefined {
  return cell.trim() === '' ? { ok: false, problem: `${column} contains only spaces; leave the cell empty to keep the current value` } : undefined;
}

function describeCellCount(cells: readonly string[], expected: number): string {
  const counted = `the row has ${cells.length} cell${cells.length === 1 ? '' : 's'} but the header has ${expected}`;
  if (cells.length < expected) return `${counted}; add the missing cells (an empty cell keeps the current value)`;
  const extra = cells.slice(expected).filter((cell) => cell !== '').map(showCell).join(', ');
  return `${counted} (extra: ${extra}); a value containing the delimiter must be enclosed in double quotes`;
}

function describeDuplicate(id: string, others: readonly number[]): string {
  const shown = others.slice(0, 5).join(', ');
  const more = others.length > 5 ? ` and ${others.length - 5} more` : '';
  return `id ${id} also appears on line${others.length > 1 ? 's' : ''} ${shown}${more}; a credit batch may appear only once in a file, so merge those rows`;
}

import { fitsHeader, type Columns } from '../core/columns.js';
import type { CreditBatchUpdate } from '../core/credit-batch.js';
import type { Said } from '../core/words.js';
import type { InputRecord } from '../read/data-rows.js';
import type { DuplicateIds } from './duplicate-ids.js';
import { rowProblem, within } from './fields.js';
import { TextCells, type RowCells } from './row-cells.js';
import type { FieldRules } from './rules.js';
import { WorkbookCells } from './workbook-cells.js';

/** A row that can be sent: the credit batch it targets and exactly the fields it sets. */
export interface ValidRow {
  readonly line: number;
  readonly id: string;
  readonly body: CreditBatchUpdate;
  readonly cells: readonly string[];
  /** The client whose batches the id is among, when the row says (a `clientId` column). */
  readonly clientId?: string | undefined;
  /** The credit account the batch is in, when the row says (a `creditAccountId` column). */
  readonly creditAccountId?: string | undefined;
  /** What each field held when the file was prepared, where the row says (`before.*` columns): the baseline of a change. */
  readonly before: CreditBatchUpdate;
  /** Credits to add to the live balance (`currentBalanceDelta`), instead of a balance in `body`. */
  readonly delta?: number | undefined;
  /** A sheet row's cells whose value is a formula's cached result, by address; absent when there are none. */
  readonly formulas?: readonly string[];
}

export interface InvalidRow {
  readonly line: number;
  readonly cells: readonly string[];
  /** Every problem the row has, each under its code and in a sentence saying what to write instead. */
  readonly problems: readonly Said[];
  readonly formulas?: readonly string[];
}

export type RowVerdict = { readonly valid: true; readonly row: ValidRow } | { readonly valid: false; readonly row: InvalidRow };

/** What a row without formula cells adds to its verdict: nothing, allocated once. */
const NO_FORMULAS = {};

/**
 * Decides whether one record can be sent, and what exactly would be sent.
 * Pure: the same record, header, rules and duplicate list always give the
 * same verdict, which is what lets the validating pass and the sending pass agree.
 */
export function validateRow(columns: Columns, record: InputRecord, rules: FieldRules, duplicates?: DuplicateIds): RowVerdict {
  const { line } = record;
  // A sheet row's cells are read by what they hold; a CSV line's by the text rules.
  const read: RowCells = 'typed' in record ? new WorkbookCells(columns, record, rules) : new TextCells(record.cells, rules);
  const cells = read.texts;
  const formulas = read.formulas.length > 0 ? { formulas: read.formulas } : NO_FORMULAS;
  const invalid = (problems: Said[]): RowVerdict => ({ valid: false, row: { line, cells, problems, ...formulas } });

  if (!fitsHeader(columns, record.cells)) return invalid([read.describeWidth(columns.names.length)]);

  const problems: Said[] = [];
  const id = read.isEmpty(columns.id) ? undefined : read.id(columns.id);
  if (id === undefined) problems.push(rowProblem('TIC-ID-EMPTY', {}));
  else if (!id.ok) problems.push(id.problem);

  const before = readBefore(columns, read, problems);
  const body: CreditBatchUpdate = {};
  const { name, expiresOn, currentBalance } = columns.fields;
  const hasName = name !== undefined && !read.isEmpty(name);
  if (hasName) {
    const parsed = read.name(name, before.name);
    if (parsed.ok) body.name = parsed.value;
    else problems.push(parsed.problem);
  }
  const hasExpiry = expiresOn !== undefined && !read.isEmpty(expiresOn);
  if (hasExpiry) {
    const parsed = read.expiresOn(expiresOn, before.expiresOn);
    if (parsed.ok) body.expiresOn = parsed.value;
    else problems.push(parsed.problem);
  }
  const hasBalance = currentBalance !== undefined && !read.isEmpty(currentBalance);
  if (hasBalance) {
    const parsed = read.currentBalance(currentBalance);
    if (parsed.ok) body.currentBalance = parsed.value;
    else problems.push(parsed.problem);
  }
  let delta: number | undefined;
  const hasDelta = columns.delta !== undefined && !read.isEmpty(columns.delta);
  if (columns.delta !== undefined && hasDelta) {
    const parsed = read.currentBalanceDelta(columns.delta);
    if (!parsed.ok) problems.push(parsed.problem);
    else if (hasBalance) problems.push(rowProblem('TIC-BALANCE-AND-DELTA', {}));
    else delta = parsed.value;
  }
  let clientId: string | undefined;
  if (columns.clientId !== undefined && !read.isEmpty(columns.clientId)) {
    const parsed = read.clientId(columns.clientId);
    if (parsed.ok) clientId = parsed.value;
    else problems.push(parsed.problem);
  }
  let creditAccountId: string | undefined;
  if (columns.creditAccountId !== undefined && !read.isEmpty(columns.creditAccountId)) {
    const parsed = read.creditAccountId(columns.creditAccountId);
    if (parsed.ok) creditAccountId = parsed.value;
    else problems.push(parsed.problem);
  }
  if (!hasName && !hasExpiry && !hasBalance && !hasDelta) {
    problems.push(
      rowProblem('TIC-NOTHING-TO-CHANGE', { columns: [...Object.keys(columns.fields), ...(columns.delta === undefined ? [] : ['currentBalanceDelta'])] }),
    );
  }

  if (id?.ok === true && duplicates !== undefined) {
    const others = duplicates.otherLines(id.value, line);
    if (others !== undefined && others.length > 0) problems.push(rowProblem('TIC-ID-DUPLICATE', { id: id.value, others, unit: read.unit }));
  }

  if (problems.length > 0 || id?.ok !== true) return invalid(problems);
  return {
    valid: true,
    row: {
      line,
      id: id.value,
      body,
      cells,
      ...(clientId === undefined ? {} : { clientId }),
      ...(creditAccountId === undefined ? {} : { creditAccountId }),
      before,
      ...(delta === undefined ? {} : { delta }),
      ...formulas,
    },
  };
}

/** A record's cells as the report and failed.csv write them: a sheet row's as text that reads back to the same values. */
export function rowTexts(columns: Columns, record: InputRecord, rules: FieldRules): readonly string[] {
  return 'typed' in record ? new WorkbookCells(columns, record, rules).texts : record.cells;
}

/** The `before.*` cells: a name exactly as written, a moment, a balance; an empty cell says nothing. */
function readBefore(columns: Columns, read: RowCells, problems: Said[]): CreditBatchUpdate {
  const before: CreditBatchUpdate = {};
  const { name, expiresOn, currentBalance } = columns.before;
  if (name !== undefined && !read.isEmpty(name)) {
    const parsed = read.beforeName(name);
    if (parsed.ok) before.name = parsed.value;
    else problems.push(within('before.name: ', parsed.problem));
  }
  if (expiresOn !== undefined && !read.isEmpty(expiresOn)) {
    const parsed = read.beforeExpiresOn(expiresOn);
    if (parsed.ok) before.expiresOn = parsed.value;
    else problems.push(within('before.expiresOn: ', parsed.problem));
  }
  if (currentBalance !== undefined && !read.isEmpty(currentBalance)) {
    const parsed = read.beforeCurrentBalance(currentBalance);
    if (parsed.ok) before.currentBalance = parsed.value;
    else problems.push(within('before.currentBalance: ', parsed.problem));
  }
  return before;
}

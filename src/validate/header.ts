import {
  BEFORE_PREFIX,
  CLIENT_COLUMN,
  CODE_COLUMN,
  CREDIT_ACCOUNT_COLUMN,
  DELTA_COLUMN,
  ERROR_COLUMN,
  isReportOnlyColumn,
  type Columns,
} from '../core/columns.js';
import { UPDATABLE_FIELDS, type UpdatableField } from '../core/credit-batch.js';
import { editDistance } from '../core/edit-distance.js';
import { failure } from '../core/words.js';
import { FILE_WORDS } from '../core/words/files.js';
import type { InputRecord } from '../read/data-rows.js';

export const EXPECTED_HEADER = 'id,name,expiresOn,currentBalance';

/**
 * The names ti-credits reads a column by, each with the typos it takes for
 * it: a column named almost like one of them is a mistake until the user
 * says otherwise. Short names, and `clientId` (a "Client" column of names is
 * common), are too easily an edit or two from an ordinary word ("uid",
 * "note"): only their own letters count.
 */
const READ_NAMES: readonly { readonly name: string; readonly typos: number }[] = [
  { name: 'id', typos: 0 },
  { name: CLIENT_COLUMN, typos: 0 },
  { name: CREDIT_ACCOUNT_COLUMN, typos: 0 },
  { name: DELTA_COLUMN, typos: 2 },
  ...UPDATABLE_FIELDS.flatMap((field) => [
    { name: field, typos: field.length >= 6 ? 2 : 1 },
    { name: `${BEFORE_PREFIX}${field}`, typos: 2 },
  ]),
];

/**
 * What finance sheets call the columns ti-credits reads, by their letters
 * (case, spaces, `_` and `-` set aside): a sheet exported from a finance
 * system says `Balance` or `Expiry Date`, and a column left unsent for its
 * name would let a run succeed while changing nothing.
 */
const FINANCE_NAMES: Readonly<Record<string, string>> = {
  balance: 'currentBalance',
  credits: 'currentBalance',
  creditbalance: 'currentBalance',
  newbalance: 'currentBalance',
  remainingcredits: 'currentBalance',
  availablecredits: 'currentBalance',
  expiry: 'expiresOn',
  expirydate: 'expiresOn',
  expires: 'expiresOn',
  expiration: 'expiresOn',
  expirationdate: 'expiresOn',
  expiredate: 'expiresOn',
  validuntil: 'expiresOn',
  batchname: 'name',
  batchid: 'id',
  creditbatchid: 'id',
};

/**
 * The name a column resembles: `misspelt` when its letters are alike once
 * case, spaces, `_` and `-` are set aside, or within its typos; `synonym`
 * when it is what finance sheets call that column.
 */
function resembledName(name: string): { readonly name: string; readonly as: 'misspelt' | 'synonym' } | undefined {
  const letters = name.toLowerCase().replace(/[\s_-]+/g, '');
  for (const { name: known, typos } of READ_NAMES) {
    const target = known.toLowerCase();
    if (letters === target || (typos > 0 && editDistance(letters, target) <= typos)) return { name: known, as: 'misspelt' };
  }
  const synonym = FINANCE_NAMES[letters];
  return synonym === undefined ? undefined : { name: synonym, as: 'synonym' };
}

/**
 * Reads the header record; a header that cannot be trusted stops the run with
 * every problem it has. Names are matched trimmed and in any case
 * (`ExpiresOn`, ` currentBalance `); columns it does not know are carried
 * to the report as they are, unless their name resembles one it reads
 * (`currentBalence`, `Current Balance`): a column silently left unsent would
 * let a run succeed while changing nothing. `extraColumns` (--extra-column)
 * names the columns the user means to carry as notes all the same.
 */
export function readHeader(path: string, header: InputRecord, extraColumns: readonly string[] = []): Columns {
  const all = header.cells.map((cell) => cell.trim());
  let width = all.length;
  while (width > 0 && all[width - 1] === '') width--;
  const names = all.slice(0, width);
  const keys = names.map((name) => name.toLowerCase());
  const code = earlierCode(names);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === '') problems.push(`column ${index + 1} has no name`);
    if (index === code) return;
    const earlier = seen.get(key);
    if (earlier !== undefined && key !== '') problems.push(`column "${names[index] ?? ''}" appears twice (columns ${earlier + 1} and ${index + 1})`);
    seen.set(key, index);
  });
  const reportColumns = names.filter(isReportOnlyColumn);
  if (reportColumns.length > 0) {
    throw failure(FILE_WORDS, 'TIC-INPUT-IS-REPORT', { path, columns: reportColumns });
  }
  const id = keys.indexOf('id');
  if (id < 0) problems.push('there is no "id" column');
  const fields: { [F in UpdatableField]?: number } = {};
  const before: { [F in UpdatableField]?: number } = {};
  for (const field of UPDATABLE_FIELDS) {
    const index = keys.indexOf(field.toLowerCase());
    if (index >= 0) fields[field] = index;
    const beforeIndex = keys.indexOf(`${BEFORE_PREFIX}${field}`.toLowerCase());
    if (beforeIndex >= 0) before[field] = beforeIndex;
  }
  const clientId = keys.indexOf(CLIENT_COLUMN.toLowerCase());
  const creditAccountId = keys.indexOf(CREDIT_ACCOUNT_COLUMN.toLowerCase());
  const delta = keys.indexOf(DELTA_COLUMN.toLowerCase());
  if (Object.keys(fields).length === 0 && delta < 0)
    problems.push(`there is no column to change: name at least one of ${[...UPDATABLE_FIELDS, DELTA_COLUMN].join(', ')}`);
  const read = new Set<string>([...READ_NAMES.map(({ name }) => name.toLowerCase()), ERROR_COLUMN]);
  const extras = new Set(extraColumns.map((name) => name.trim().toLowerCase()));
  for (const extra of extraColumns) {
    const key = extra.trim().toLowerCase();
    if (read.has(key)) problems.push(`--extra-column "${extra}" names a column ti-credits reads, not a note`);
    else if (!keys.includes(key)) problems.push(`--extra-column "${extra}" names no column of the header`);
  }
  let resemblances = 0;
  names.forEach((name, index) => {
    const key = keys[index] ?? '';
    if (key === '' || read.has(key) || extras.has(key)) return;
    const like = resembledName(name);
    if (like === undefined) return;
    resemblances++;
    // A field's name misspelt is the field, meant to be sent: carrying it as a note would send nothing. A finance name may be either.
    problems.push(
      like.as === 'misspelt'
        ? `column ${index + 1} "${name}" looks like ${like.name} misspelt: rename it ${like.name}`
        : `column ${index + 1} "${name}" looks like ${like.name}: rename it ${like.name} if it holds the values to send, or pass --extra-column "${name}" to carry it as a note`,
    );
  });
  if (problems.length > 0) {
    const facts = { path, unit: 'typed' in header ? ('row' as const) : ('line' as const), line: header.line, problems, example: EXPECTED_HEADER };
    if (resemblances === problems.length) throw failure(FILE_WORDS, 'TIC-HEADER-LOOKALIKE', { ...facts, names: READ_NAMES.map(({ name }) => name) });
    throw failure(FILE_WORDS, 'TIC-HEADER-UNUSABLE', facts);
  }
  return {
    names,
    id,
    fields,
    ...(clientId < 0 ? {} : { clientId }),
    ...(creditAccountId < 0 ? {} : { creditAccountId }),
    ...(delta < 0 ? {} : { delta }),
    before,
    carried: names.flatMap((name, index) => (name === ERROR_COLUMN || index === code ? [] : [index])),
  };
}

/**
 * Where a failed.csv given again has the `code` column it writes right
 * after `error`: what an earlier run said of each row, like `error` never
 * carried (the report says it anew); -1 when there is none. A `code`
 * column anywhere else is the user's own, carried as any other.
 */
function earlierCode(names: readonly string[]): number {
  const error = names.indexOf(ERROR_COLUMN);
  return error >= 0 && names[error + 1] === CODE_COLUMN ? error + 1 : -1;
}

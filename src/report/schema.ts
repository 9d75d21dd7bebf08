import {
  API_COLUMN_PREFIX,
  API_FIELDS,
  BASELINE_COLUMN_PREFIX,
  CODE_COLUMN,
  CORRECTION_COLUMN,
  ERROR_COLUMN,
  FORMULA_COLUMN,
  LIVE_COLUMN_PREFIX,
  READ_AGE_COLUMN,
  READ_UPDATED_AT_COLUMN,
  SENT_COLUMN,
  type Columns,
} from '../core/columns.js';
import { UPDATABLE_FIELDS, type CreditBatch, type CreditBatchUpdate } from '../core/credit-batch.js';
import { neutraliseFormula, restoreFormula } from '../core/formula-guard.js';
import type { Outcome, RowOutcome } from './outcome.js';

/**
 * A report's columns in one table: each column ti-credits writes itself, with
 * how its cell is written from a row's outcome and read back into one (a
 * resumed run reads its report back), and where the input's own columns go.
 * A command chooses its schema, and with it the outcomes its rows can have.
 */

/** A row being read back from a report, one cell at a time. */
export type RecordedOutcome = { -readonly [K in keyof RowOutcome]?: RowOutcome[K] };

export interface OwnColumn {
  readonly name: string;
  write(row: RowOutcome): string;
  /**
   * The cell as a CSV line holds it, quoted where csvText would quote it,
   * when the column can write that directly (its cells never need quoting,
   * or always do, in a way known in advance); otherwise csvText looks at what
   * `write` returns. A million rows validated write a million of each.
   */
  readonly csv?: (row: RowOutcome) => string;
  /** Puts the cell back; false when it cannot be a cell ti-credits wrote, so the report cannot be trusted. */
  read(cell: string, into: RecordedOutcome): boolean;
  /**
   * How report.xlsx (--excel) types the cell written: a whole number, a
   * moment in UTC, or text of ti-credits' own, whose formula guard (see
   * neutraliseFormula) a spreadsheet's text cell does not need. Absent:
   * the text as written.
   */
  readonly sheet?: 'number' | 'moment' | 'message';
}

/** Where the input's columns (those carried: all but an old `error`) stand among the report's own. */
export const INPUT_COLUMNS = 'input columns';

export interface ReportSchema {
  readonly columns: readonly (OwnColumn | typeof INPUT_COLUMNS)[];
  /** The outcomes this report's rows can have, in the order summary.json lists them. */
  readonly outcomes: readonly Outcome[];
  /** Outcomes that leave nothing more to do: every other row goes to failed.csv, to be sent again. */
  readonly done: readonly Outcome[];
}

// Text ti-credits writes itself (messages, the API's values) is guarded against spreadsheets' formulas; so are the user's cells, read back exactly.
export { neutraliseFormula, restoreFormula } from '../core/formula-guard.js';

/** Reads a cell that holds a whole number into `set`; false when it holds anything else. */
function readWhole(cell: string, set: (value: number) => void): boolean {
  if (!/^\d{1,15}$/.test(cell)) return false;
  set(Number(cell));
  return true;
}

/** A column whose cells never hold a comma, a double quote or a line break: written as they are. */
function plain(column: Omit<OwnColumn, 'csv'>): OwnColumn {
  return { ...column, csv: column.write };
}

function statusColumns(outcomes: readonly Outcome[]): OwnColumn[] {
  return [
    plain({
      name: 'line',
      sheet: 'number',
      write: (row) => String(row.line),
      read: (cell, into) => readWhole(cell, (line) => (into.line = line)),
    }),
    plain({
      name: 'outcome',
      write: (row) => row.outcome,
      read: (cell, into) => {
        if (!(outcomes as readonly string[]).includes(cell)) return false;
        into.outcome = cell as Outcome;
        return true;
      },
    }),
    plain({
      name: 'httpStatus',
      sheet: 'number',
      write: (row) => (row.httpStatus === undefined ? '' : String(row.httpStatus)),
      read: (cell, into) => cell === '' || readWhole(cell, (status) => (into.httpStatus = status)),
    }),
    plain({
      name: 'attempts',
      sheet: 'number',
      write: (row) => String(row.attempts),
      read: (cell, into) => readWhole(cell, (attempts) => (into.attempts = attempts)),
    }),
    {
      name: ERROR_COLUMN,
      sheet: 'message',
      write: (row) => (row.error === undefined ? '' : neutraliseFormula(row.error)),
      read: (cell, into) => {
        if (cell !== '') into.error = restoreFormula(cell);
        return true;
      },
    },
    codeColumn,
  ];
}

/** Codes as the catalogue of words spells them, one or more separated by a space: never quoted, never taken for a formula. */
const CODES = /^TIC-[A-Z0-9]+(-[A-Z0-9]+)*( TIC-[A-Z0-9]+(-[A-Z0-9]+)*)*$/;

/** The codes of what `error` says; a report written before this column existed has none (see readRecordedLines). */
const codeColumn: OwnColumn = plain({
  name: CODE_COLUMN,
  write: (row) => row.code ?? '',
  read: (cell, into) => {
    if (cell === '') return true;
    if (!CODES.test(cell)) return false;
    into.code = cell;
    return true;
  },
});

/** The body's keys, which JSON.stringify writes as they are. */
const PLAIN_KEYS: ReadonlySet<string> = new Set(UPDATABLE_FIELDS);

/** Characters JSON.stringify writes as something else than themselves. */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The body as JSON, as JSON.stringify writes it, and already quoted for a
 * CSV cell as csvText would (`"` around it, its quotes doubled), byte for
 * byte (a test compares them), without JSON.stringify's generic walk nor a
 * pass to double the quotes: the keys are plain names and the values
 * strings and whole numbers, each written as it is unless JSON would escape
 * it. Every row validated or sent has one; the two passes were a fifth of
 * the report's cost.
 */
function bodyCsv(body: CreditBatchUpdate): string {
  let text = '';
  // for...in visits a plain object's keys in the order JSON.stringify does.
  for (const key in body) {
    const value: unknown = body[key as keyof CreditBatchUpdate];
    if (value === undefined) continue;
    const json =
      typeof value === 'string' && !JSON_ESCAPED.test(value)
        ? `""${value}""`
        : typeof value === 'number' && Number.isFinite(value)
          ? String(value)
          : JSON.stringify(value).replaceAll('"', '""');
    text += `${text === '' ? '' : ','}${PLAIN_KEYS.has(key) ? `""${key}""` : JSON.stringify(key).replaceAll('"', '""')}:${json}`;
  }
  // An empty body has no quote to make csvText quote it.
  return text === '' ? '{}' : `"{${text}}"`;
}

const sentColumn: OwnColumn = {
  name: SENT_COLUMN,
  write: (row) => (row.sent === undefined ? '' : JSON.stringify(row.sent)),
  csv: (row) => (row.sent === undefined ? '' : bodyCsv(row.sent)),
  read: (cell, into) => {
    if (cell === '') return true;
    try {
      into.sent = JSON.parse(cell) as CreditBatchUpdate;
      return true;
    } catch {
      return false;
    }
  },
};

/** The credit batch as the API returned it; read back as the text it was written as. */
const API_NUMBERS: readonly string[] = ['startingBalance', 'currentBalance', 'allocatedCredits'] satisfies readonly (keyof CreditBatch)[];
const API_MOMENTS: readonly string[] = ['expiresOn', 'createdAt', 'updatedAt'] satisfies readonly (keyof CreditBatch)[];

const apiColumns: OwnColumn[] = API_FIELDS.map((field) => ({
  name: `${API_COLUMN_PREFIX}${field}`,
  sheet: API_NUMBERS.includes(field) ? 'number' : API_MOMENTS.includes(field) ? 'moment' : 'message',
  write: (row) => {
    const value = row.result?.[field];
    return value === undefined || value === null ? '' : neutraliseFormula(String(value));
  },
  read: (cell, into) => {
    if (cell !== '') into.result = { ...into.result, [field]: restoreFormula(cell) } as CreditBatch;
    return true;
  },
}));

/** One column per field of a set of values the row was compared with (`baseline.name`…), each as the API writes it. */
function valueColumns(prefix: string, key: 'baseline' | 'live'): OwnColumn[] {
  return UPDATABLE_FIELDS.map((field) => ({
    name: `${prefix}${field}`,
    sheet: field === 'currentBalance' ? 'number' : field === 'expiresOn' ? 'moment' : 'message',
    write: (row) => {
      const value = row[key]?.[field];
      return value === undefined ? '' : neutraliseFormula(String(value));
    },
    read: (cell, into) => {
      if (cell === '') return true;
      const text = restoreFormula(cell);
      if (field === 'currentBalance' && !/^\d{1,16}$/.test(text)) return false;
      into[key] = { ...into[key], [field]: field === 'currentBalance' ? Number(text) : text };
      return true;
    },
  }));
}

const OUTCOMES: readonly Outcome[] = ['updated', 'failed', 'invalid', 'skipped', 'valid'];

/** report.csv of `validate` and of `apply --blind`: one line per input row. */
export const ROW_REPORT: ReportSchema = {
  columns: [...statusColumns(OUTCOMES), INPUT_COLUMNS, sentColumn, ...apiColumns],
  outcomes: OUTCOMES,
  done: ['updated', 'valid'],
};

/**
 * What a resumed run reads back of each record of its report: the columns
 * that say where a row stands (which line, its outcome, its requests, and
 * whether it was resent). The others are copied as written when the report
 * is compacted, never parsed.
 */
export const READ_BACK = ['line', 'outcome', 'attempts', ERROR_COLUMN, CODE_COLUMN] as const;

/** How old the live values a row was checked against were when its request left. */
const readAgeColumn: OwnColumn = plain({
  name: READ_AGE_COLUMN,
  sheet: 'number',
  write: (row) => (row.readAgeMs === undefined ? '' : String(row.readAgeMs)),
  read: (cell, into) => cell === '' || readWhole(cell, (ms) => (into.readAgeMs = ms)),
});

/** The batch's updatedAt as read before its write (server time), as the API wrote it. */
const readUpdatedAtColumn: OwnColumn = {
  name: READ_UPDATED_AT_COLUMN,
  sheet: 'moment',
  write: (row) => (row.readUpdatedAt === undefined ? '' : neutraliseFormula(row.readUpdatedAt)),
  read: (cell, into) => {
    if (cell !== '') into.readUpdatedAt = restoreFormula(cell);
    return true;
  },
};

/** The credits a write overwrote, signed as correction.csv gives them back. */
const correctionColumn: OwnColumn = plain({
  name: CORRECTION_COLUMN,
  sheet: 'number',
  write: (row) => (row.correction === undefined ? '' : row.correction > 0 ? `+${row.correction}` : String(row.correction)),
  read: (cell, into) => {
    if (cell === '') return true;
    if (!/^[+-]?\d{1,15}$/.test(cell)) return false;
    into.correction = Number(cell);
    return true;
  },
});

const GUARDED_OUTCOMES: readonly Outcome[] = ['updated', 'unchanged', 'drifted', 'uncertain', 'failed', 'invalid', 'skipped', 'valid'];

/**
 * report.csv of `apply` when it reads before it writes: the row report, plus
 * the baseline each change was made from and the live value it was checked
 * against, so that a drifted row shows all three (the target is `sent`).
 */
export const GUARDED_REPORT: ReportSchema = {
  columns: [
    ...statusColumns(GUARDED_OUTCOMES),
    INPUT_COLUMNS,
    sentColumn,
    ...valueColumns(BASELINE_COLUMN_PREFIX, 'baseline'),
    ...valueColumns(LIVE_COLUMN_PREFIX, 'live'),
    readAgeColumn,
    readUpdatedAtColumn,
    correctionColumn,
    ...apiColumns,
  ],
  outcomes: GUARDED_OUTCOMES,
  // An uncertain row is not one to send again: failed.csv is a file to re-send.
  done: ['updated', 'valid', 'unchanged', 'uncertain'],
};

/**
 * Which cells of a sheet row hold a formula, by address (`C7 D7`): the
 * value read from each is the result the workbook cached when it was last
 * calculated, and the report says so for every row, valid or not, without
 * putting a note where an error would be.
 */
const formulaColumn: OwnColumn = {
  name: FORMULA_COLUMN,
  write: (row) => row.formulas?.join(' ') ?? '',
  read: (cell, into) => {
    if (cell === '') return true;
    if (!/^[A-Z]{1,3}\d{1,7}( [A-Z]{1,3}\d{1,7})*$/.test(cell)) return false;
    into.formulas = cell.split(' ');
    return true;
  },
};

/** A schema for the rows of a workbook: the formula cells follow the input's own columns. */
export function forWorkbook(schema: ReportSchema): ReportSchema {
  return { ...schema, columns: schema.columns.flatMap((column) => (column === INPUT_COLUMNS ? [column, formulaColumn] : [column])) };
}

/** The header of a report of this schema for an input with these columns. */
export function reportHeader(schema: ReportSchema, columns: Columns): string[] {
  return schema.columns.flatMap((column) => (column === INPUT_COLUMNS ? columns.carried.map((index) => columns.names[index] ?? '') : [column.name]));
}

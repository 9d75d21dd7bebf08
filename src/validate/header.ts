import { UPDATABLE_FIELDS, type UpdatableField } from '../credit-batch.js';
import { TiError } from '../errors.js';
import type { CsvRecord } from '../read/csv-records.js';
import { ERROR_COLUMN, isReportOnlyColumn } from '../report/columns.js';

/** What the header says about where each value of a row is. */
export interface Columns {
  /** The header's names, trimmed, in file order. */
  readonly names: readonly string[];
  readonly id: number;
  readonly fields: { readonly [F in UpdatableField]?: number };
  /** Columns written back to the report and failed.csv: all but an `error` column left by an earlier run. */
  readonly carried: readonly number[];
}

export const EXPECTED_HEADER = 'id,name,expiresOn,currentBalance';

/** Reads the header record; a header that cannot be trusted stops the run with every problem it has. */
export function readHeader(path: string, header: CsvRecord): Columns {
  const names = header.cells.map((cell) => cell.trim());
  const problems: string[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === '') problems.push(`column ${index + 1} has no name`);
    const earlier = seen.get(name);
    if (earlier !== undefined && name !== '') problems.push(`column "${name}" appears twice (columns ${earlier + 1} and ${index + 1})`);
    seen.set(name, index);
  });
  const reportColumns = names.filter(isReportOnlyColumn);
  if (reportColumns.length > 0) {
    throw new TiError('invalid', `${path} looks like a ti-credits report (it has the column${reportColumns.length > 1 ? 's' : ''} ${reportColumns.map((n) => `"${n}"`).join(', ')}), not a list of changes.`, {
      hint: 'To send again the rows that were not updated, use failed.csv from the same run folder.',
    });
  }
  const id = names.indexOf('id');
  if (id < 0) problems.push(`there is no "id" column${caseHint(names, 'id')}`);
  const fields: { [F in UpdatableField]?: number } = {};
  for (const field of UPDATABLE_FIELDS) {
    const index = names.indexOf(field);
    if (index >= 0) fields[field] = index;
  }
  if (Object.keys(fields).length === 0) {
    const hints = UPDATABLE_FIELDS.map((field) => caseHint(names, field)).filter((hint) => hint !== '');
    problems.push(`there is no column to change: name at least one of ${UPDATABLE_FIELDS.join(', ')}${hints.join('')}`);
  }
  if (problems.length > 0) {
    throw new TiError('invalid', `The header (line ${header.line}) of ${path} cannot be used: ${problems.join('; ')}.`, {
      hint: `The first line must name the columns, e.g. ${EXPECTED_HEADER}.`,
    });
  }
  return {
    names,
    id,
    fields,
    carried: names.flatMap((name, index) => (name === ERROR_COLUMN ? [] : [index])),
  };
}

function caseHint(names: readonly string[], wanted: string): string {
  const near = names.find((name) => name.toLowerCase() === wanted.toLowerCase());
  return near === undefined ? '' : ` (column names are case-sensitive: rename "${near}" to "${wanted}")`;
}

import { BEFORE_PREFIX, CLIENT_COLUMN, DELTA_COLUMN, ERROR_COLUMN, isReportOnlyColumn, type Columns } from '../core/columns.js';
import { UPDATABLE_FIELDS, type UpdatableField } from '../core/credit-batch.js';
import { TiError } from '../core/errors.js';
import type { CsvRecord } from '../read/csv-records.js';

export const EXPECTED_HEADER = 'id,name,expiresOn,currentBalance';

/**
 * Reads the header record; a header that cannot be trusted stops the run with
 * every problem it has. Names are matched trimmed and in any case
 * (`ExpiresOn`, ` currentBalance `); columns it does not know are carried
 * to the report as they are.
 */
export function readHeader(path: string, header: CsvRecord): Columns {
  const all = header.cells.map((cell) => cell.trim());
  let width = all.length;
  while (width > 0 && all[width - 1] === '') width--;
  const names = all.slice(0, width);
  const keys = names.map((name) => name.toLowerCase());
  const problems: string[] = [];
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === '') problems.push(`column ${index + 1} has no name`);
    const earlier = seen.get(key);
    if (earlier !== undefined && key !== '') problems.push(`column "${names[index] ?? ''}" appears twice (columns ${earlier + 1} and ${index + 1})`);
    seen.set(key, index);
  });
  const reportColumns = names.filter(isReportOnlyColumn);
  if (reportColumns.length > 0) {
    throw new TiError('invalid', `${path} looks like a ti-credits report (it has the column${reportColumns.length > 1 ? 's' : ''} ${reportColumns.map((n) => `"${n}"`).join(', ')}), not a list of changes.`, {
      hint: 'To send again the rows that were not updated, use failed.csv from the same run folder.',
    });
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
  const delta = keys.indexOf(DELTA_COLUMN.toLowerCase());
  if (Object.keys(fields).length === 0 && delta < 0) problems.push(`there is no column to change: name at least one of ${[...UPDATABLE_FIELDS, DELTA_COLUMN].join(', ')}`);
  if (problems.length > 0) {
    throw new TiError('invalid', `The header (line ${header.line}) of ${path} cannot be used: ${problems.join('; ')}.`, {
      hint: `The first line must name the columns, e.g. ${EXPECTED_HEADER}; if it does, check the delimiter (--delimiter) and the encoding (--encoding).`,
    });
  }
  return {
    names,
    id,
    fields,
    ...(clientId < 0 ? {} : { clientId }),
    ...(delta < 0 ? {} : { delta }),
    before,
    carried: names.flatMap((name, index) => (name === ERROR_COLUMN ? [] : [index])),
  };
}

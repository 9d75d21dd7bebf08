import { stringify } from 'csv-stringify/sync';

/**
 * A cell holding none of these is written bare by csv-stringify with the
 * options used here (comma, double quote, "\n" between records), so it can be
 * written as it is; any other cell is quoted by csv-stringify.
 */
const NEEDS_QUOTING = /[",\r\n]/;

/**
 * The CSV text of `records`, byte for byte what csv-stringify writes for them.
 *
 * csv-stringify allocates several objects for every cell it looks at, which
 * on a report of 20 columns was a third of a million-row validation and most
 * of its memory; most report cells are empty or plain, and only the few that
 * need quoting are handed to it.
 */
export function csvText(records: readonly (readonly string[])[]): string {
  let text = '';
  for (const record of records) {
    for (let index = 0; index < record.length; index++) {
      const cell = record[index] ?? '';
      if (index > 0) text += ',';
      text += NEEDS_QUOTING.test(cell) ? quotedCell(cell) : cell;
    }
    text += '\n';
  }
  return text;
}

function quotedCell(cell: string): string {
  const line = stringify([[cell]]);
  return line.slice(0, -1);
}

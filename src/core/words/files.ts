import { defineWords } from '../words.js';

/**
 * The words of an input that cannot be read as a whole (src/read and the
 * header check of src/validate): the file itself, its encoding and CSV
 * quoting, a workbook and its sheets, the header. Each stops the run before
 * anything is written or sent.
 */

/** The file, as the user named it. */
interface InFile {
  readonly path: string;
}

/** A CSV line or record of the file. */
interface AtLine extends InFile {
  readonly line: number;
}

const QUOTING_HINT = 'Fix the quoting on that line (a double quote inside a field is written twice: "") and run again.';
const RESAVE_AS_UTF8 = 'save it again as "CSV UTF-8"';

/** The facts of a header that cannot be used. */
interface HeaderProblems extends InFile {
  /** `row` in a sheet, `line` in a CSV file. */
  readonly unit: 'row' | 'line';
  readonly line: number;
  /** Every problem the header has, each a clause. */
  readonly problems: readonly string[];
  /** The header ti-credits expects, e.g. id,name,expiresOn,currentBalance. */
  readonly example: string;
}

const headerMessage = (facts: HeaderProblems): string =>
  `The header (${facts.unit} ${facts.line}) of ${facts.path} cannot be used: ${facts.problems.join('; ')}.`;

export const FILE_WORDS = defineWords({
  'TIC-FILE-NOT-FOUND': {
    kind: 'invalid',
    title: 'No file at the path given',
    message: (facts: InFile) => `${facts.path}: no such file.`,
    hint: () => 'Check the path and run again.',
  },
  'TIC-FILE-IS-FOLDER': {
    kind: 'invalid',
    title: 'The path given is a folder',
    message: (facts: InFile) => `${facts.path} is a folder, not a file.`,
    hint: () => 'Give the path of the CSV file or the workbook itself.',
  },
  'TIC-FILE-NO-PERMISSION': {
    kind: 'invalid',
    title: 'The file may not be read (permissions)',
    message: (facts: InFile) => `${facts.path} cannot be read: permission denied.`,
    hint: () => 'Check the file permissions.',
  },
  'TIC-FILE-UNREADABLE': {
    kind: 'invalid',
    title: 'The file cannot be read, for a reason the system gave',
    message: (facts: InFile & { readonly why: string }) => `${facts.path} cannot be read: ${facts.why}`,
  },
  'TIC-INPUT-NOT-A-FILE': {
    kind: 'invalid',
    title: 'The input is a pipe, a device or a socket: it cannot be read twice',
    message: (facts: InFile & { readonly what: string }) =>
      `${facts.path} is ${facts.what}, not a file: ti-credits reads its input more than once (validating it all before sending anything), which a stream cannot give.`,
    hint: () => 'Save the rows to a file first (redirect what produces them: > rows.csv), and give that file.',
  },
  'TIC-INPUT-CHANGED': {
    kind: 'invalid',
    title: 'The file changed between the pass that validated it and the pass that sends it',
    message: (facts: InFile) => `${facts.path} changed while it was being validated.`,
    hint: () => 'Save the file, close the program editing it and run again.',
  },
  'TIC-INPUT-EMPTY': {
    kind: 'invalid',
    title: 'The file, or the sheet, is empty: not even a header',
    message: (facts: { readonly what: string; readonly unit: 'row' | 'line'; readonly example: string }) => `${facts.what} is empty.`,
    hint: (facts: { readonly what: string; readonly unit: 'row' | 'line'; readonly example: string }) =>
      `The first ${facts.unit} must name the columns, e.g. ${facts.example}.`,
  },
  'TIC-ENCODING-BOM-MISMATCH': {
    kind: 'invalid',
    title: "The file's byte order mark says another encoding than --encoding",
    message: (facts: InFile & { readonly bom: string; readonly encoding: string }) =>
      `${facts.path} starts with a ${facts.bom} byte order mark, but --encoding says ${facts.encoding}.`,
    hint: () => 'Leave out --encoding: the byte order mark says how the file is encoded.',
  },
  'TIC-ENCODING-NUL': {
    kind: 'invalid',
    title: 'NUL bytes in a CSV file: UTF-16 without a byte order mark, or no CSV file',
    message: (facts: InFile & { readonly where: string; readonly encoding: string }) =>
      `${facts.path} contains NUL bytes${facts.where}, which a CSV file in ${facts.encoding} never has.`,
    hint: () => `If it is UTF-16 without a byte order mark, pass --encoding utf-16le; otherwise it is not a CSV file: export the sheet as CSV UTF-8.`,
  },
  'TIC-ENCODING-NOT-UTF8': {
    kind: 'invalid',
    title: 'A CSV file that is not UTF-8 (saved in a legacy encoding such as windows-1252)',
    message: (facts: InFile & { readonly where: string }) =>
      `${facts.path} is not UTF-8 text: bytes${facts.where} are not valid UTF-8, so names would be garbled.`,
    hint: () =>
      `The file was saved in a legacy encoding (Excel's plain "CSV" format uses windows-1252 on Western systems): pass --encoding windows-1252, or ${RESAVE_AS_UTF8}.`,
  },
  'TIC-ENCODING-INVALID': {
    kind: 'invalid',
    title: 'A CSV file that is not valid text in the --encoding given',
    message: (facts: InFile & { readonly encoding: string }) => `${facts.path} is not valid ${facts.encoding} text.`,
    hint: () => `Pass the --encoding the file was saved in, or ${RESAVE_AS_UTF8}.`,
  },
  'TIC-DELIMITER-UNCERTAIN': {
    kind: 'invalid',
    title: 'The header line splits equally well at two delimiters',
    message: (facts: InFile & { readonly delimiters: readonly string[] }) =>
      `${facts.path}: the header line can be split at ${facts.delimiters.join(' or ')} equally well, so the delimiter is not certain.`,
    hint: () => 'Pass --delimiter with the one the file uses (comma, semicolon or tab).',
  },
  'TIC-CSV-QUOTE-NOT-CLOSED': {
    kind: 'invalid',
    title: 'A quoted CSV field that is never closed',
    message: (facts: AtLine) => `${facts.path}: the quoted field starting on line ${facts.line} is never closed.`,
    hint: () => QUOTING_HINT,
  },
  'TIC-CSV-RECORD-TOO-LARGE': {
    kind: 'invalid',
    title: 'A CSV record larger than 1 MB (usually a quote never closed)',
    message: (facts: AtLine) => `${facts.path}: the record starting on line ${facts.line} is larger than 1 MB, which usually means a quote is never closed.`,
    hint: () => QUOTING_HINT,
  },
  'TIC-CSV-QUOTE-INSIDE-FIELD': {
    kind: 'invalid',
    title: 'A double quote inside a CSV field that does not start with one',
    message: (facts: AtLine) => `${facts.path}: line ${facts.line} has a double quote inside a field that does not start with one.`,
    hint: () => QUOTING_HINT,
  },
  'TIC-CSV-TEXT-AFTER-QUOTE': {
    kind: 'invalid',
    title: 'Text right after the closing double quote of a CSV field',
    message: (facts: AtLine) => `${facts.path}: line ${facts.line} has text right after a closing double quote.`,
    hint: () => QUOTING_HINT,
  },
  'TIC-CSV-UNREADABLE': {
    kind: 'invalid',
    title: 'A CSV line that cannot be read, for a reason the CSV reader gave',
    message: (facts: AtLine & { readonly why: string; readonly delimiter: string }) =>
      `${facts.path}: line ${facts.line} cannot be read as CSV (${facts.why}).`,
    hint: (facts: AtLine & { readonly why: string; readonly delimiter: string }) =>
      `Fields are read as separated by ${facts.delimiter}; if that is wrong, pass --delimiter. ${QUOTING_HINT}`,
  },
  'TIC-WORKBOOK-LEGACY': {
    kind: 'invalid',
    title: 'A legacy Excel workbook (.xls) or a password-protected one',
    message: (facts: InFile) => `${facts.path} is a legacy Excel workbook (.xls) or a password-protected one, which ti-credits does not read.`,
    hint: () => 'Open it in Excel or LibreOffice and save it as "Excel Workbook (.xlsx)" without a password, then run again with that file.',
  },
  'TIC-ZIP-NOT-WORKBOOK': {
    kind: 'invalid',
    title: 'A zip archive that is not an Excel workbook',
    message: (facts: InFile & { readonly part: string }) =>
      `${facts.path} is a zip archive but not an Excel workbook (it has no ${facts.part}), or a damaged one.`,
    hint: () => 'Open the sheet in Excel or LibreOffice and save it as "Excel Workbook (.xlsx)", then run again with that file.',
  },
  'TIC-WORKBOOK-DAMAGED': {
    kind: 'invalid',
    title: 'A workbook that cannot be read: damaged, or beyond the bounds a workbook is read within',
    message: (facts: InFile & { readonly problem: string }) => `${facts.path} cannot be read as an Excel workbook: ${facts.problem}.`,
    hint: () => 'Open it in Excel or LibreOffice and save it again as "Excel Workbook (.xlsx)", then run again.',
  },
  'TIC-WORKBOOK-CSV-OPTIONS': {
    kind: 'invalid',
    title: '--encoding or --delimiter given for a workbook',
    message: (facts: InFile & { readonly flags: readonly string[] }) =>
      `${facts.path} is an Excel workbook, so ${facts.flags.join(' and ')} ${facts.flags.length > 1 ? 'do' : 'does'} not apply: its text is Unicode and its cells are apart.`,
    hint: (facts: InFile & { readonly flags: readonly string[] }) =>
      `Leave out ${facts.flags.join(' and ')} (from the command and the config file) for a workbook; they are for CSV files.`,
  },
  'TIC-SHEET-FOR-CSV': {
    kind: 'invalid',
    title: '--sheet given for a file that is not a workbook',
    message: (facts: InFile & { readonly sheet: string }) =>
      `--sheet ${JSON.stringify(facts.sheet)} names a sheet of a workbook, but ${facts.path} is not an Excel workbook: it is read as a CSV file.`,
    hint: () => 'Leave out --sheet for a CSV file, or give the .xlsx workbook itself.',
  },
  'TIC-SHEET-NO-HEADER': {
    kind: 'invalid',
    title: 'No sheet of the workbook starts with a header row',
    message: (facts: InFile & { readonly sheets: string }) => `No sheet of ${facts.path} starts with a header row (its sheets: ${facts.sheets}).`,
    hint: () => 'Pass --sheet with the name of the sheet holding the changes, whose first row must name the columns, e.g. id,name,expiresOn,currentBalance.',
  },
  'TIC-SHEET-WHICH': {
    kind: 'invalid',
    title: 'Several sheets start with a header row: which one holds the changes is not certain',
    message: (facts: InFile & { readonly count: number; readonly sheets: string; readonly first: string }) =>
      `${facts.path} has ${facts.count} sheets that start with a header row (${facts.sheets}), so which one holds the changes is not certain.`,
    hint: (facts: InFile & { readonly count: number; readonly sheets: string; readonly first: string }) =>
      `Pass --sheet with the name of the one to read, e.g. --sheet ${JSON.stringify(facts.first)}.`,
  },
  'TIC-SHEET-UNKNOWN': {
    kind: 'invalid',
    title: 'The workbook has no sheet of the name given with --sheet',
    message: (facts: InFile & { readonly sheet: string; readonly sheets: string }) =>
      `${facts.path} has no sheet named ${JSON.stringify(facts.sheet)}; its sheets are ${facts.sheets}.`,
    hint: () => 'Pass --sheet with one of those names, in quotes if it has spaces.',
  },
  'TIC-SHEET-HIDDEN': {
    kind: 'invalid',
    title: 'The sheet named is hidden',
    message: (facts: InFile & { readonly sheet: string }) =>
      `The sheet ${JSON.stringify(facts.sheet)} of ${facts.path} is hidden, so what it holds is not what the person editing the workbook sees.`,
    hint: () => 'Unhide it in Excel or LibreOffice (right-click a sheet tab, Unhide), save, and run again.',
  },
  'TIC-SHEET-HIDES-CELLS': {
    kind: 'invalid',
    title: 'A sheet with hidden rows or columns holding values, or merged cells',
    message: (facts: InFile & { readonly sheet: string; readonly problems: readonly string[] }) =>
      `The sheet ${JSON.stringify(facts.sheet)} of ${facts.path} does not show everything it holds: ${facts.problems.join('; ')}.`,
    hint: () =>
      'Unhide those rows and columns and unmerge those cells in Excel or LibreOffice, so that what is sent is what the sheet shows, then save and run again.',
  },
  'TIC-INPUT-IS-REPORT': {
    kind: 'invalid',
    title: 'The input is a ti-credits report, not a file of changes (failed.csv is the one to send again)',
    message: (facts: InFile & { readonly columns: readonly string[] }) =>
      `${facts.path} looks like a ti-credits report (it has the column${facts.columns.length > 1 ? 's' : ''} ${facts.columns.map((name) => `"${name}"`).join(', ')}), not a list of changes.`,
    hint: () => 'To send again the rows that were not updated, use failed.csv from the same run folder.',
  },
  'TIC-HEADER-UNUSABLE': {
    kind: 'invalid',
    title: 'A header that cannot be used: no id column, no column to change, a column without a name or twice',
    message: headerMessage,
    hint: (facts: HeaderProblems) =>
      facts.unit === 'row'
        ? `The first row of the sheet must name the columns, e.g. ${facts.example.split(',').join(', ')}; if another sheet holds the changes, pass --sheet with its name.`
        : `The first line must name the columns, e.g. ${facts.example}; if it does, check the delimiter (--delimiter) and the encoding (--encoding).`,
  },
  'TIC-HEADER-LOOKALIKE': {
    kind: 'invalid',
    title: 'A column named almost like one ti-credits reads (misspelt, or a finance name such as Balance)',
    message: (facts: HeaderProblems & { readonly names: readonly string[] }) => headerMessage(facts),
    hint: (facts: HeaderProblems & { readonly names: readonly string[] }) =>
      `A column is read only under its exact name (${facts.names.join(', ')}, in any case); other columns are carried to the report unsent.`,
  },
});

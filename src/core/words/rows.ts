import { defineWords } from '../words.js';

/**
 * The words of every problem a row of the input can have (src/validate),
 * each under its code: report.csv and failed.csv carry the codes of a row's
 * problems in their `code` column, in the order their `error` cell says them.
 * A problem names the cell it is about; the one facts every entry takes
 * for it are the cell as a message shows it (`showCell`: quoted, cut,
 * escaped), or, for a sheet cell that holds no text, its address and what it
 * holds. Where a problem is in a sheet cell or a `before.*` column, the
 * validating stage puts `cell C7: ` or `before.name: ` before its words.
 */

/** A cell of text, as showCell shows it. */
interface InText {
  readonly cell: string;
}

/** A sheet cell holding something other than text: its address (`C7`) and what it holds, in words (`the number 5.5`). */
interface InSheet {
  readonly address: string;
  readonly holds: string;
}

const UUID_EXAMPLE = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const ISO_EXAMPLE = '2027-03-31T23:59:59Z';
const LARGEST = Number.MAX_SAFE_INTEGER;

/** The columns whose sheet cells must hold text, with what they hold. */
const AS_TEXT = {
  id: 'a credit batch id is a UUID typed as text',
  clientId: 'a client id is a UUID typed as text',
  creditAccountId: 'a credit account id is a UUID typed as text',
  'before.name': 'the name as it was must be text in the sheet, as the name is',
} as const;

export const ROW_WORDS = defineWords({
  'TIC-ID-EMPTY': {
    kind: 'row',
    title: 'A row without the id of the credit batch to change',
    message: () => 'id is empty; every row needs the id of the credit batch to change',
  },
  'TIC-ID-BRACES': {
    kind: 'row',
    title: 'An id written in braces, {…}',
    message: (facts: InText) => `id ${facts.cell} is wrapped in braces; write the UUID alone, e.g. ${UUID_EXAMPLE}`,
  },
  'TIC-ID-NOT-UUID': {
    kind: 'row',
    title: 'An id that is not a credit batch id (a UUID)',
    message: (facts: InText) => `id ${facts.cell} is not a credit batch id; expected a UUID such as ${UUID_EXAMPLE}`,
  },
  'TIC-CLIENT-ID-NOT-UUID': {
    kind: 'row',
    title: 'A clientId that is not a client id (a UUID)',
    message: (facts: InText) => `clientId ${facts.cell} is not a client id; expected a UUID such as ${UUID_EXAMPLE}`,
  },
  'TIC-ACCOUNT-ID-NOT-UUID': {
    kind: 'row',
    title: 'A creditAccountId that is not a credit account id (a UUID)',
    message: (facts: InText) => `creditAccountId ${facts.cell} is not a credit account id; expected a UUID such as ${UUID_EXAMPLE}`,
  },
  'TIC-ID-DUPLICATE': {
    kind: 'row',
    title: 'A credit batch named on more than one row of the file',
    message: (facts: { readonly id: string; readonly others: readonly number[]; readonly unit: 'line' | 'row' }) => {
      const shown = facts.others.slice(0, 5).join(', ');
      const more = facts.others.length > 5 ? ` and ${facts.others.length - 5} more` : '';
      return `id ${facts.id} also appears on ${facts.unit}${facts.others.length > 1 ? 's' : ''} ${shown}${more}; a credit batch may appear only once in a file, so merge those rows`;
    },
  },
  'TIC-ROW-WIDTH': {
    kind: 'row',
    title: 'A row with more or fewer cells than the header names',
    message: (
      facts:
        { readonly cells: number; readonly header: number; readonly extra: readonly string[] } | { readonly beyond: readonly string[]; readonly count: number },
    ) => {
      if ('beyond' in facts) {
        const one = facts.count === 1;
        const more = facts.count > facts.beyond.length ? ` and ${facts.count - facts.beyond.length} more` : '';
        return `${one ? 'cell' : 'cells'} ${facts.beyond.join(', ')}${more} ${one ? 'is' : 'are'} in a column the header does not name; name the column in the header, or clear the ${one ? 'cell' : 'cells'}`;
      }
      const counted = `the row has ${facts.cells} cell${facts.cells === 1 ? '' : 's'} but the header has ${facts.header}`;
      if (facts.cells < facts.header) return `${counted}; add the missing cells (an empty cell keeps the current value)`;
      return `${counted} (extra: ${facts.extra.join(', ')}); a value containing the delimiter must be enclosed in double quotes`;
    },
  },
  'TIC-NOTHING-TO-CHANGE': {
    kind: 'row',
    title: 'A row whose every column to change is empty',
    message: (facts: { readonly columns: readonly string[] }) =>
      `nothing to change: ${facts.columns.join(', ')} ${facts.columns.length > 1 ? 'are all' : 'is'} empty`,
  },
  'TIC-BALANCE-AND-DELTA': {
    kind: 'row',
    title: 'A row setting currentBalance and adding currentBalanceDelta at once',
    message: () => 'currentBalance and currentBalanceDelta are both filled in; a row sets the balance or adds to it, not both: empty one of them',
  },
  'TIC-CELL-ONLY-SPACES': {
    kind: 'row',
    title: 'A cell of spaces alone: neither a value nor an empty cell',
    message: (facts: { readonly column: string }) => `${facts.column} contains only spaces; leave the cell empty to keep the current value`,
  },
  'TIC-CELL-NOT-TEXT': {
    kind: 'row',
    title: 'A sheet cell holding a number, date or boolean where text is needed',
    message: (facts: (InSheet & { readonly column: keyof typeof AS_TEXT }) | (InSheet & { readonly column: 'name'; readonly typed: string })) =>
      facts.column === 'name'
        ? `cell ${facts.address} holds ${facts.holds}; a name must be text in the sheet: type it with an apostrophe before it ('${facts.typed}), or format the cell as Text and type it again`
        : `cell ${facts.address} holds ${facts.holds}; ${AS_TEXT[facts.column]}`,
  },
  'TIC-FORMULA-NOT-CALCULATED': {
    kind: 'row',
    title: 'A formula where its value should be: never calculated, or exported as a formula',
    message: (facts: InText | { readonly address: string }) =>
      'cell' in facts
        ? `name ${facts.cell} is a spreadsheet formula, not the text it calculates; let Excel or LibreOffice calculate it (open and save the file), or type the name itself`
        : `cell ${facts.address} is a formula with no calculated value; open and save the workbook in Excel or LibreOffice so that it is calculated`,
  },
  'TIC-SPREADSHEET-ERROR': {
    kind: 'row',
    title: 'The error a spreadsheet cell shows in place of a value (#N/A, #REF!…)',
    message: (facts: InText | { readonly address: string; readonly error: string; readonly formula: boolean }) =>
      'cell' in facts
        ? `name ${facts.cell} is the error a spreadsheet cell showed in place of a value; correct that cell so that it shows the name`
        : `cell ${facts.address} shows the error ${facts.error}${facts.formula ? ' from its formula' : ''}; correct it so that the cell shows a value`,
  },
  'TIC-NAME-CONTROL-CHARACTER': {
    kind: 'row',
    title: 'A name holding a control character (a line break, a tab, a right-to-left override…)',
    message: (facts: InText & { readonly character: string; readonly position: number }) =>
      `name ${facts.cell} contains a control character (${facts.character}) at position ${facts.position}; remove it`,
  },
  'TIC-NAME-INVISIBLE': {
    kind: 'row',
    title: 'A name of characters that show nothing (zero-width spaces, word joiners…): it would show as empty',
    message: (facts: InText) =>
      `name ${facts.cell} holds no character that shows: it would show as an empty name; type the name, or leave the cell empty to keep the current one`,
  },
  'TIC-NAME-DAMAGED-TEXT': {
    kind: 'row',
    title: 'A name holding "\ufffd": text damaged by a wrong encoding',
    message: (facts: InText & { readonly position: number }) =>
      `name ${facts.cell} contains "\ufffd" at position ${facts.position}, the mark of text damaged by a wrong encoding; retype the name`,
  },
  'TIC-BALANCE-NEGATIVE': {
    kind: 'row',
    title: 'A negative currentBalance',
    message: (facts: InText | InSheet) =>
      'cell' in facts
        ? `currentBalance ${facts.cell} is negative; a balance must be 0 or more`
        : `cell ${facts.address} holds ${facts.holds}; a balance must be 0 or more`,
  },
  'TIC-BALANCE-NOT-WHOLE': {
    kind: 'row',
    title: 'A currentBalance that is not a whole number of credits',
    message: (facts: InText | InSheet) =>
      'cell' in facts
        ? `currentBalance ${facts.cell} is not a whole number; a balance is a whole number of credits`
        : `cell ${facts.address} holds ${facts.holds}, which is not a whole number of credits (its format may show it rounded); type the whole number`,
  },
  'TIC-BALANCE-TOO-LARGE': {
    kind: 'row',
    title: 'A currentBalance too large to be sent exactly',
    message: (facts: InText | InSheet) =>
      'cell' in facts
        ? `currentBalance ${facts.cell} is larger than the largest balance that can be sent exactly (${LARGEST})`
        : `cell ${facts.address} holds ${facts.holds}, which is larger than the largest balance that can be sent exactly (${LARGEST})`,
  },
  'TIC-BALANCE-PLUS-SIGN': {
    kind: 'row',
    title: 'A currentBalance written with a plus sign',
    message: (facts: InText & { readonly digits: string }) => `currentBalance ${facts.cell} has a plus sign; write the digits only, e.g. ${facts.digits}`,
  },
  'TIC-BALANCE-SEPARATOR-AMBIGUOUS': {
    kind: 'row',
    title: 'A currentBalance grouped by a character that could be a thousands separator or a decimal one',
    message: (
      facts: InText & { readonly separator: string; readonly decimal: 'point' | 'comma' | undefined; readonly digits: string; readonly flag: string },
    ) =>
      `currentBalance ${facts.cell} has ${facts.separator}, which could be a thousands separator${facts.decimal === undefined ? '' : ` or a decimal ${facts.decimal}`}; write the digits only (${facts.digits}), or pass ${facts.flag} if the column groups thousands that way`,
  },
  'TIC-BALANCE-SEPARATOR-MISMATCH': {
    kind: 'row',
    title: 'A currentBalance grouped by another character than the --thousands-separator given',
    message: (facts: InText & { readonly separator: string; readonly digits: string }) =>
      `currentBalance ${facts.cell} is grouped with ${facts.separator}, not the --thousands-separator given; write the digits only, e.g. ${facts.digits}`,
  },
  'TIC-BALANCE-SCIENTIFIC': {
    kind: 'row',
    title: 'A currentBalance in scientific notation (1.2E+06)',
    message: (facts: InText) => `currentBalance ${facts.cell} is in scientific notation; format the column as a plain number so every digit is exported`,
  },
  'TIC-BALANCE-NOT-A-NUMBER': {
    kind: 'row',
    title: 'A currentBalance that is not a number',
    message: (facts: InText | InSheet) =>
      'cell' in facts
        ? `currentBalance ${facts.cell} is not a whole number written with digits; expected e.g. 1250`
        : `cell ${facts.address} holds ${facts.holds}, not a number of credits; type the balance as a whole number, e.g. 1250`,
  },
  'TIC-DELTA-INVALID': {
    kind: 'row',
    title: 'A currentBalanceDelta that is not a signed whole number of credits sent exactly',
    message: (facts: (InText & { readonly why: string }) | (InSheet & { readonly problem: 'fraction' | 'too-large' | 'not-a-number' })) => {
      if ('cell' in facts)
        return `currentBalanceDelta ${facts.cell} is not a whole number of credits with an optional sign; expected e.g. +500 or -200 (${facts.why})`;
      switch (facts.problem) {
        case 'fraction':
          return `cell ${facts.address} holds ${facts.holds}, which is not a whole number of credits (its format may show it rounded); type the whole number`;
        case 'too-large':
          return `cell ${facts.address} holds ${facts.holds}, which is larger than the largest change that can be sent exactly (${LARGEST})`;
        case 'not-a-number':
          return `cell ${facts.address} holds ${facts.holds}, not a number of credits; type the change as a whole number, e.g. 500 or -200`;
      }
    },
  },
  'TIC-DATE-PAST': {
    kind: 'row',
    title: 'An expiresOn already past (--allow-past-expiry allows it)',
    message: (facts: InText & { readonly moment: string }) =>
      `expiresOn ${facts.cell} is in the past (${facts.moment}); expiring credits early cannot be undone for the learners, so check the date, or pass --allow-past-expiry if that is the intent`,
  },
  'TIC-DATE-TOO-PRECISE': {
    kind: 'row',
    title: 'An expiresOn more precise than a millisecond',
    message: (facts: InText) => `expiresOn ${facts.cell} is more precise than a millisecond; round it to at most 3 decimals of a second`,
  },
  'TIC-DATE-NOT-REAL': {
    kind: 'row',
    title: 'An expiresOn that is no real day (30 February, month 13)',
    message: (
      facts:
        | (InText & { readonly month: number })
        | (InText & { readonly month: number; readonly year: number; readonly days: number })
        | { readonly address: string; readonly shown: string },
    ) => {
      if ('address' in facts) return `cell ${facts.address}: expiresOn ${facts.shown} is not a real date; type the day the credits expire`;
      if ('days' in facts) return `expiresOn ${facts.cell} is not a real date: month ${facts.month} of ${facts.year} has ${facts.days} days`;
      return `expiresOn ${facts.cell} has month ${facts.month}, which does not exist`;
    },
  },
  'TIC-TIME-NOT-REAL': {
    kind: 'row',
    title: 'An expiresOn at no real time of day (24:00, 23:60)',
    message: (facts: InText) => `expiresOn ${facts.cell} is not a real time of day; hours go to 23, minutes and seconds to 59`,
  },
  'TIC-TIME-SKIPPED': {
    kind: 'row',
    title: 'A date and time in a sheet that the clocks of --timezone skip (daylight saving time begins)',
    message: (facts: { readonly address: string; readonly shown: string; readonly zone: string }) =>
      `cell ${facts.address}: expiresOn ${facts.shown} is a time the clocks of ${facts.zone} skip when they go forward; type it as text with its offset instead, e.g. 2027-03-31T12:00:00-04:00`,
  },
  'TIC-TIME-REPEATED': {
    kind: 'row',
    title: 'A date and time in a sheet that the clocks of --timezone show twice (daylight saving time ends)',
    message: (facts: { readonly address: string; readonly shown: string; readonly zone: string }) =>
      `cell ${facts.address}: expiresOn ${facts.shown} is a time the clocks of ${facts.zone} show twice when they go back; type it as text with its offset instead, e.g. 2027-03-31T12:00:00-04:00`,
  },
  'TIC-DATE-OFFSET-IMPOSSIBLE': {
    kind: 'row',
    title: 'An expiresOn whose time zone offset cannot be (+25:00)',
    message: (facts: InText) => `expiresOn ${facts.cell} has an impossible time zone offset; write Z for UTC or an offset such as +02:00`,
  },
  'TIC-DATE-NO-ZONE': {
    kind: 'row',
    title: 'An expiresOn with a time of day and no time zone',
    message: (facts: InText) => `expiresOn ${facts.cell} has no time zone; add Z for UTC (${ISO_EXAMPLE}) or an offset such as +02:00`,
  },
  'TIC-DATE-SPACE': {
    kind: 'row',
    title: 'An expiresOn whose date and time are separated by a space, not a T',
    message: (facts: InText) =>
      `expiresOn ${facts.cell} separates date and time with a space; write it as ISO 8601 with a T and a time zone, e.g. ${ISO_EXAMPLE}, or give the date alone (2027-03-31)`,
  },
  'TIC-DATE-NOT-IN-FORMAT': {
    kind: 'row',
    title: 'An expiresOn neither ISO 8601 nor in the --date-format given',
    message: (facts: InText & { readonly format: string }) =>
      `expiresOn ${facts.cell} is neither ISO 8601 (2027-03-31 or ${ISO_EXAMPLE}) nor a date in the --date-format ${facts.format}`,
  },
  'TIC-DATE-DISPLAY-NOT-REAL': {
    kind: 'row',
    title: 'A spreadsheet display date that is a real date in no format',
    message: (facts: InText & { readonly shortYear: boolean }) =>
      `expiresOn ${facts.cell} is a spreadsheet display date, which reads differently from country to country, and is not a real date in any format ti-credits reads${facts.shortYear ? ' (the year must have four digits)' : ''}; write it as ISO 8601 (2027-03-31)`,
  },
  'TIC-DATE-NEEDS-FORMAT': {
    kind: 'row',
    title: 'A spreadsheet display date (31/03/2027) without --date-format: a real date in one format only',
    message: (facts: InText & { readonly format: string }) =>
      `expiresOn ${facts.cell} is a spreadsheet display date, which reads differently from country to country; write it as ISO 8601 (2027-03-31), or pass ${facts.format}, the only format in which it is a real date`,
  },
  'TIC-DATE-AMBIGUOUS': {
    kind: 'row',
    title: 'A spreadsheet display date (03/04/2027) that is a real date in more than one format',
    message: (facts: InText & { readonly formats: readonly string[] }) =>
      `expiresOn ${facts.cell} is a spreadsheet display date, which reads differently from country to country, and it is a real date in more than one format (${facts.formats.join(' or ')}); write it as ISO 8601 (2027-03-31), or pass the one the column uses`,
  },
  'TIC-DATE-SERIAL': {
    kind: 'row',
    title: "An expiresOn that is a spreadsheet's date serial number (46477), not a date",
    message: (facts: InText | { readonly address: string; readonly number: string }) =>
      'cell' in facts
        ? `expiresOn ${facts.cell} looks like a spreadsheet date serial number; format the column as a date in ISO 8601 (YYYY-MM-DD) before exporting, e.g. 2027-03-31`
        : `cell ${facts.address} holds the number ${facts.number}, not a date; format the cell as a date (e.g. yyyy-mm-dd) so that it shows the day meant`,
  },
  'TIC-DATE-NOT-A-DATE': {
    kind: 'row',
    title: 'An expiresOn that is not a date',
    message: (facts: InText | InSheet) =>
      'cell' in facts
        ? `expiresOn ${facts.cell} is not a date; expected ISO 8601, e.g. 2027-03-31 or ${ISO_EXAMPLE}`
        : `cell ${facts.address} holds ${facts.holds}, not a date; type the day the credits expire, e.g. 2027-03-31`,
  },
});

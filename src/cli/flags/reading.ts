import { luxon } from '../../core/luxon.js';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';
import type { InputChoice } from '../../read/data-rows.js';
import type { Delimiter } from '../../read/layout.js';
import { encodingName } from '../../read/text-encoding.js';
import { DATE_ONLY_MEANINGS, defaultRules, parseDateFormat, type DateOnlyMeaning, type FieldRules } from '../../validate/rules.js';
import type { FlagSpecs, Flags } from './spec.js';

/** How a file is read: every command that reads one. */
export const readingFlags = {
  encoding: {
    type: 'string',
    describe: "The file's encoding when it has no byte order mark, e.g. windows-1252 (Excel's plain CSV on Western systems), latin1, utf-16le",
    defaultText: 'utf-8',
  },
  delimiter: { type: 'string', describe: 'comma, semicolon or tab', defaultText: 'detected from the header line' },
  sheet: { type: 'string', describe: 'The sheet of an Excel workbook to read', defaultText: 'the one sheet whose first row is the header' },
  'date-only': {
    type: 'string',
    choices: DATE_ONLY_MEANINGS,
    default: 'end-of-day',
    describe: 'What an expiresOn date without a time means: the last or the first moment of that day',
  },
  timezone: { type: 'string', default: 'UTC', describe: 'IANA time zone in which an expiresOn date without a time is read, e.g. America/New_York' },
  'date-format': {
    type: 'string',
    describe: 'Accept expiresOn display dates in this format: MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY/MM/DD…',
    defaultText: 'ISO 8601 only',
  },
  'allow-past-expiry': { type: 'boolean', default: false, describe: 'Accept expiresOn dates already past (which expire the credits at once)' },
  'thousands-separator': { type: 'string', describe: 'Accept currentBalance grouped with this character: "," "." "\'" or space', defaultText: 'digits only' },
  'extra-column': {
    type: 'list',
    describe:
      'Carry this column to the report as a note, unread, though its name resembles a column ti-credits reads (e.g. "Current Balance"); give it once per column',
  },
} as const satisfies FlagSpecs;

const DELIMITER_NAMES: Readonly<Record<string, Delimiter>> = { ',': ',', comma: ',', ';': ';', semicolon: ';', '\t': '\t', tab: '\t', '\\t': '\t' };
const SEPARATOR_NAMES: Readonly<Record<string, string>> = { ',': ',', '.': '.', "'": "'", ' ': ' ', space: ' ' };

export function resolveInputChoice(flags: Flags): InputChoice {
  const label = flags.string('encoding');
  const encoding = label === undefined ? undefined : encodingName(label);
  if (label !== undefined && encoding === undefined) {
    throw failure(OPTION_WORDS, 'TIC-ENCODING-UNKNOWN', { label });
  }
  // Not trimmed: a tab is whitespace.
  const delimiterText = flags.verbatim('delimiter');
  const delimiter = delimiterText === undefined ? undefined : DELIMITER_NAMES[delimiterText.toLowerCase()];
  if (delimiterText !== undefined && delimiter === undefined) {
    throw failure(OPTION_WORDS, 'TIC-DELIMITER-UNKNOWN', { text: delimiterText });
  }
  if (Array.isArray(flags.raw.sheet)) throw failure(OPTION_WORDS, 'TIC-FLAG-TWICE', { flag: 'sheet', why: 'the changes are read from one sheet' });
  // Not trimmed either: a sheet's name is matched as its tab shows it, spaces included.
  const sheet = flags.verbatim('sheet');
  if (sheet === '') throw failure(OPTION_WORDS, 'TIC-SHEET-NO-NAME', {});
  return { encoding, delimiter, sheet };
}

export function resolveRules(flags: Flags, now: Date): FieldRules {
  const timezone = flags.string('timezone') ?? 'UTC';
  if (timezone !== 'UTC' && !luxon().IANAZone.isValidZone(timezone)) {
    throw failure(OPTION_WORDS, 'TIC-TIMEZONE-UNKNOWN', { timezone });
  }
  const formatText = flags.string('date-format');
  const dateFormat = formatText === undefined ? undefined : parseDateFormat(formatText);
  if (formatText !== undefined && dateFormat === undefined) {
    throw failure(OPTION_WORDS, 'TIC-DATE-FORMAT-UNKNOWN', { text: formatText });
  }
  const separatorText = flags.verbatim('thousands-separator');
  const thousandsSeparator = separatorText === undefined ? undefined : SEPARATOR_NAMES[separatorText.toLowerCase()];
  if (separatorText !== undefined && thousandsSeparator === undefined) {
    throw failure(OPTION_WORDS, 'TIC-THOUSANDS-SEPARATOR-UNKNOWN', { text: separatorText });
  }
  return {
    ...defaultRules(now),
    dateOnly: (flags.string('date-only') as DateOnlyMeaning | undefined) ?? 'end-of-day',
    timezone,
    dateFormat,
    thousandsSeparator,
    allowPastExpiry: flags.boolean('allow-past-expiry'),
  };
}

import { defineWords } from '../words.js';

/**
 * The words of the command line (issue 22): the command and the flags as
 * typed, each flag's value as its declaration reads it (cli/flags/), and the
 * refusals a command makes before it reads a file or sends anything.
 */

/** Where a flag's value is explained: its command's --help. */
const seeHelp = (facts: { readonly command: string; readonly flag: string }): string =>
  `Run ti-credits ${facts.command} --help for what --${facts.flag} means.`;

export const OPTION_WORDS = defineWords({
  'TIC-USAGE': {
    kind: 'invalid',
    title: 'The command line cannot be read: an unknown flag, a value missing, no command named',
    message: (facts: { readonly said: string }) => facts.said,
    hint: (facts: { readonly command: string | undefined; readonly near: readonly (readonly [string, string])[] }) =>
      `${facts.near.map(([typed, near]) => `--${typed}: did you mean --${near}? `).join('')}Run ti-credits${facts.command === undefined ? '' : ` ${facts.command}`} --help for the options.`,
  },
  'TIC-UNKNOWN-COMMAND': {
    kind: 'invalid',
    title: 'No ti-credits command has that name',
    message: (facts: { readonly name: string }) => `There is no ti-credits command "${facts.name}".`,
    hint: (facts: { readonly near: string | undefined; readonly names: readonly string[] }) =>
      `${facts.near === undefined ? '' : `Did you mean ti-credits ${facts.near}? `}The commands are ${facts.names.join(', ')}; run ti-credits --help.`,
  },
  'TIC-FLAG-TWICE': {
    kind: 'invalid',
    title: 'A flag that takes one value was given more than once',
    message: (facts: { readonly flag: string }) => `--${facts.flag} was given more than once.`,
    hint: (facts: { readonly flag: string; readonly why?: string }) => `Give --${facts.flag} once${facts.why === undefined ? '' : `: ${facts.why}`}.`,
  },
  'TIC-FLAG-PAIR': {
    kind: 'invalid',
    title: 'A flag that takes two values was not given two',
    message: (facts: { readonly flag: string }) => `--${facts.flag} takes two values, given once.`,
    hint: seeHelp,
  },
  'TIC-FLAG-NUMBER': {
    kind: 'invalid',
    title: 'A number flag given something other than a whole number within its bounds',
    message: (facts: { readonly flag: string; readonly min: number; readonly max: number; readonly text: string }) =>
      `--${facts.flag} must be a whole number from ${facts.min} to ${facts.max}, not "${facts.text}".`,
    hint: seeHelp,
  },
  'TIC-FLAG-SHARE': {
    kind: 'invalid',
    title: 'A share flag given something other than a number from 0 to 1',
    message: (facts: { readonly flag: string; readonly text: string }) => `--${facts.flag} must be a share between 0 and 1, e.g. 0.05, not "${facts.text}".`,
    hint: seeHelp,
  },
  'TIC-FLAGS-CONFLICT': {
    kind: 'invalid',
    title: 'Two flags that cannot be given together',
    message: (facts: { readonly flag: string; readonly other: string; readonly why: string }) =>
      `--${facts.flag} cannot be combined with --${facts.other}: ${facts.why}.`,
    hint: (facts: { readonly flag: string; readonly other: string }) => `Leave out --${facts.flag} or --${facts.other}.`,
  },
  'TIC-FLAG-REQUIRES': {
    kind: 'invalid',
    title: 'A flag given without another it needs',
    message: (facts: { readonly flag: string; readonly other: string; readonly why: string }) => `--${facts.flag} needs --${facts.other}: ${facts.why}.`,
    hint: (facts: { readonly flag: string; readonly other: string }) => `Add --${facts.other}, or leave out --${facts.flag}.`,
  },
  'TIC-NOT-AN-ID': {
    kind: 'invalid',
    title: 'A flag naming a client or credit account by id given something other than a UUID',
    message: (facts: { readonly flag: string; readonly text: string; readonly what: string }) => `--${facts.flag} "${facts.text}" is not a ${facts.what} id.`,
    hint: (facts: { readonly what: string }) => `Give the UUID of the ${facts.what}, e.g. 92276658-1e27-41c0-8a6a-63ec24ede6a4.`,
  },
  'TIC-ENCODING-UNKNOWN': {
    kind: 'invalid',
    title: '--encoding names no encoding ti-credits knows',
    message: (facts: { readonly label: string }) => `--encoding "${facts.label}" is not an encoding ti-credits knows.`,
    hint: () => 'Use a standard name such as utf-8, windows-1252, latin1, iso-8859-15 or utf-16le.',
  },
  'TIC-DELIMITER-UNKNOWN': {
    kind: 'invalid',
    title: '--delimiter is not comma, semicolon or tab',
    message: (facts: { readonly text: string }) => `--delimiter "${facts.text}" is not one ti-credits reads.`,
    hint: () => 'Use comma, semicolon or tab.',
  },
  'TIC-SHEET-NO-NAME': {
    kind: 'invalid',
    title: '--sheet given an empty name',
    message: () => '--sheet was given no name.',
    hint: () => 'Give the name of the sheet as its tab shows it, in quotes if it has spaces.',
  },
  'TIC-TIMEZONE-UNKNOWN': {
    kind: 'invalid',
    title: '--timezone is not an IANA time zone',
    message: (facts: { readonly timezone: string }) => `--timezone "${facts.timezone}" is not a time zone.`,
    hint: () => 'Use an IANA time zone name such as UTC, Europe/Paris or America/New_York.',
  },
  'TIC-DATE-FORMAT-UNKNOWN': {
    kind: 'invalid',
    title: '--date-format is not a format ti-credits reads',
    message: (facts: { readonly text: string }) => `--date-format "${facts.text}" is not a format ti-credits reads.`,
    hint: () => 'Write DD, MM and YYYY once each, separated by /, . or -, e.g. MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY or YYYY/MM/DD.',
  },
  'TIC-THOUSANDS-SEPARATOR-UNKNOWN': {
    kind: 'invalid',
    title: '--thousands-separator is not one ti-credits reads',
    message: (facts: { readonly text: string }) => `--thousands-separator "${facts.text}" is not one ti-credits reads.`,
    hint: () => 'Use ",", ".", "\'" or space.',
  },
  'TIC-NO-FILE': {
    kind: 'invalid',
    title: 'A command that reads a file was given none',
    message: () => 'No CSV file was given.',
    hint: (facts: { readonly sends: boolean }) =>
      facts.sends
        ? 'Name the file to send: ti-credits apply <file.csv> --instance <name>; or continue an interrupted run with ti-credits apply --resume <run folder>.'
        : 'Name the file to check: ti-credits validate <file.csv>.',
  },
  'TIC-NO-RUN-FOLDER': {
    kind: 'invalid',
    title: 'verify was given no run folder',
    message: () => 'No run folder was given.',
    hint: () => 'Name the folder of a finished apply run: ti-credits verify reports/<run>.',
  },
  'TIC-PLAN-WITH-FILE': {
    kind: 'invalid',
    title: 'A saved plan (--plan) given with a file',
    message: () => '--plan cannot be combined with a file: a saved plan is sent as it was made, from the copy of the input it holds.',
    hint: () => 'Give --plan the plan folder alone, with the target and --yes as needed.',
  },
  'TIC-PLAN-REQUIRED': {
    kind: 'invalid',
    title: '--require-approved-plan with a file instead of a saved plan',
    message: () => 'Nothing was sent: --require-approved-plan allows only a saved plan to be sent.',
    hint: () => 'Make a plan with ti-credits plan <file>, have it approved, then send it with ti-credits apply --plan <plan folder>.',
  },
  'TIC-CONFIRM-NO-TERMINAL': {
    kind: 'invalid',
    title: 'A run that asks before sending, with no terminal to ask on and no --yes',
    message: () => 'Nothing was sent: ti-credits asks for confirmation before sending, and there is no terminal to ask on.',
    hint: (facts: { readonly liveName: string | undefined }) =>
      `Check the plan above, then run the same command with --yes${facts.liveName === undefined ? '' : ` --confirm-instance ${facts.liveName}`} (as scripts, cron jobs and CI must).`,
  },
  'TIC-MOCK-NOT-LOOPBACK': {
    kind: 'invalid',
    title: 'The mock asked to listen on an address the network can reach',
    message: (facts: { readonly host: string }) =>
      `--host ${facts.host} is not a loopback address; the mock accepts a published test key and must not be reachable from the network.`,
    hint: () => 'Use 127.0.0.1, ::1 or localhost.',
  },
  'TIC-MOCK-PORT-IN-USE': {
    kind: 'invalid',
    title: 'The port the mock was asked to listen on is taken',
    message: (facts: { readonly port: number }) => `port ${facts.port} is already in use.`,
    hint: () => 'Pass another --port, or --port 0 for any free one.',
  },
});

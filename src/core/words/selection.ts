import { defineWords } from '../words.js';

/**
 * The words of choosing what to change (issue 24): the client list, the
 * filters of `snapshot` and `rollover`, and the mistakes people make on the
 * way there (nothing at the address given, the question answered no).
 */
export const SELECTION_WORDS = defineWords({
  'TIC-NOTHING-ANSWERS': {
    kind: 'aborted',
    title: 'Nothing answers at the address given',
    message: (facts: { readonly origin: string }) => `nothing answers at ${facts.origin} — check --base-url`,
    hint: () =>
      'The connection was refused: no server listens there. Check the address and port (for the local mock, that `ti-credits mock` is running); for an instance, --instance <name> needs no --base-url.',
  },
  'TIC-CANCELLED': {
    kind: 'invalid',
    title: 'The plan was not confirmed at the question',
    message: () => 'Cancelled: nothing was sent.',
  },
  'TIC-NOT-A-DAY': {
    kind: 'invalid',
    title: 'A calendar date given to a flag is not one',
    message: (facts: { readonly flag: string; readonly text: string }) => `${facts.flag} "${facts.text}" is not a calendar date.`,
    hint: () => 'Write it as YYYY-MM-DD, e.g. 2027-03-31: a day, read in --timezone.',
  },
  'TIC-WINDOW-BACKWARDS': {
    kind: 'invalid',
    title: 'A window of dates ends before it begins',
    message: (facts: { readonly from: string; readonly to: string }) => `--expiring-between ${facts.from} ${facts.to} ends before it begins.`,
    hint: () => 'Give the first day, then the last (both are included): --expiring-between 2027-01-01 2027-03-31.',
  },
  'TIC-SELECT-WHICH-CLIENTS': {
    kind: 'invalid',
    title: 'No client was chosen',
    message: (facts: { readonly command: string }) => `${facts.command} needs the clients whose credit batches to read.`,
    hint: () => 'Pass --client <id> for each (ti-credits clients lists them), or --all-clients for every client of the instance.',
  },
  'TIC-FLAG-NEEDED': {
    kind: 'invalid',
    title: 'A flag a command cannot do without is missing',
    message: (facts: { readonly command: string; readonly flag: string; readonly why: string }) => `${facts.command} needs ${facts.flag}: ${facts.why}.`,
    hint: (facts: { readonly command: string }) => `Run ti-credits ${facts.command} --help for an example.`,
  },
  'TIC-ROLLOVER-TO-PAST': {
    kind: 'invalid',
    title: 'A rollover to a date already past',
    message: (facts: { readonly to: string; readonly moment: string }) =>
      `--to ${facts.to} is already past (${facts.moment}): moving expiries there would expire the credits at once.`,
    hint: () => 'Give the last day the credits should be usable, e.g. the end of next quarter.',
  },
  'TIC-ROLLOVER-UNWRITABLE': {
    kind: 'invalid',
    title: 'A batch a rollover would write cannot read back as the API gave it',
    message: (facts: { readonly id: string; readonly clientId: string; readonly problem: string }) =>
      `The credit batch ${facts.id} of client ${facts.clientId} cannot be written to rollover.csv so that it reads back as the API gave it: ${facts.problem}; no rollover.csv was written.`,
    hint: () => 'Correct that batch in Thought Industries, then run the rollover again.',
  },
  'TIC-CLIENTS-UNREADABLE': {
    kind: 'invalid',
    title: "The instance's client list could not be read",
    message: (facts: { readonly reason: string }) => `The list of clients could not be read (${facts.reason}).`,
    hint: () => 'Check that the key may read clients; if the API was unavailable, run the command again. --client <id> names clients without the list.',
  },
  'TIC-CLIENT-BATCHES-UNREADABLE': {
    kind: 'invalid',
    title: "A client's credit batches could not be read",
    message: (facts: { readonly clientId: string; readonly reason: string }) =>
      `The credit batches of client ${facts.clientId} could not be read: ${facts.reason}.`,
    hint: () => 'Check the client id; if the API was unavailable, run the command again.',
  },
});

import type { DateTime } from 'luxon';
import { luxon } from '../../core/luxon.js';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';
import { SELECTION_WORDS } from '../../core/words/selection.js';
import type { BatchSelection, ExpiryWindow } from '../../pipeline/selection.js';
import { uuids, type FlagSpecs, type Flags } from './spec.js';

/** Which clients, and which of their credit batches, a command reads: `snapshot` and `rollover`. */
export const selectionFlags = {
  'all-clients': {
    type: 'boolean',
    default: false,
    perRun: true,
    describe: 'Every client of the instance, as its client list gives them (ti-credits clients shows it)',
    conflicts: { client: 'one names the clients, the other takes every one' },
  },
  'expiring-between': {
    type: 'pair',
    perRun: true,
    describe:
      'Only the credit batches expiring from the first day to the last, both included, as calendar days in --timezone: --expiring-between 2027-01-01 2027-03-31',
    defaultText: 'any expiry',
  },
} as const satisfies FlagSpecs;

/** The clients named, or every client; what `--client` and `--all-clients` say, one of them required. */
export interface ClientChoice {
  readonly allClients: boolean;
  readonly clients: readonly string[];
}

export function resolveClientChoice(flags: Flags): ClientChoice {
  const clients = uuids(flags, 'client', 'client');
  const allClients = flags.boolean('all-clients');
  if (!allClients && clients.length === 0) throw failure(SELECTION_WORDS, 'TIC-SELECT-WHICH-CLIENTS', { command: flags.command });
  return { allClients, clients };
}

/** The time zone calendar days are read in (--timezone). */
export function resolveTimezone(flags: Flags): string {
  const timezone = flags.string('timezone') ?? 'UTC';
  if (timezone !== 'UTC' && !luxon().IANAZone.isValidZone(timezone)) {
    throw failure(OPTION_WORDS, 'TIC-TIMEZONE-UNKNOWN', { timezone });
  }
  return timezone;
}

/** A calendar day as typed (`YYYY-MM-DD`, a real day), at its first moment in the zone. */
export function calendarDay(flag: string, text: string, timezone: string): DateTime {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day =
    match === null ? undefined : luxon().DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, { zone: timezone });
  if (day === undefined || !day.isValid) throw failure(SELECTION_WORDS, 'TIC-NOT-A-DAY', { flag, text });
  return day.startOf('day');
}

/** --expiring-between, read as a window of calendar days in --timezone; undefined when not given. */
export function resolveWindow(flags: Flags, timezone: string): ExpiryWindow | undefined {
  const pair = flags.pair('expiring-between');
  if (pair === undefined) return undefined;
  const [from, to] = pair;
  const start = calendarDay('--expiring-between', from, timezone);
  const end = calendarDay('--expiring-between', to, timezone).endOf('day');
  if (end < start) throw failure(SELECTION_WORDS, 'TIC-WINDOW-BACKWARDS', { from, to });
  return { from, to, timezone, startMs: start.toMillis(), endMs: end.toMillis() };
}

/** --expiring-between and --status, as the batches a snapshot keeps. */
export function resolveSelection(flags: Flags, timezone: string): BatchSelection {
  const statuses = flags.list('status').map((status) => status.toLowerCase());
  return { window: resolveWindow(flags, timezone), statuses: statuses.length === 0 ? undefined : new Set(statuses) };
}

import type { GuardOptions, Limits } from '../../pipeline/run-options.js';
import { uuids, type FlagSpecs, type Flags } from './spec.js';

/** How `apply` reads the live values before it writes. */
export const guardFlags = {
  client: {
    type: 'list',
    describe: 'A client whose credit batches the file holds, for rows without a clientId column; repeat for several',
    defaultText: 'the clientId column',
  },
  blind: {
    type: 'boolean',
    default: false,
    describe: 'Send without reading the live values first: no check for rows changed since the file was prepared, no unchanged rows skipped, no undo.csv',
    conflicts: {
      client: 'a blind run reads no client',
      'max-balance-change': 'it measures changes against the live values, which --blind does not read',
      'max-total-change': 'it measures changes against the live values, which --blind does not read',
      'max-expiry-move': 'it measures changes against the live values, which --blind does not read',
    },
  },
  'max-staleness': {
    type: 'number',
    default: 30,
    min: 0,
    max: 86_400,
    describe:
      "Seconds a client's live values may be old when a row of it is checked, just before its request; older, they are read again. Values read before the plan was confirmed never serve",
  },
  'client-names': {
    type: 'boolean',
    default: false,
    describe:
      "Also read the instance's client list (GET /clients, a request per 50 clients) to show each client's name beside its id in the plan, plan.csv, plan.html and report.html",
    conflicts: { blind: 'the names are read with the live values, which --blind does not read' },
  },
  reconcile: {
    type: 'boolean',
    default: true,
    describe:
      'Once sent, read the credit ledger of every credit account written to and report any redemption the writes overwrote between their last read and their PUT, with correction.csv to give it back (--no-reconcile skips it)',
  },
} as const satisfies FlagSpecs;

/** How much one run may change: a row over a per-row limit is invalid, a run over a run-wide limit refused. */
export const guardrailFlags = {
  'max-balance-change': {
    type: 'number',
    min: 0,
    describe: 'Guardrail: a row changing a balance by more credits than this, either way, is invalid',
    defaultText: 'no limit',
  },
  'max-total-change': {
    type: 'number',
    min: 0,
    describe: 'Guardrail: a run whose balance changes add up to more credits than this (each counted either way) is refused before anything is sent',
    defaultText: 'no limit',
  },
  'max-rows': {
    type: 'number',
    min: 0,
    describe: 'Guardrail: a run that would send more rows than this is refused before anything is sent',
    defaultText: 'no limit',
  },
  'max-expiry-move': {
    type: 'number',
    min: 0,
    max: 100_000,
    describe: 'Guardrail: a row moving an expiry date by more days than this, either way, is invalid',
    defaultText: 'no limit',
  },
} as const satisfies FlagSpecs;

/** How the live values are read before writing; undefined for a run that does not read them. */
export function resolveGuard(flags: Flags, reads: boolean): GuardOptions | undefined {
  const clients = uuids(flags, 'client', 'client');
  if (!reads) return undefined;
  // yargs reads --no-reconcile as reconcile false; absent, it is on.
  return {
    clients,
    maxStalenessMs: flags.number('max-staleness') * 1000,
    reconcile: flags.raw.reconcile !== false,
    clientNames: flags.boolean('client-names'),
  };
}

export function resolveLimits(flags: Flags): Limits {
  return {
    maxBalanceChange: flags.optionalNumber('max-balance-change'),
    maxTotalChange: flags.optionalNumber('max-total-change'),
    maxRows: flags.optionalNumber('max-rows'),
    maxExpiryMoveDays: flags.optionalNumber('max-expiry-move'),
  };
}

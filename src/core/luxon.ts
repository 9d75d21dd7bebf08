import { createRequire } from 'node:module';
import type * as Luxon from 'luxon';

let loaded: typeof Luxon | undefined;

/**
 * luxon, loaded the first time a date needs its calendar or time zones: most
 * files hold their dates in UTC, which are read without it, and a run that
 * needs it not spends no start-up on it. Loaded synchronously (its CommonJS
 * build), since the readers that need it are synchronous; every user of
 * luxon goes through here, so that one copy of it is ever loaded.
 */
export function luxon(): typeof Luxon {
  loaded ??= createRequire(import.meta.url)('luxon') as typeof Luxon;
  return loaded;
}

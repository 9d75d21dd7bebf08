import { luxon } from '../../core/luxon.js';

/**
 * A moment as a person reads it in the zone the run was given: to the
 * second, without milliseconds (`2027-03-31 23:59:59`). The zone is said
 * once, where the moments are introduced, not on every one.
 */
export function localMoment(iso: string, timezone: string): string {
  const moment = luxon().DateTime.fromISO(iso, { zone: 'utc' });
  return moment.isValid ? moment.setZone(timezone).toFormat('yyyy-MM-dd HH:mm:ss') : iso;
}

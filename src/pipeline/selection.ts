/**
 * Which credit batches a command keeps of those it reads: expiring within a
 * window of calendar days, and of some statuses. `snapshot` writes those it
 * keeps; `rollover` moves them.
 */

/** Calendar days, both included, in a time zone: from the first moment of `from` to the last of `to`. */
export interface ExpiryWindow {
  /** `YYYY-MM-DD`, as given. */
  readonly from: string;
  readonly to: string;
  readonly timezone: string;
  /** The first moment of `from` in `timezone`, in ms since the epoch. */
  readonly startMs: number;
  /** The last millisecond of `to` in `timezone`: an expiry at 23:59:59.999 that day is within. */
  readonly endMs: number;
}

export interface BatchSelection {
  readonly window?: ExpiryWindow | undefined;
  /** Statuses kept, in lower case; undefined keeps every status. */
  readonly statuses?: ReadonlySet<string> | undefined;
}

/** Whether the batch's expiry lies within the window: an expiry that cannot be read lies within none. */
export function expiresWithin(window: ExpiryWindow, expiresOn: string | undefined): boolean {
  const at = expiresOn === undefined ? Number.NaN : Date.parse(expiresOn);
  return Number.isFinite(at) && at >= window.startMs && at <= window.endMs;
}

/** Whether a batch is one the selection keeps. */
export function selects(selection: BatchSelection, batch: { readonly expiresOn?: string | undefined; readonly status?: unknown }): boolean {
  if (selection.window !== undefined && !expiresWithin(selection.window, batch.expiresOn)) return false;
  return selection.statuses === undefined || selection.statuses.has(String(batch.status ?? '').toLowerCase());
}

/** Whether the selection keeps only some batches. */
export function filters(selection: BatchSelection): boolean {
  return selection.window !== undefined || selection.statuses !== undefined;
}

/** The status a batch counts as when nothing else is said: the one a rollover moves without being asked. */
export const ACTIVE = 'active';

/** Whether a batch's status is active, whatever its case. */
export function isActive(status: string | undefined): boolean {
  return String(status ?? '').toLowerCase() === ACTIVE;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomically } from './atomic-file.js';
import { openRunLog } from './log.js';
import { RunLock } from './run-lock.js';
import { SUMMARY_FILE } from './summary.js';

/** How one notification of a run's end went: its webhook's origin only (a webhook's path is a secret of its own). */
export interface NotifyOutcome {
  readonly url: string;
  readonly delivered: boolean;
  readonly attempts: number;
  readonly status: number | null;
  readonly error: string | null;
}

/** Longest the notes wait for a folder another process took meanwhile (a resume started at once). */
const NOTE_LOCK_WAIT_MS = 5000;

/**
 * Adds to a finished run's folder how the notifications of its end went: a
 * line of run.log each, and `notify` in summary.json (verify.json for
 * `verify`, which adds to a run's folder). They are sent once the
 * run has ended (its outcome is the news), so they are written after it,
 * under the folder's lock again. False when the folder could not be taken or
 * written: the notes are then only printed.
 */
export async function recordNotifications(folder: string, outcomes: readonly NotifyOutcome[], summaryFile = SUMMARY_FILE): Promise<boolean> {
  let lock: RunLock;
  try {
    lock = await RunLock.acquireWithin(folder, () => new Date(), NOTE_LOCK_WAIT_MS);
  } catch {
    return false;
  }
  try {
    const log = openRunLog(join(folder, 'run.log'), 'info');
    for (const outcome of outcomes) {
      if (outcome.delivered) log.logger.info({ event: 'notify', ...outcome }, 'notification sent');
      else log.logger.warn({ event: 'notify', ...outcome }, 'notification failed; the run is as it ended');
    }
    await log.close();
    const path = join(folder, summaryFile);
    const summary = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeJsonAtomically(path, { ...summary, notify: outcomes });
    return true;
  } catch {
    return false;
  } finally {
    lock.release();
  }
}

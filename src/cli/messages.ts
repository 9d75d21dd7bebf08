import type { CommandError } from './command.js';
import { ResumeMismatch } from '../pipeline/resume.js';
import type { Outcome } from '../report/outcome.js';
import type { Summary } from '../report/summary.js';
import { flagOf } from './flags/recorded.js';
import { InternalError } from '../core/errors.js';

/**
 * The words every view shares: numbers, durations, errors. The engine
 * returns facts; the views (views/) turn them into what a person reads.
 */

// Whole numbers grouped by hand as en-US does: the first toLocaleString of a run loads ICU's locale data, a tenth of a one-row run's start-up.
export const count = (n: number): string =>
  Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : n.toLocaleString('en-US');
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600)
    return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60) > 0 ? `${Math.floor(seconds / 60)} min ` : ''}${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export const STOPPING =
  '\nStopping: no new row will be sent; waiting for the requests in flight to finish (Ctrl-C again to stop waiting: the run still ends with its summary, undo.csv and the resume command).\n';

/**
 * An error as the terminal shows it: the message, then the hint, which ends
 * with the code in brackets (a line of its own when there is no hint), for
 * the table of codes in docs/guide/exit-codes-and-error-codes.md.
 */
export function formatError(error: CommandError): string {
  const { message, hint, code } = wordsOf(error);
  const last = [hint, code === null ? null : `[${code}]`].filter((part) => part !== null).join(' ');
  return `error: ${message}\n${last === '' ? '' : `  ${last}\n`}`;
}

/** An error as every command's --json says it, summary.json's `error` alike: the code null when it has none. */
export function errorJson(error: CommandError): {
  readonly kind: string | null;
  readonly code: string | null;
  readonly message: string;
  readonly hint: string | null;
} {
  return { kind: error.kind ?? null, ...wordsOf(error) };
}

function wordsOf(error: CommandError): { readonly code: string | null; readonly message: string; readonly hint: string | null } {
  const { message, hint } = error instanceof ResumeMismatch ? describeMismatch(error) : error;
  return { code: error.code ?? null, message, hint: hint ?? null };
}

/** A resume refused for another setting than the run's, in the flags the user types. */
function describeMismatch(error: ResumeMismatch): { message: string; hint: string } {
  if (error.setting === 'skipInvalid' || error.setting === 'blind') {
    const flag = error.recorded === true ? 'with' : 'without';
    const name = flagOf(error.setting);
    return { message: `The run in ${error.folder} was started ${flag} ${name}.`, hint: `Resume it ${flag} ${name}, as recorded in its run.json.` };
  }
  const flag = flagOf(error.setting);
  return {
    message: `The run in ${error.folder} read the file with ${flag} ${describeSetting(error.recorded)}, not ${describeSetting(error.current)}.`,
    hint: `Resume it with the same ${flag} as recorded in its run.json, so that every row means what it meant then.`,
  };
}

function describeSetting(value: unknown): string {
  if (value === null) return '(not given)';
  if (typeof value === 'boolean') return value ? '(given)' : '(not given)';
  return JSON.stringify(value);
}

/** A bug's message; its stack only when asked for with --log-level debug. */
export function formatInternalError(error: unknown, withStack: boolean): string {
  const text = error instanceof Error ? (withStack ? (error.stack ?? error.message) : error.message) : String(error);
  const more = withStack ? '' : ' Run the same command with --log-level debug to see where it happened.';
  // A bug the code foresaw carries a code: the person reporting it quotes it.
  const code = error instanceof InternalError ? ` [${error.code}]` : '';
  return `internal error: ${text}\nThis is a bug in ti-credits; please report it with the run.log of the run folder.${more}${code}\n`;
}

export const CONFIRM_QUESTION = 'Send these changes? [y/N] ';

/** The summary's counts per outcome, 0 for the outcomes this run's rows could not have. */
export function rowCounts(summary: Pick<Summary<unknown>, 'rows'>): Record<Outcome, number> & { readonly total: number } {
  return { updated: 0, unchanged: 0, drifted: 0, uncertain: 0, failed: 0, invalid: 0, skipped: 0, valid: 0, holds: 0, changed: 0, ...summary.rows };
}

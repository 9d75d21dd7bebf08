import { join, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { TiError } from '../core/errors.js';
import { previewJson } from '../core/preview.js';
import type { RunResult } from '../pipeline/bulk-ingest.js';
import type { Plan } from '../pipeline/plan.js';
import type { Limits } from '../pipeline/run-options.js';
import type { SnapshotResult } from '../pipeline/snapshot.js';
import type { VerifyResult } from '../pipeline/verify.js';
import { ResumeMismatch } from '../pipeline/resume.js';
import type { Outcome } from '../report/outcome.js';
import { FAILED_WORKBOOK, REPORT_WORKBOOK } from '../report/excel-copies.js';
import { FAILED_FILE, REPORT_FILE } from '../report/report-writer.js';
import type { RecordedOptions } from '../report/run-record.js';
import type { Summary } from '../report/summary.js';
import { API_PATH } from '../send/api-target.js';
import { flagOf, recordedFlags, shellWord } from './options.js';

/** Everything ti-credits says to a person. The engine returns facts; the words live here. */

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60) > 0 ? `${Math.floor(seconds / 60)} min ` : ''}${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export const STOPPING = '\nStopping: no new row will be sent; waiting for the requests in flight to finish (Ctrl-C again to quit at once).\n';

export function formatError(error: Pick<TiError, 'message'> & { readonly hint?: string | null | undefined }): string {
  const { message, hint } = error instanceof ResumeMismatch ? describeMismatch(error) : error;
  return `error: ${message}\n${hint === undefined || hint === null ? '' : `  ${hint}\n`}`;
}

/** Guardrails as run.json and summary.json record them (null where not set). */
function recordedLimits(limits: NonNullable<RecordedOptions['limits']>): Limits {
  return {
    ...(limits.maxBalanceChange === null ? {} : { maxBalanceChange: limits.maxBalanceChange }),
    ...(limits.maxTotalChange === null ? {} : { maxTotalChange: limits.maxTotalChange }),
    ...(limits.maxRows === null ? {} : { maxRows: limits.maxRows }),
    ...(limits.maxExpiryMoveDays === null ? {} : { maxExpiryMoveDays: limits.maxExpiryMoveDays }),
  };
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
  return `internal error: ${text}\nThis is a bug in ti-credits; please report it with the run.log of the run folder.${more}\n`;
}

/**
 * How long sending takes at the pace allowed, said before it starts: the
 * rate limit, not the client, sets it. The first `burst` rows go at once.
 */
export function formatEstimate(rows: number, ratePerMinute: number, burst: number): string {
  if (ratePerMinute <= 0) return `${plural(rows, 'row')} at the pace the API's rate-limit headers allow.`;
  const ms = (Math.max(0, rows - burst) / ratePerMinute) * 60_000;
  return `${plural(rows, 'row')} at ${count(ratePerMinute)}/min: ${ms < 1000 ? 'under a second' : `about ${formatDuration(ms)}`}.`;
}

const KEY_KINDS = { live: 'a production key (ti_live_…)', test: 'a sandbox key (ti_test_…)', unknown: 'a key that is neither ti_live_ nor ti_test_' } as const;

/** The facts of a run a plan is shown with. */
export interface PlanContext {
  readonly target: string;
  readonly keyKind: keyof typeof KEY_KINDS;
  readonly ratePerMinute: number;
  readonly burst: number;
  /** Reading before writing: how fresh the live values must be when a row is checked; undefined for --blind. */
  readonly maxStalenessMs: number | undefined;
  /** The guardrails in force. */
  readonly limits: Limits | undefined;
  /** Whether the valid rows go without the invalid ones; without it, a file with an invalid row sends nothing. */
  readonly skipInvalid: boolean;
}

const signed = (n: bigint | number): string => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${(n < 0 ? -n : n).toLocaleString('en-US')}`;
const shortId = (id: string): string => `${id.slice(0, 8)}…`;

/** What `apply` is about to do: shown before anything is sent, and by --dry-run. */
export function formatPlan(plan: Plan, facts: PlanContext): string {
  const { changes } = plan;
  const checked = changes === undefined ? '' : ', checked against their live values';
  const lines = [`Plan: update ${plural(plan.rows, 'credit batch', 'credit batches')} on ${facts.target} with ${KEY_KINDS[facts.keyKind]}${checked}.`];
  if (plan.saved !== undefined) lines.push(`  Saved plan id: ${plan.saved}`);
  const fields = (Object.entries(plan.fields) as [string, number][]).filter(([, rows]) => rows > 0).sort((a, b) => b[1] - a[1]);
  if (changes === undefined) {
    if (fields.length > 0) lines.push(`  Fields set: ${fields.map(([field, rows], index) => `${field} on ${index === 0 ? plural(rows, 'row') : count(rows)}`).join(', ')}.`);
    if (plan.fields.currentBalance > 0) lines.push(`  currentBalance: ${plan.balanceSum.toLocaleString('en-US')} credits set in all.`);
    if (plan.expiry !== undefined) {
      const { earliest, latest } = plan.expiry;
      lines.push(earliest === latest ? `  expiresOn: ${earliest} on every row that sets it.` : `  expiresOn: from ${earliest} to ${latest}.`);
    }
  } else {
    const { balance, expiry } = changes;
    if (plan.fields.currentBalance > 0) {
      lines.push(
        `  currentBalance: ${plural(plan.fields.currentBalance, 'row')}, ${balance.before.toLocaleString('en-US')} → ${balance.after.toLocaleString('en-US')} credits (net ${signed(balance.after - balance.before)}: ${balance.added.toLocaleString('en-US')} added, ${balance.removed.toLocaleString('en-US')} taken away); ${count(balance.up)} up, ${count(balance.down)} down.`,
      );
      lines.push(`    largest: ${balance.largest.map((change) => `line ${change.line} (${shortId(change.id)}) ${count(change.before)} → ${count(change.after)} (${signed(change.after - change.before)})`).join('; ')}.`);
      const { belowAllocated } = changes;
      if (belowAllocated.rows > 0) {
        const shown = belowAllocated.first.map((change) => `line ${change.line} (${shortId(change.id)}) ${count(change.after)} < ${count(change.allocated)}`).join('; ');
        lines.push(`    ${plural(belowAllocated.rows, 'row ends', 'rows end')} below the credits already allocated from the batch: ${shown}.`);
      }
    }
    if (plan.fields.expiresOn > 0 && plan.expiry !== undefined) {
      const { earliest, latest } = plan.expiry;
      const range = earliest === latest ? `all to ${earliest}` : `new dates from ${earliest} to ${latest}`;
      lines.push(`  expiresOn: ${plural(plan.fields.expiresOn, 'row')}, ${count(expiry.later)} later, ${count(expiry.earlier)} earlier; ${range}.`);
    }
    if (changes.renamed > 0) lines.push(`  name: ${plural(changes.renamed, 'row')} renamed.`);
  }
  const notSent = [
    changes !== undefined && changes.unchanged > 0 ? `${plural(changes.unchanged, 'row')} already as asked (unchanged)` : '',
    changes !== undefined && changes.drifted > 0 ? `${plural(changes.drifted, 'row')} whose batch changed since the file was prepared (drifted)` : '',
    plan.invalid > 0 ? `${plural(plan.invalid, 'invalid row')}${facts.skipInvalid ? ' (--skip-invalid)' : ', and without --skip-invalid no row is sent while one is invalid'}` : '',
    plan.alreadyUpdated > 0 ? `${plural(plan.alreadyUpdated, 'row')} the interrupted run already updated` : '',
  ].filter((part) => part !== '');
  if (notSent.length > 0) lines.push(`  Not sent: ${notSent.join('; ')}.`);
  if (plan.notes.length > 0) lines.push(`  Carried to the report, not sent: ${plan.notes.map((name) => previewJson(name)).join(', ')}.`);
  if (changes === undefined) {
    lines.push('  Not checked (--blind): rows are sent without reading the live values, so a change made since the file was prepared is overwritten; no undo.csv.');
  } else {
    const staleness = facts.maxStalenessMs === undefined ? '' : ` (read again when older than ${formatDuration(facts.maxStalenessMs)})`;
    lines.push(`  Live values read with ${plural(changes.readRequests, 'request')}; each row is checked again just before it is sent${staleness}.`);
  }
  const guardrails = formatLimits(facts.limits);
  if (guardrails !== undefined) lines.push(`  Guardrails: ${guardrails}.`);
  lines.push(`  ${formatEstimate(plan.rows, facts.ratePerMinute, facts.burst)}`);
  return `${lines.join('\n')}\n`;
}

/** The guardrails in force, in words; undefined when none is. */
function formatLimits(limits: Limits | undefined): string | undefined {
  if (limits === undefined) return undefined;
  const parts = [
    limits.maxBalanceChange === undefined ? '' : `a balance changed by at most ${count(limits.maxBalanceChange)} credits per row`,
    limits.maxTotalChange === undefined ? '' : `${count(limits.maxTotalChange)} credits in all`,
    limits.maxRows === undefined ? '' : `at most ${plural(limits.maxRows, 'row')}`,
    limits.maxExpiryMoveDays === undefined ? '' : `an expiry date moved by at most ${plural(limits.maxExpiryMoveDays, 'day')}`,
  ].filter((part) => part !== '');
  return parts.length === 0 ? undefined : parts.join(', ');
}

export const CONFIRM_QUESTION = 'Send these changes? [y/N] ';

/** Where sending stands, as one line: the progress bar's words, and what is printed every --progress-interval off a terminal. */
export interface ProgressFacts {
  readonly done: number;
  readonly total: number;
  readonly rowsPerMinute: number;
  readonly timeLeftMs: number | undefined;
  readonly updated: number;
  readonly failed: number;
  readonly retrying: number;
  readonly pauseLeftMs: number;
}

export function formatProgressCounts(facts: ProgressFacts): string {
  const left = facts.timeLeftMs === undefined ? 'time left unknown' : `about ${formatDuration(facts.timeLeftMs)} left`;
  return `${count(Math.round(facts.rowsPerMinute))} rows/min, ${left}; ${count(facts.updated)} updated, ${count(facts.failed)} failed, ${count(facts.retrying)} retrying`;
}

/** The parts of the progress bar's line that a narrow terminal can do without, least important first. */
const DROPPED_FIRST = ['pace', 'retrying', 'updated', 'bar', 'timeLeft', 'pause', 'failed'] as const;
type ProgressPart = (typeof DROPPED_FIRST)[number];

/** How the bar and the pause are drawn: the display's business (colour, the bar's characters). */
export interface ProgressDrawing {
  bar(fraction: number): string;
  pause(text: string): string;
}

/**
 * The progress bar's line, no wider than `width` columns: parts are left out,
 * least important first, until it fits, so that the rows done, the failed
 * count and a rate-limit pause are the last to go, where a line cut at the
 * terminal's edge would lose them first.
 */
export function formatProgressBar(facts: ProgressFacts, width: number, draw: ProgressDrawing): string {
  const pause = formatPause(facts.pauseLeftMs);
  const kept = new Set<ProgressPart>(DROPPED_FIRST.filter((part) => part !== 'pause' || pause !== ''));
  let line = progressBarLine(facts, kept, pause, draw);
  for (const part of DROPPED_FIRST) {
    if (stripVTControlCharacters(line).length <= width) break;
    kept.delete(part);
    line = progressBarLine(facts, kept, pause, draw);
  }
  return line;
}

function progressBarLine(facts: ProgressFacts, kept: ReadonlySet<ProgressPart>, pause: string, draw: ProgressDrawing): string {
  const part = (name: ProgressPart, text: string): string => (kept.has(name) ? text : '');
  const joined = (separator: string, ...parts: string[]): string => parts.filter((text) => text !== '').join(separator);
  const left = facts.timeLeftMs === undefined ? 'time left unknown' : `about ${formatDuration(facts.timeLeftMs)} left`;
  return joined(
    ' | ',
    joined(' ', part('bar', draw.bar(facts.total > 0 ? facts.done / facts.total : 0)), `${count(facts.done)}/${count(facts.total)} rows`),
    joined(
      '; ',
      joined(', ', part('pace', `${count(Math.round(facts.rowsPerMinute))} rows/min`), part('timeLeft', left)),
      joined(', ', part('updated', `${count(facts.updated)} updated`), part('failed', `${count(facts.failed)} failed`), part('retrying', `${count(facts.retrying)} retrying`)),
    ),
    part('pause', pause === '' ? '' : draw.pause(pause)),
  );
}

export function formatPause(pauseLeftMs: number): string {
  return pauseLeftMs > 0 ? `paused by rate limit, resuming in ${Math.ceil(pauseLeftMs / 1000)} s` : '';
}

export function formatProgressLine(facts: ProgressFacts): string {
  const share = facts.total > 0 ? ` (${Math.floor((facts.done * 100) / facts.total)}%)` : '';
  const pause = formatPause(facts.pauseLeftMs);
  return `progress: ${count(facts.done)}/${plural(facts.total, 'row')}${share}, ${formatProgressCounts(facts)}${pause === '' ? '' : `; ${pause}`}\n`;
}

/** What `snapshot` wrote, or why it wrote nothing. */
export function formatSnapshotSummary(result: SnapshotResult, cwd: string): string {
  const { summary } = result;
  const snapshot = summary.snapshot;
  const requests = `${plural(summary.requests.sent, 'request')}, ${formatDuration(summary.wallTimeMs)}`;
  if (result.file === undefined || snapshot === undefined) return `No snapshot was written (${requests}); run log: ${relative(cwd, join(result.folder, 'run.log'))}\n`;
  return `Snapshot: ${plural(snapshot.batches, 'credit batch', 'credit batches')} of ${plural(snapshot.clients, 'client')} (${requests}).\nFile: ${relative(cwd, result.file) || result.file}\n`;
}

/**
 * How a command printed for the operator to run next must be started to work when pasted:
 * `yes` when the run had --yes or no terminal, where a command without it would only ask.
 */
export interface Reissue {
  readonly yes: boolean;
}

/** Where a saved plan is, its id, and how it is sent once approved. */
export function formatSavedPlan(result: RunResult, cwd: string): string {
  const folder = relative(cwd, result.folder) || result.folder;
  const saved = [`Saved plan: ${folder} (plan.json, plan.html, plan.csv)`, `  id ${result.plan?.saved ?? ''}`];
  // A plan of a file with invalid rows, made without --skip-invalid, is one apply --plan would refuse: it is not offered.
  if ((result.summary.rows.invalid ?? 0) > 0 && result.summary.options.skipInvalid !== true) {
    return [...saved, 'It cannot be sent as it is: fix the invalid rows (report.csv says why) and make the plan again, or make it with --skip-invalid.', ''].join('\n');
  }
  return [...saved, 'Once approved, send exactly this plan with:', `  ti-credits apply --plan ${shellWord(folder)}`, ''].join('\n');
}

/** What `verify` found. */
export function formatVerifySummary(result: VerifyResult, cwd: string): string {
  const { summary } = result;
  const rows = rowCounts(summary);
  if (result.file === undefined) return `Nothing was verified (${plural(summary.requests.sent, 'request')}).\n`;
  const lines = [`Verified ${plural(rows.total, 'row')} the run in ${relative(cwd, result.folder) || result.folder} updated: ${count(rows.holds)} ${rows.holds === 1 ? 'holds' : 'hold'}, ${count(rows.changed)} changed since (${plural(summary.requests.sent, 'request')}, ${formatDuration(summary.wallTimeMs)}).`];
  const changed = result.rows.filter((row) => row.result === 'changed').slice(0, 5);
  for (const row of changed) lines.push(`  line ${row.line} (${row.id}): wrote ${previewJson(row.written)}, now ${row.live === null ? 'not listed for its client' : previewJson(row.live)}`);
  if (rows.changed > changed.length) lines.push(`  … and ${plural(rows.changed - changed.length, 'more row')} in verify.csv.`);
  lines.push(`File: ${relative(cwd, result.file) || result.file}`);
  return `${lines.join('\n')}\n`;
}

/** The terminal summary of a finished run. */
export function formatRunSummary(result: RunResult, cwd: string, reissue: Reissue = { yes: false }): string {
  const { summary, tally, folder } = result;
  const rows = rowCounts(summary);
  const where = (file: string): string => relative(cwd, join(folder, file)) || file;
  const lines: string[] = [];
  const invalidPart = rows.invalid > 0 ? `, ${count(rows.invalid)} invalid` : '';

  if (summary.status === 'refused' && rows.total === 0) {
    const what = summary.command === 'validate' ? 'No row was validated' : summary.dryRun ? 'No row was checked' : 'Nothing was sent';
    lines.push(`${what}: the error above must be fixed first.`);
  } else if (summary.command === 'validate' || summary.dryRun) {
    const verb = summary.dryRun ? 'Dry run' : 'Validated';
    const checkedParts = `${rows.unchanged > 0 ? `, ${count(rows.unchanged)} unchanged` : ''}${rows.drifted > 0 ? `, ${count(rows.drifted)} drifted` : ''}`;
    lines.push(`${verb}: ${plural(rows.total, 'row')} in ${summary.input ? relative(cwd, summary.input) : 'the file'}: ${count(rows.valid)} valid${checkedParts}${invalidPart}.`);
    if (result.plan !== undefined && summary.target !== null) {
      const { keyKind = 'unknown', ratePerMinute = 0, burst = 0, maxStalenessMs, limits, skipInvalid = false } = summary.options;
      lines.push(formatPlan(result.plan, { target: summary.target, keyKind, ratePerMinute, burst, maxStalenessMs: maxStalenessMs ?? undefined, limits: limits === undefined ? undefined : recordedLimits(limits), skipInvalid }).trimEnd());
    }
    if (summary.dryRun && rows.valid > 0 && summary.target !== null) {
      lines.push(`These requests would be sent to ${summary.target} (first ${Math.min(result.preview.length, rows.valid)} of ${count(rows.valid)}):`);
      for (const request of result.preview) {
        lines.push(`  line ${request.line}: PUT ${API_PATH}/clients/creditBatches/${request.id} ${previewJson(request.body)}`);
      }
      lines.push(result.keyAccepted ? 'The API accepted the key (GET /incoming/v2/ping); no change was sent.' : 'Nothing was sent.');
    }
  } else if (summary.status === 'interrupted' && summary.requests.sent === 0) {
    lines.push(`Nothing was sent: the run was interrupted before sending began${rows.total > 0 ? `; the report lists the ${plural(rows.total, 'row')} as skipped` : ''}.`);
  } else if (summary.status === 'refused') {
    if (rows.invalid > 0) lines.push(`${plural(rows.invalid, 'row is', 'rows are')} invalid out of ${count(rows.total)}; nothing was sent.`);
    else if (rows.total > 0) lines.push(`Nothing was sent; the report lists the ${plural(rows.total, 'row')} as skipped.`);
  } else {
    const parts = [
      rows.unchanged > 0 ? `${count(rows.unchanged)} unchanged (already as asked)` : '',
      rows.drifted > 0 ? `${count(rows.drifted)} drifted (changed since the file was prepared; not sent)` : '',
      rows.failed > 0 ? `${count(rows.failed)} failed` : '',
      rows.invalid > 0 ? `${count(rows.invalid)} invalid (not sent)` : '',
      rows.skipped > 0 ? `${count(rows.skipped)} skipped (not sent)` : '',
    ].filter((part) => part !== '');
    lines.push(
      `Updated ${count(rows.updated)} of ${plural(rows.total, 'row')} on ${summary.target ?? 'the API'} in ${formatDuration(summary.wallTimeMs)}${parts.length > 0 ? `; ${parts.join(', ')}` : ''}.`,
    );
    const { requests, pacing } = summary;
    const throttled = requests.throttled > 0 ? `, ${count(requests.throttled)} answered 429 (rate limit)` : '';
    const table: [string, string][] = [
      ['updated', count(rows.updated)],
      ...(rows.unchanged > 0 ? [['unchanged', count(rows.unchanged)] as [string, string]] : []),
      ...(rows.drifted > 0 ? [['drifted', count(rows.drifted)] as [string, string]] : []),
      ['failed', count(rows.failed)],
      ...(rows.invalid > 0 ? [['invalid', count(rows.invalid)] as [string, string]] : []),
      ...(rows.skipped > 0 ? [['skipped', count(rows.skipped)] as [string, string]] : []),
      ['requests', `${count(requests.sent)} sent, ${plural(requests.retries, 'retry', 'retries')}${throttled}`],
      ...(pacing !== null && pacing.pausedMs > 0 ? [['paused', `${formatDuration(pacing.pausedMs)} in all (${plural(pacing.pauses, 'pause')} after a 429)`] as [string, string]] : []),
      ['wall time', formatDuration(summary.wallTimeMs)],
      ['run folder', relative(cwd, folder) || folder],
    ];
    const width = Math.max(...table.map(([label]) => label.length));
    lines.push('', ...table.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), '');
    if (pacing !== null && summary.options.ratePerMinute !== undefined && summary.options.ratePerMinute !== pacing.ratePerMinute) {
      lines.push(`Paced at ${count(pacing.ratePerMinute)} requests/min, following the API's X-RateLimit-Limit (--rate ${count(summary.options.ratePerMinute)}).`);
    }
  }

  if (tally.problems.length > 0) {
    lines.push(...tally.problems.map((problem) => `  ${problem}`));
    if (rows.invalid > tally.problems.length) lines.push(`  … and ${plural(rows.invalid - tally.problems.length, 'more invalid row')} in the report.`);
  }
  const topErrors = [...tally.errors.values()].sort((a, b) => b.times - a.times).slice(0, 3);
  if (topErrors.length > 0) {
    lines.push('Most frequent errors:');
    // A shape seen once is shown as it was (its id is the one to look up); a group, as what its messages share.
    for (const { shown, times } of topErrors) lines.push(`  ${count(times)} × ${shown}`);
  }
  if (rows.total > 0) lines.push(`Report: ${where(REPORT_FILE)}${summary.options.excel ? ` (and ${where(REPORT_WORKBOOK)}, for Excel)` : ''}`);
  const nothingSent = summary.status === 'interrupted' && summary.requests.sent === 0;
  if ((summary.status === 'interrupted' || summary.status === 'stopped') && !nothingSent && summary.command === 'apply' && !summary.dryRun && summary.target !== null) {
    // run.json holds the file, the target and the options: the folder is all a resume needs.
    lines.push('To continue where it stopped (rows already updated are not sent again):');
    lines.push(`  ti-credits apply --resume ${pathFrom(cwd, folder)}${reissue.yes ? ' --yes' : ''}`);
  }
  if (result.undo !== undefined) lines.push(`Undo: ${relative(cwd, result.undo) || result.undo} (give it to apply to put back what this run changed)`);
  const notDone = rows.failed + rows.skipped + rows.drifted + (summary.command === 'apply' && !summary.dryRun ? rows.invalid : 0);
  // Refused with every row valid (the plan was not confirmed), the same command is the one to run again.
  const onlyUnconfirmed = summary.status === 'refused' && rows.invalid === 0;
  if (notDone > 0 && !onlyUnconfirmed && !nothingSent && summary.command === 'apply' && !summary.dryRun && summary.target !== null) {
    lines.push(`Rows not updated: ${where(FAILED_FILE)}${summary.options.excel ? ` (or ${where(FAILED_WORKBOOK)}, to fix in Excel)` : ''}; once fixed, send them with:`);
    // failed.csv is always UTF-8 with commas, and has no sheets: the layout flags would misread it.
    const flags = recordedFlags(summary.options, ['base-url', 'encoding', 'delimiter', 'sheet']);
    lines.push(`  ${['ti-credits apply', pathFrom(cwd, join(folder, FAILED_FILE)), targetFlag(summary.target), ...flags, ...(reissue.yes ? ['--yes'] : [])].join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The summary's counts per outcome, 0 for the outcomes this run's rows could not have. */
export function rowCounts(summary: Pick<Summary<unknown>, 'rows'>): Record<Outcome, number> & { readonly total: number } {
  return { updated: 0, unchanged: 0, drifted: 0, failed: 0, invalid: 0, skipped: 0, valid: 0, holds: 0, changed: 0, ...summary.rows };
}

/** `path` as a command typed in `cwd` names it. */
function pathFrom(cwd: string, path: string): string {
  return shellWord(relative(cwd, path) || path);
}

function targetFlag(origin: string): string {
  const instance = /^https:\/\/([a-z0-9-]+)\.thoughtindustries\.com$/.exec(origin)?.[1];
  return instance === undefined ? `--base-url ${shellWord(origin)}` : `--instance ${instance}`;
}

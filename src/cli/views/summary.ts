import { join, relative } from 'node:path';
import { previewJson } from '../../core/preview.js';
import type { PacingStats } from '../../core/run-facts.js';
import type { ReconciliationFacts } from '../../pipeline/reconcile-folder.js';
import type { RunResult } from '../../pipeline/run.js';
import type { Summary } from '../../report/summary.js';
import type { SnapshotResult } from '../../pipeline/snapshot.js';
import type { VerifyResult } from '../../pipeline/verify.js';
import { FAILED_WORKBOOK, REPORT_WORKBOOK } from '../../report/excel-copies.js';
import { FAILED_FILE, REPORT_FILE } from '../../report/report-writer.js';
import { API_PATH } from '../../send/api-target.js';
import { recordedFlags, shellWord } from '../flags/recorded.js';
import { confirmationName } from '../live-target.js';
import { count, formatDuration, plural, rowCounts } from '../messages.js';
import { formatPlan, recordedLimits } from './plan.js';
import { selectionWords } from './selection.js';

/** What `snapshot` wrote, or why it wrote nothing. */
export function formatSnapshotSummary(result: SnapshotResult, cwd: string): string {
  const { summary } = result;
  const snapshot = summary.snapshot;
  const requests = `${plural(summary.requests.sent, 'request')}, ${formatDuration(summary.wallTimeMs)}`;
  if (result.file === undefined || snapshot === undefined)
    return `No snapshot was written (${requests}); run log: ${relative(cwd, join(result.folder, 'run.log'))}\n`;
  const batches =
    snapshot.listed === undefined
      ? plural(snapshot.batches, 'credit batch', 'credit batches')
      : `${count(snapshot.batches)} of ${plural(snapshot.listed, 'credit batch', 'credit batches')}`;
  return `Snapshot: ${batches} of ${plural(snapshot.clients, 'client')}${selectionWords(summary.options)} (${requests}).\nFile: ${relative(cwd, result.file) || result.file}\n`;
}

/**
 * How a command printed for the operator to run next must be started to work when pasted:
 * `yes` when the run had --yes or no terminal, where a command without it would only ask.
 */
export interface Reissue {
  readonly yes: boolean;
}

/** What `verify` found. */
export function formatVerifySummary(result: VerifyResult, cwd: string): string {
  const { summary } = result;
  const rows = rowCounts(summary);
  if (result.file === undefined) return `Nothing was verified (${plural(summary.requests.sent, 'request')}).\n`;
  const lines = [
    `Verified ${plural(rows.total, 'row')} the run in ${relative(cwd, result.folder) || result.folder} updated: ${count(rows.holds)} ${rows.holds === 1 ? 'holds' : 'hold'}, ${count(rows.changed)} changed since (${plural(summary.requests.sent, 'request')}, ${formatDuration(summary.wallTimeMs)}).`,
  ];
  const changed = result.rows.filter((row) => row.result === 'changed').slice(0, 5);
  for (const row of changed)
    lines.push(
      `  line ${row.line} (${row.id}): wrote ${previewJson(row.written)}, now ${row.live === null ? 'not listed for its client' : previewJson(row.live)}`,
    );
  if (rows.changed > changed.length) lines.push(`  … and ${plural(rows.changed - changed.length, 'more row')} in verify.csv.`);
  lines.push(`File: ${relative(cwd, result.file) || result.file}`);
  lines.push(...reconciliationLines(summary.reconciliation, cwd, result.folder, summary.target));
  return `${lines.join('\n')}\n`;
}

/**
 * How the run's pace came to be, when the API set it: by stating its limit,
 * or, stating none, by answering 429; undefined when the pace was the one told.
 */
function formatPaceLearned(pacing: PacingStats, told: number | null | undefined, start: number | undefined): string | undefined {
  const rate = `${count(pacing.ratePerMinute)} requests/min`;
  const ceiling = told === null || told === undefined || told === 0 ? undefined : `--rate ${count(told)}`;
  if (pacing.learnedRatePerMinute === null) return undefined;
  if (pacing.throttled)
    return `Paced at ${rate} at the end, learned from the API's 429s (it stated no limit${ceiling === undefined ? '' : `; ${ceiling}`}); the next run against it starts there.`;
  if (pacing.ratePerMinute === (told ?? start)) return undefined;
  return `Paced at ${rate}, following the API's X-RateLimit-Limit${ceiling === undefined ? '' : ` (${ceiling})`}.`;
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
    // A row skipped (its key refused, say) was not checked against the live values: counted apart, not as one found wanting.
    const skippedPart = summary.dryRun && rows.skipped > 0 ? `, ${count(rows.skipped)} not checked` : '';
    const checkedParts = `${rows.unchanged > 0 ? `, ${count(rows.unchanged)} unchanged` : ''}${rows.drifted > 0 ? `, ${count(rows.drifted)} drifted` : ''}${skippedPart}`;
    lines.push(
      `${verb}: ${plural(rows.total, 'row')} in ${summary.input ? relative(cwd, summary.input) : 'the file'}: ${count(rows.valid)} valid${checkedParts}${invalidPart}.`,
    );
    if (result.plan !== undefined && summary.target !== null) {
      const { keyKind = 'unknown', burst = 0, maxStalenessMs, limits, skipInvalid = false } = summary.options;
      // The pace the dry run's requests found, or, when it made none, where the pace starts.
      const ratePerMinute = summary.pacing?.ratePerMinute ?? summary.options.startRatePerMinute ?? summary.options.ratePerMinute ?? 0;
      const reconcile = summary.options.reconcile === true;
      lines.push(
        formatPlan(result.plan, {
          profile: summary.options.profile,
          target: summary.target,
          keyKind,
          ratePerMinute,
          burst,
          maxStalenessMs: maxStalenessMs ?? undefined,
          limits: limits === undefined ? undefined : recordedLimits(limits),
          skipInvalid,
          reconcile,
          timezone: summary.options.timezone,
          cwd,
        }).trimEnd(),
      );
    }
    if (summary.dryRun && rows.valid > 0 && summary.target !== null) {
      lines.push(`These requests would be sent to ${summary.target} (first ${Math.min(result.preview.length, rows.valid)} of ${count(rows.valid)}):`);
      for (const request of result.preview) {
        lines.push(`  line ${request.line}: PUT ${API_PATH}/clients/creditBatches/${request.id} ${previewJson(request.body)}`);
      }
      lines.push(result.keyAccepted ? 'The API accepted the key (GET /incoming/v2/ping); no change was sent.' : 'Nothing was sent.');
    }
  } else if (summary.status === 'interrupted' && summary.requests.sent === 0) {
    lines.push(
      `Nothing was sent: the run was interrupted before sending began${rows.skipped > 0 ? `; the report lists the ${plural(rows.skipped, 'row')} it would have sent as skipped` : ''}${earlier(rows.updated)}.`,
    );
  } else if (summary.status === 'refused') {
    if (rows.invalid > 0)
      lines.push(`${plural(rows.invalid, 'row is', 'rows are')} invalid out of ${count(rows.total)}; nothing was sent${earlier(rows.updated)}.`);
    else if (rows.total > 0)
      lines.push(
        `Nothing was sent${rows.skipped > 0 ? `; the report lists the ${plural(rows.skipped, 'row')} it would have sent as skipped` : ''}${earlier(rows.updated)}.`,
      );
  } else {
    const parts = [
      rows.unchanged > 0 ? `${count(rows.unchanged)} unchanged (already as asked)` : '',
      rows.drifted > 0 ? `${count(rows.drifted)} drifted (changed since the file was prepared; not sent)` : '',
      rows.failed > 0 ? `${count(rows.failed)} failed` : '',
      rows.invalid > 0 ? `${count(rows.invalid)} invalid (not sent)` : '',
      rows.skipped > 0 ? `${count(rows.skipped)} skipped (not sent)` : '',
    ].filter((part) => part !== '');
    // A run stopped before it recorded a row (a full disk as report.csv was started) has no total to give: "0 of 0 rows" would say the file was empty.
    const ofTotal = rows.total > 0 ? ` of ${plural(rows.total, 'row')}` : ' rows';
    lines.push(
      `Updated ${count(rows.updated)}${ofTotal} on ${summary.target ?? 'the API'} in ${formatDuration(summary.wallTimeMs)}${parts.length > 0 ? `; ${parts.join(', ')}` : ''}${rows.total === 0 && summary.status !== 'completed' ? '; no row was recorded before the run stopped' : ''}.`,
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
      ...(pacing !== null && pacing.pausedMs > 0
        ? [['paused', `${formatDuration(pacing.pausedMs)} in all (${plural(pacing.pauses, 'pause')} after a 429)`] as [string, string]]
        : []),
      ['wall time', formatDuration(summary.wallTimeMs)],
      ['run folder', relative(cwd, folder) || folder],
    ];
    const width = Math.max(...table.map(([label]) => label.length));
    lines.push('', ...table.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), '');
    const paced = pacing === null ? undefined : formatPaceLearned(pacing, summary.options.ratePerMinute, summary.options.startRatePerMinute);
    if (paced !== undefined) lines.push(paced);
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
  const resumable =
    (summary.status === 'interrupted' || summary.status === 'stopped') &&
    !nothingSent &&
    summary.command === 'apply' &&
    !summary.dryRun &&
    summary.target !== null;
  if (resumable) {
    // The one next step, first: run.json holds the file, the target and the options, so the folder is all a resume needs.
    lines.push('To continue where it stopped (rows already updated are not sent again):');
    lines.push(`  ${['ti-credits apply --resume', pathFrom(cwd, folder), ...profileWords(summary, reissue), ...(reissue.yes ? ['--yes'] : [])].join(' ')}`);
    if (rows.failed > 0) lines.push(`  The resume sends again the ${plural(rows.failed, 'row')} that failed too; do not send failed.csv as well.`);
  }
  if (rows.uncertain > 0) {
    lines.push(
      `Uncertain: ${plural(rows.uncertain, 'row')} whose delta may have been applied by a request whose answer was lost, on a balance that moved since (report.csv says which); never sent again: check each in Thought Industries.`,
    );
  }
  lines.push(...reconciliationLines(summary.reconciliation, cwd, folder, summary.target));
  // A run that updated no row changed nothing to put back: its undo.csv is a header alone, not offered.
  if (result.undo !== undefined && rows.updated > 0)
    lines.push(`Undo: ${relative(cwd, result.undo) || result.undo} (give it to apply to put back what this run changed)`);
  // Only rows that really failed (or are invalid) are offered to send again: a drifted row is no failure, and rows a
  // resume will send must not be sent by a second command too.
  const toFix = rows.failed + (summary.command === 'apply' && !summary.dryRun ? rows.invalid : 0);
  // Refused with every row valid (the plan was not confirmed), the same command is the one to run again.
  const onlyUnconfirmed = summary.status === 'refused' && rows.invalid === 0;
  if (toFix > 0 && !resumable && !onlyUnconfirmed && !nothingSent && summary.command === 'apply' && !summary.dryRun && summary.target !== null) {
    lines.push(
      `Rows not updated: ${where(FAILED_FILE)}${summary.options.excel ? ` (or ${where(FAILED_WORKBOOK)}, to fix in Excel)` : ''}; once fixed, send them with:`,
    );
    // failed.csv is always UTF-8 with commas, and has no sheets: the layout flags would misread it.
    const flags = recordedFlags(summary.options, ['base-url', 'encoding', 'delimiter', 'sheet']);
    lines.push(
      `  ${['ti-credits apply', pathFrom(cwd, join(folder, FAILED_FILE)), targetFlag(summary.target), ...flags, ...profileWords(summary, reissue), ...(reissue.yes ? ['--yes'] : [])].join(' ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What a printed command needs to go where this run went: its profile, and beside --yes on a live target, the instance's name. */
function profileWords(summary: RunResult['summary'], reissue: Reissue): string[] {
  const words = summary.options.profile === undefined ? [] : [`--profile ${shellWord(summary.options.profile)}`];
  if (reissue.yes && summary.options.keyKind === 'live' && summary.target !== null)
    words.push(`--confirm-instance ${shellWord(confirmationName(summary.target))}`);
  return words;
}

/** A resumed run that sent nothing this time says what its earlier sessions updated. */
function earlier(updated: number): string {
  return updated > 0 ? ` (${plural(updated, 'row was', 'rows were')} updated by the run's earlier sessions)` : '';
}

/** What reconciling the writes against the credit ledger found, in words; none when it was not attempted. */
function reconciliationLines(reconciliation: Summary['reconciliation'], cwd: string, folder: string, target: string | null): string[] {
  if (reconciliation === undefined) return [];
  const facts = reconciliation as ReconciliationFacts;
  if (facts.checked === null) {
    return [
      `Not reconciled against the credit ledger: ${facts.reason}. Nothing is claimed about what the writes overwrote; ti-credits verify ${pathFrom(cwd, folder)} tries again.`,
    ];
  }
  if (facts.checked === 0 && facts.accounts === 0) return [];
  const read = `${plural(facts.checked, 'ledger action')} read in ${plural(facts.accounts, 'credit account')}`;
  const lines: string[] = [];
  // "No write overwrote" is said only of every write: with some not checked, only of those checked.
  const none = facts.unreadable > 0 ? 'none of the writes it could check overwrote' : 'no write overwrote';
  if (facts.overwritten === 0) lines.push(`Reconciled against the credit ledger (${read}): ${none} a change made between its read and its PUT.`);
  else {
    lines.push(
      `Overwritten: ${plural(facts.overwritten, 'write')} set a balance over changes the credit ledger records between its read and its PUT, ${signedCredits(facts.credits)} in all (${read}; report.csv's correction column says which).`,
    );
    if (facts.correction !== null && target !== null)
      lines.push('To give them back:', `  ti-credits apply ${pathFrom(cwd, facts.correction)} ${targetFlag(target)}`);
  }
  if (facts.unreadable > 0)
    lines.push(
      `Not reconciled whole: ${plural(facts.unreadable, 'write')} could not be checked (${facts.unreadableReasons[0] ?? 'see run.log'}); run.log lists them.`,
    );
  return lines;
}

function signedCredits(credits: number): string {
  return `${credits > 0 ? '+' : credits < 0 ? '−' : ''}${count(Math.abs(credits))} credit${Math.abs(credits) === 1 ? '' : 's'}`;
}

/** `path` as a command typed in `cwd` names it. */
function pathFrom(cwd: string, path: string): string {
  return shellWord(relative(cwd, path) || path);
}

export function targetFlag(origin: string): string {
  const instance = /^https:\/\/([a-z0-9-]+)\.thoughtindustries\.com$/.exec(origin)?.[1];
  return instance === undefined ? `--base-url ${shellWord(origin)}` : `--instance ${instance}`;
}

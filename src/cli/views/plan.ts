import { relative } from 'node:path';
import { previewJson } from '../../core/preview.js';
import type { Limits } from '../../pipeline/run-options.js';
import type { ChangeFigures, ExpiryChange, Plan } from '../../pipeline/plan.js';
import { isActive } from '../../pipeline/selection.js';
import type { FieldChange } from '../../report/plan-file.js';
import type { RunResult } from '../../pipeline/run.js';
import type { RecordedOptions } from '../../report/run-record.js';
import { shellWord } from '../flags/recorded.js';
import { count, formatDuration, plural } from '../messages.js';
import { formatOnRecord } from './runs.js';
import { localMoment } from './moments.js';
import { printable } from './selection.js';

/**
 * How long sending takes at the pace it will have, said before it starts:
 * the rate limit, not the client, sets it. The first `burst` rows go at once.
 */
export function formatEstimate(
  rows: number,
  ratePerMinute: number,
  burst: number,
  reads?: { readonly pagesPerRead: number; readonly maxStalenessMs: number },
): string {
  const what = plural(rows, 'row');
  if (ratePerMinute <= 0) return `${what} at the pace the API allows.`;
  const sendingMs = (Math.max(0, rows - burst) / ratePerMinute) * 60_000;
  // The live values are read again once the plan is confirmed, and again whenever they grow older than --max-staleness while rows go.
  const rereads =
    reads === undefined || reads.pagesPerRead === 0 ? 0 : reads.pagesPerRead * Math.max(1, Math.ceil(sendingMs / Math.max(1, reads.maxStalenessMs)));
  const ms = (Math.max(0, rows + rereads - burst) / ratePerMinute) * 60_000;
  const withReads = rereads === 0 ? what : `${what} and about ${plural(rereads, 'read')} of the live values`;
  return `${withReads} at ${count(ratePerMinute)}/min: ${ms < 1000 ? 'under a second' : `about ${formatDuration(ms)}`}.`;
}

const KEY_KINDS = { live: 'a production key (ti_live_…)', test: 'a sandbox key (ti_test_…)', unknown: 'a key that is neither ti_live_ nor ti_test_' } as const;

/** The facts of a run a plan is shown with. */
export interface PlanContext {
  /** The config file's profile the run uses, if any. */
  readonly profile?: string | undefined;
  readonly target: string;
  readonly keyKind: keyof typeof KEY_KINDS;
  /** The pace sending will have: the API's limit if an answer has stated it, else where the pace starts. */
  readonly ratePerMinute: number;
  readonly burst: number;
  /** Reading before writing: how fresh the live values must be when a row is checked; undefined for --blind. */
  readonly maxStalenessMs: number | undefined;
  /** The guardrails in force. */
  readonly limits: Limits | undefined;
  /** Whether the valid rows go without the invalid ones; without it, a file with an invalid row sends nothing. */
  readonly skipInvalid: boolean;
  /** Whether the writes are reconciled against the credit ledger once sent. */
  readonly reconcile: boolean;
  /** The zone the plan's dates are shown in (--timezone); UTC when not given. */
  readonly timezone?: string | undefined;
  /** Where the command runs, for the paths it prints. */
  readonly cwd?: string | undefined;
}

const signed = (n: bigint | number): string => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${(n < 0 ? -n : n).toLocaleString('en-US')}`;
const shortId = (id: string): string => `${id.slice(0, 8)}…`;
/** A row as the plan names it: its line, and its batch by name beside the start of its id (and its client's name, when known). */
const rowLabel = (row: { readonly line: number; readonly id: string; readonly name?: string | undefined; readonly clientName?: string | undefined }): string =>
  `line ${row.line} (${row.name === undefined ? '' : `${printable(row.name)}, `}${shortId(row.id)}${row.clientName === undefined ? '' : `, client ${printable(row.clientName)}`})`;

/** A field's change in words, old → new, its dates in the plan's zone to the second. */
function changeWords(change: FieldChange, timezone: string): string {
  switch (change.field) {
    case 'currentBalance': {
      const [before, after] = [Number(change.before), Number(change.after)];
      const by = change.delta === undefined ? signed(after - before) : `${signed(change.delta)}, added to the live balance`;
      return `currentBalance ${count(before)} → ${count(after)} (${by})`;
    }
    case 'expiresOn':
      return `expiresOn ${localMoment(String(change.before), timezone)} → ${localMoment(String(change.after), timezone)}`;
    case 'name':
      return `name ${JSON.stringify(printable(String(change.before ?? '')))} → ${JSON.stringify(printable(String(change.after ?? '')))}`;
  }
}

/** The rows a plan flags, with what they do: an expiry moved earlier, a batch not active revived. */
function flaggedLines(changes: ChangeFigures, timezone: string): string[] {
  const moved = (entry: ExpiryChange): string =>
    `${rowLabel(entry)}${entry.status === undefined || isActive(entry.status) ? '' : ` ${printable(entry.status)}`} ${localMoment(entry.before, timezone)} → ${localMoment(entry.after, timezone)}`;
  const lines: string[] = [];
  if (changes.expiry.earlier > 0)
    lines.push(
      `    Earlier: ${plural(changes.expiry.earlier, 'row moves', 'rows move')} an expiry earlier, so the credits expire sooner: ${changes.expiry.firstEarlier.map(moved).join('; ')}.`,
    );
  if (changes.revived.rows > 0)
    lines.push(
      `    Revived: ${plural(changes.revived.rows, 'row moves', 'rows move')} the expiry of a batch whose status is not active later, making its credits usable again: ${changes.revived.first.map(moved).join('; ')}.`,
    );
  return lines;
}

/** What `apply` is about to do: shown before anything is sent, and by --dry-run. */
export function formatPlan(plan: Plan, facts: PlanContext): string {
  const { changes } = plan;
  const timezone = facts.timezone ?? 'UTC';
  const checked = changes === undefined ? '' : ', checked against their live values';
  const profile = facts.profile === undefined ? '' : ` (profile ${facts.profile})`;
  const lines = [
    `Plan: update ${plural(plan.rows, 'credit batch', 'credit batches')} on ${facts.target}${profile} with ${KEY_KINDS[facts.keyKind]}${checked}.`,
  ];
  if (plan.saved !== undefined) lines.push(`  Saved plan id: ${plan.saved}`);
  lines.push(...formatOnRecord(plan.onRecord));
  const fields = (Object.entries(plan.fields) as [string, number][]).filter(([, rows]) => rows > 0).sort((a, b) => b[1] - a[1]);
  if (changes === undefined) {
    if (fields.length > 0)
      lines.push(`  Fields set: ${fields.map(([field, rows], index) => `${field} on ${index === 0 ? plural(rows, 'row') : count(rows)}`).join(', ')}.`);
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
      if (changes.listed === undefined)
        lines.push(
          `    largest: ${balance.largest.map((change) => `${rowLabel(change)} ${count(change.before)} → ${count(change.after)} (${signed(change.after - change.before)})`).join('; ')}.`,
        );
      const { belowAllocated } = changes;
      if (belowAllocated.rows > 0) {
        const shown = belowAllocated.first.map((change) => `${rowLabel(change)} ${count(change.after)} < ${count(change.allocated)}`).join('; ');
        lines.push(`    ${plural(belowAllocated.rows, 'row ends', 'rows end')} below the credits already allocated from the batch: ${shown}.`);
      }
    }
    if (plan.fields.expiresOn > 0 && plan.expiry !== undefined) {
      const { earliest, latest } = plan.expiry;
      const range = earliest === latest ? `all to ${earliest}` : `new dates from ${earliest} to ${latest}`;
      lines.push(`  expiresOn: ${plural(plan.fields.expiresOn, 'row')}, ${count(expiry.later)} later, ${count(expiry.earlier)} earlier; ${range}.`);
      lines.push(...flaggedLines(changes, timezone));
    }
    if (changes.renamed > 0) lines.push(`  name: ${plural(changes.renamed, 'row')} renamed.`);
    if (changes.listed !== undefined && changes.listed.length > 0) {
      lines.push(`  Each change, old → new${plan.fields.expiresOn > 0 ? ` (dates in ${timezone})` : ''}:`);
      for (const row of changes.listed) lines.push(`    ${rowLabel(row)}: ${row.changes.map((change) => changeWords(change, timezone)).join('; ')}`);
    } else if (changes.listed === undefined && plan.planFile !== undefined) {
      const file = facts.cwd === undefined ? plan.planFile : relative(facts.cwd, plan.planFile) || plan.planFile;
      lines.push(`  Every change, old → new: ${file}${plan.saved === undefined ? '' : ' (and plan.html beside it)'}.`);
    }
  }
  const notSent = [
    changes !== undefined && changes.unchanged > 0 ? `${plural(changes.unchanged, 'row')} already as asked (unchanged)` : '',
    changes !== undefined && changes.drifted > 0 ? `${plural(changes.drifted, 'row')} whose batch changed since the file was prepared (drifted)` : '',
    plan.invalid > 0
      ? `${plural(plan.invalid, 'invalid row')}${facts.skipInvalid ? ' (--skip-invalid)' : ', and without --skip-invalid no row is sent while one is invalid'}`
      : '',
    plan.alreadyUpdated > 0 ? `${plural(plan.alreadyUpdated, 'row')} the interrupted run already updated` : '',
  ].filter((part) => part !== '');
  if (notSent.length > 0) lines.push(`  Not sent: ${notSent.join('; ')}.`);
  if (plan.notes.length > 0) lines.push(`  Carried to the report, not sent: ${plan.notes.map((name) => previewJson(name)).join(', ')}.`);
  if (changes === undefined) {
    lines.push(
      '  Not checked (--blind): rows are sent without reading the live values, so a change made since the file was prepared is overwritten; no undo.csv.',
    );
  } else {
    const staleness = facts.maxStalenessMs === undefined ? '' : `, never older than ${formatDuration(facts.maxStalenessMs)}`;
    lines.push(
      `  Live values read for this plan with ${plural(changes.readRequests, 'request')}; once it is confirmed, each row is checked against values read again, just before it is sent${staleness}.`,
    );
    if (facts.reconcile && changes.accounts > 0) {
      lines.push(
        `  Then the credit ledger of ${plural(changes.accounts, 'credit account')} is read for redemptions the writes overwrote: at least ${plural(changes.accounts * 2, 'request')}, more for a long ledger (the API cannot filter it; --no-reconcile skips it).`,
      );
    }
  }
  const guardrails = formatLimits(facts.limits);
  if (guardrails !== undefined) lines.push(`  Guardrails: ${guardrails}.`);
  if (changes !== undefined && changes.readRequests >= 20 && changes.readRequests > 5 * Math.max(1, plan.rows)) {
    lines.push(
      `  Reading the live values took ${plural(changes.readRequests, 'request')} for ${plural(plan.rows, 'row')}: the clients hold many more credit batches than the file changes. A creditAccountId column (a snapshot has one) lets a client be read again by credit account only.`,
    );
  }
  const reads =
    changes === undefined || facts.maxStalenessMs === undefined ? undefined : { pagesPerRead: changes.rereadRequests, maxStalenessMs: facts.maxStalenessMs };
  lines.push(`  ${formatEstimate(plan.rows, facts.ratePerMinute, facts.burst, reads)}`);
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

/** Guardrails as run.json and summary.json record them (null where not set). */
export function recordedLimits(limits: NonNullable<RecordedOptions['limits']>): Limits {
  return {
    ...(limits.maxBalanceChange === null ? {} : { maxBalanceChange: limits.maxBalanceChange }),
    ...(limits.maxTotalChange === null ? {} : { maxTotalChange: limits.maxTotalChange }),
    ...(limits.maxRows === null ? {} : { maxRows: limits.maxRows }),
    ...(limits.maxExpiryMoveDays === null ? {} : { maxExpiryMoveDays: limits.maxExpiryMoveDays }),
  };
}

/** Where a saved plan is, its id, and how it is sent once approved. */
export function formatSavedPlan(result: RunResult, cwd: string): string {
  const folder = relative(cwd, result.folder) || result.folder;
  const saved = [`Saved plan: ${folder} (plan.json, plan.html, plan.csv)`, `  id ${result.plan?.saved ?? ''}`];
  // A plan of a file with invalid rows, made without --skip-invalid, is one apply --plan would refuse: it is not offered.
  if ((result.summary.rows.invalid ?? 0) > 0 && result.summary.options.skipInvalid !== true) {
    return [
      ...saved,
      'It cannot be sent as it is: fix the invalid rows (report.csv says why) and make the plan again, or make it with --skip-invalid.',
      '',
    ].join('\n');
  }
  return [...saved, 'Once approved, send exactly this plan with:', `  ti-credits apply --plan ${shellWord(folder)}`, ''].join('\n');
}

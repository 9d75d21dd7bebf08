import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandName } from '../core/command.js';
import type { TiError } from '../core/errors.js';
import type { PacingStats, RequestCounts } from '../core/run-facts.js';
import { writeJsonAtomically } from './atomic-file.js';
import type { Outcome } from './outcome.js';
import type { RecordedOptions } from './run-record.js';
import type { Tally } from './tally.js';

export const SUMMARY_FILE = 'summary.json';

/**
 * - `completed`: every row was dealt with (each has its outcome in the report).
 * - `refused`: nothing was sent, because of the file or the options.
 * - `stopped`: sending stopped early (key refused, API unreachable or down); the rest are `skipped`.
 * - `interrupted`: the user stopped the run; rows in flight finished, the rest are `skipped`.
 * - `running`: only ever on disk, in the checkpoints written while rows are sent (summary-checkpoints.ts);
 *   found after the run has ended, it means the process was killed.
 */
export type RunStatus = 'running' | 'completed' | 'refused' | 'stopped' | 'interrupted';

/** summary.json; `O` is how the command records its options (`apply` and `validate`: RecordedOptions). */
export interface Summary<O = RecordedOptions> {
  readonly command: CommandName;
  readonly dryRun: boolean;
  readonly status: RunStatus;
  readonly input: string;
  readonly target: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallTimeMs: number;
  readonly rows: Partial<Record<Outcome, number>> & { readonly total: number };
  readonly requests: RequestCounts & {
    /** Answers 429: the key's rate limit was reached. */
    readonly throttled: number;
  };
  /** How sending was paced; null when nothing was sent. */
  readonly pacing: PacingStats | null;
  /** `code`: its code in the table of codes (docs/guide/exit-codes-and-error-codes.md), null when it has none. */
  readonly error: { readonly kind: string; readonly code: string | null; readonly message: string; readonly hint: string | null } | null;
  readonly options: O;
  /** What `apply` planned (and, reading before writing, the plan as changes); null for other runs. */
  readonly plan: Readonly<Record<string, unknown>> | null;
  readonly folder: string;
  readonly peakRssBytes: number;
  /** What `snapshot` wrote; absent for other commands. */
  readonly snapshot?: {
    readonly clients: number;
    readonly batches: number;
    readonly file: string | null;
    /** Batches read, when filters kept only some of them. */ readonly listed?: number;
  };
  /**
   * The run's writes reconciled against the credit ledger (apply reading
   * before writing, verify): `checked`, the actions read, is null when the
   * ledger could not be read whole, and `reason` says why. Absent when not
   * attempted (a blind run, --no-reconcile).
   */
  readonly reconciliation?: Readonly<Record<string, unknown>> & { readonly checked: number | null; readonly overwritten?: number };
}

export interface SummaryFacts<O> {
  readonly command: CommandName;
  readonly dryRun: boolean;
  readonly status: RunStatus;
  readonly input: string;
  readonly target: string | undefined;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly tally: Tally;
  readonly pacing: PacingStats | undefined;
  readonly error: TiError | undefined;
  readonly options: O;
  readonly plan: Readonly<Record<string, unknown>> | null;
  readonly snapshot?: Summary['snapshot'];
  readonly reconciliation?: Summary['reconciliation'];
  readonly folder: string;
}

export function summarize<O>(facts: SummaryFacts<O>): Summary<O> {
  const { tally, error } = facts;
  return {
    command: facts.command,
    dryRun: facts.dryRun,
    status: facts.status,
    input: facts.input,
    target: facts.target ?? null,
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    wallTimeMs: facts.finishedAt.getTime() - facts.startedAt.getTime(),
    rows: { total: tally.total, ...tally.rows },
    requests: {
      sent: tally.requests,
      throttled: tally.byStatus['429'] ?? 0,
      retries: tally.retries,
      retriesByCause: { ...tally.retriesByCause },
      byStatus: { ...tally.byStatus },
    },
    pacing: facts.pacing ?? null,
    error: error === undefined ? null : { kind: error.kind, code: error.code ?? null, message: error.message, hint: error.hint ?? null },
    options: facts.options,
    plan: facts.plan,
    folder: facts.folder,
    // resourceUsage reports kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    ...(facts.snapshot === undefined ? {} : { snapshot: facts.snapshot }),
    ...(facts.reconciliation === undefined ? {} : { reconciliation: facts.reconciliation }),
  };
}

/**
 * The requests of the earlier sessions of a resumed run. How many were sent
 * comes from the report, which every session writes as it goes; the details
 * come from the last summary.json: for a session killed outright, its last
 * checkpoint, up to a second before the kill.
 */
export async function readEarlierRequests(folder: string, sent: number): Promise<RequestCounts> {
  try {
    const { requests } = JSON.parse(await readFile(join(folder, SUMMARY_FILE), 'utf8')) as Summary;
    return { sent, retries: requests.retries, retriesByCause: requests.retriesByCause, byStatus: requests.byStatus };
  } catch {
    return { sent, retries: 0, retriesByCause: {}, byStatus: {} };
  }
}

export async function writeSummary(folder: string, summary: Summary<unknown>, file = SUMMARY_FILE): Promise<void> {
  await writeJsonAtomically(join(folder, file), summary);
}

/** The status summary.json of a run folder says, or undefined when it has none that can be read. */
export async function readSummaryStatus(folder: string): Promise<RunStatus | undefined> {
  try {
    return (JSON.parse(await readFile(join(folder, SUMMARY_FILE), 'utf8')) as Summary<unknown>).status;
  } catch {
    return undefined;
  }
}

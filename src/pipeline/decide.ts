import { ApiError, TiError } from '../core/errors.js';
import { failure, say, type Said } from '../core/words.js';
import { OUTCOME_WORDS } from '../core/words/outcomes.js';
import { RUN_WORDS } from '../core/words/run.js';
import type { InputSource } from '../read/data-rows.js';
import type { Executor } from '../send/executor.js';
import type { LiveGuard } from './live/guard.js';
import { runOverLimit } from './live/limits.js';
import { checksOnly } from './mode.js';
import { checkKey } from './operations/check-key.js';
import { blindPlan, planAgainstLive, readLive } from './plan-stage.js';
import { planFacts, type Plan } from './plan.js';
import type { BatchNames } from './report-document.js';
import type { Preview, RunContext } from './run-context.js';
import type { Scanned } from './scan-stage.js';
import type { SendOrder } from './send-order.js';

/**
 * What becomes of the valid rows in the pass that gives every row its
 * outcome, decided once, after the scan and the plan:
 * - `check`: nothing; they are `valid` (validate, a dry run, plan);
 * - `refuse`: nothing; they are `skipped`, for `reason` (other rows are
 *   invalid, a guardrail, the plan was not confirmed);
 * - `send`: they are sent.
 */
export type Decision = { readonly kind: 'check' } | { readonly kind: 'refuse'; readonly reason: Said } | { readonly kind: 'send' };

/** Why the valid rows of a refused run are skipped, under its code. */
type SkipCode = Extract<keyof typeof OUTCOME_WORDS, `TIC-SKIPPED-${string}`>;

function skip(code: Exclude<SkipCode, 'TIC-SKIPPED-RUN-STOPPED'>): Said {
  return say(OUTCOME_WORDS, code, {});
}

/** The plan, and what was decided of it. */
export interface Decided {
  readonly decision: Decision;
  /** What the run would send or sends; undefined for validate, or when no plan could be made. */
  readonly plan: Plan | undefined;
  /** The live values, to check each row against as it is sent; undefined when the run does not read them. */
  readonly guard: LiveGuard | undefined;
  /** Valid rows the plan found invalid against the live values, by line. */
  readonly problems: ReadonlyMap<number, Said>;
  /** A dry run's first would-be requests, when the plan pass reported them. */
  readonly preview: readonly Preview[] | undefined;
  /** Whether a dry run's GET /ping found the key accepted (false when it was not checked, or refused). */
  readonly keyAccepted: boolean;
  /** The passes rows are sent in, reading before writing; undefined: one, in the file's order. */
  readonly order: SendOrder | undefined;
  /** The names of the batches read (and of their clients, when the client list was read), for report.html. */
  readonly names?: BatchNames | undefined;
}

/**
 * The plan and the decision: from what the scan found and the mode, the key
 * checked (a dry run), the live values read and the plan made against them
 * (or the blind plan), held to the run-wide guardrails, and confirmed by the
 * operator. A run that reads before writing reads even a file it refuses for
 * its invalid rows, so that every problem of the file (an id not among its
 * client's, a guardrail crossed) is reported at once.
 */
export async function decide(context: RunContext, source: InputSource, scanned: Scanned, reportWhileScanning: boolean): Promise<Decided> {
  const { session, options, mode } = context;
  const { scan } = scanned;
  const hasInvalidRows = scan.invalidRows > 0 || scan.duplicates.size > 0;
  let decision: Decision = checksOnly(mode)
    ? { kind: 'check' }
    : hasInvalidRows && !options.skipInvalid
      ? { kind: 'refuse', reason: skip('TIC-SKIPPED-INVALID-ROWS') }
      : { kind: 'send' };
  session.log.logger.info(
    { event: 'validated', rows: scan.rows, invalidRows: scan.invalidRows, duplicateIds: scan.duplicates.size, mode: mode.kind, decision: decision.kind },
    'file validated',
  );
  if (decision.kind === 'refuse') session.refuse(invalidRowsError());
  const none: Decided = { decision, plan: undefined, guard: undefined, problems: new Map(), preview: undefined, keyAccepted: false, order: undefined };
  if (mode.kind === 'validate') return none;
  if (context.guard === undefined && scan.columns.delta !== undefined && decision.kind !== 'refuse') {
    decision = refuse(context, failure(RUN_WORDS, 'TIC-DELTA-NEEDS-LIVE-VALUES', {}), skip('TIC-SKIPPED-DELTA-BLIND'));
  }
  // A dry run checks the key before anything else is asked of the API; refused, nothing more is. Its rows are
  // reported all the same: as checked while scanning, or skipped where their report waited for the live values.
  let keyAccepted = false;
  if ((mode.kind === 'dry-run' && !mode.offline) || mode.kind === 'plan') {
    const failure = await checkKeyOnce(context);
    keyAccepted = failure === undefined && !session.signal.aborted;
    if (failure !== undefined) {
      const refused = refuse(context, failure, skip('TIC-SKIPPED-KEY-REFUSED'));
      return { ...none, decision: reportWhileScanning ? decision : refused };
    }
  }
  const planning = decision.kind === 'send' || (checksOnly(mode) && (!hasInvalidRows || options.skipInvalid));
  const checksLive = hasInvalidRows && (decision.kind === 'refuse' || checksOnly(mode));
  if (context.guard !== undefined && context.sendStage !== undefined && (planning || checksLive)) {
    const unknown = unknownClients(scanned, context.guard.clients);
    if (unknown !== undefined) return { ...none, keyAccepted, decision: refuse(context, unknown, skip('TIC-SKIPPED-CLIENT-UNKNOWN')) };
    const read = await readLive(context, await context.sendStage.open(), scanned);
    if (read instanceof TiError) return { ...none, keyAccepted, decision: refuse(context, read, skip('TIC-SKIPPED-LIVE-UNREAD')) };
    const { plan, problems, preview, order } = await planAgainstLive(context, source, scanned, read);
    // A dry run has written its report already; its invalid rows decide its exit code, as any dry run's.
    if (problems.size > 0 && !options.skipInvalid && !checksOnly(mode) && decision.kind === 'send') {
      decision = refuse(context, missingRowsError(problems.size), skip('TIC-SKIPPED-INVALID-ROWS'));
    }
    // Confirmed, the plan's reads are spent: every row is checked against values read from now on.
    decision = await confirm(context, plan, decision, () => read.live.readAfter());
    const names: BatchNames = (id) => {
      const batch = read.guard.batch(id);
      return batch === undefined ? undefined : { name: batch.name, clientName: read.clientNames.get(batch.clientId.toLowerCase()) };
    };
    return { decision, plan, guard: read.guard, problems, preview, keyAccepted, order, names };
  }
  if (!planning) return { ...none, decision, keyAccepted };
  const plan = await blindPlan(context, source, scanned);
  return { ...none, keyAccepted, plan, decision: await confirm(context, plan, decision) };
}

/**
 * A dry run checks the whole command, the key included: one GET /ping,
 * counted and logged as any request. Why the key was not accepted, if it
 * was not: the run is then `refused` rather than stopped, so that the file
 * is still reported.
 */
async function checkKeyOnce(context: RunContext): Promise<ApiError | undefined> {
  const stage = context.sendStage;
  if (stage === undefined) return undefined;
  const executor: Executor = await stage.open();
  return checkKey(executor);
}

/** Ends the run before anything is sent; its rows are still reported, `skipped` for `reason`. */
function refuse(context: RunContext, error: TiError, reason: Said): Decision {
  // Interrupted while it read or checked (a Ctrl-C during the reads), the run ends interrupted (exit 130), not refused.
  if (context.session.status === 'interrupted') return { kind: 'refuse', reason: skip('TIC-SKIPPED-INTERRUPTED') };
  context.session.refuse(error);
  context.session.log.logger.warn({ event: 'refused', error: error.message }, 'nothing will be sent');
  return { kind: 'refuse', reason };
}

/**
 * Records the plan, holds it to the run-wide guardrails, and asks the
 * operator's word on it; a plan over a guardrail, or declined, sends nothing.
 * `onConfirmed` is told once the operator has said yes.
 */
async function confirm(context: RunContext, plan: Plan, decision: Decision, onConfirmed?: () => void): Promise<Decision> {
  const { session } = context;
  session.log.logger.info({ event: 'plan', plan: planFacts(plan) }, 'plan');
  const over = runOverLimit(plan, context.options.limits);
  if (over !== undefined) {
    // A dry run has written its report; it only says the run would be refused.
    if (checksOnly(context.mode)) session.refuse(over);
    else return refuse(context, over, skip('TIC-SKIPPED-GUARDRAIL'));
  }
  if (decision.kind !== 'send') return decision;
  const declined = await context.environment.confirm?.(plan, context.sendStage?.executor?.pacing);
  // Interrupted while the operator was asked: the run is `interrupted`, not refused, and its rows are reported.
  if (session.signal.aborted) return { kind: 'refuse', reason: skip('TIC-SKIPPED-INTERRUPTED') };
  if (declined === undefined) {
    onConfirmed?.();
    return decision;
  }
  session.refuse(declined);
  session.log.logger.warn({ event: 'not-confirmed', error: declined.message }, 'plan not confirmed');
  return { kind: 'refuse', reason: skip('TIC-SKIPPED-NOT-CONFIRMED') };
}

/** Rows whose client cannot be known: no clientId cell, and no --client to look their id up in. */
function unknownClients(scanned: Scanned, namedClients: readonly string[]): TiError | undefined {
  const { withoutClient } = scanned.named;
  if (withoutClient === 0 || namedClients.length > 0) return undefined;
  return failure(RUN_WORDS, 'TIC-ROWS-WITHOUT-CLIENT', { rows: withoutClient });
}

function invalidRowsError(): TiError {
  return failure(RUN_WORDS, 'TIC-FILE-HAS-INVALID-ROWS', {});
}

function missingRowsError(rows: number): TiError {
  return failure(RUN_WORDS, 'TIC-FILE-HAS-UNKNOWN-BATCHES', { rows });
}

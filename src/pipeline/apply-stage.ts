import type { CreditBatch, CreditBatchUpdate, UpdatableField } from '../core/credit-batch.js';
import { bug, type Said } from '../core/words.js';
import { RUN_WORDS } from '../core/words/run.js';
import type { InputSource } from '../read/data-rows.js';
import { assertUnchanged } from '../read/file-stamp.js';
import { BaselineCursor, type Baseline } from '../report/baseline-file.js';
import type { RowOutcome } from '../report/outcome.js';
import type { FieldChange } from '../report/plan-file.js';
import type { PriorRun } from '../report/prior-run.js';
import type { SentLog, SentRequest } from '../report/sent-log.js';
import type { Executor } from '../send/executor.js';
import type { SendResult } from '../send/operation.js';
import type { RowVerdict, ValidRow } from '../validate/row.js';
import type { Decided, Decision } from './decide.js';
import type { GuardVerdict, LiveGuard } from './live/guard.js';
import { bodyOf, changesOf, type Landed } from './live/values.js';
import { applyChange, type Change } from './operations/apply-change.js';
import { updateCreditBatch } from './operations/update-credit-batch.js';
import { eachVerdict, settledEarlier } from './passes.js';
import { notPlanned } from './plan-stage.js';
import { PREVIEW_ROWS, type Preview, type RunContext } from './run-context.js';
import { driftedOutcome, invalidOutcome, sentOutcome, settledOutcome, skippedOutcome, unchangedOutcome, validOutcome } from './row-outcome.js';
import type { Scanned } from './scan-stage.js';
import { SendProgressCounter } from './send-progress.js';

type Record = (outcome: RowOutcome) => void;

/**
 * The pass that gives every row its outcome: sent (journalled in sent.log
 * first, checked against the live values when there are any), skipped when
 * the run refuses to send, or reported again once repeated ids are known.
 * The same pass whether the plan was made just now, approved yesterday
 * (`apply --plan`) or recorded by an interrupted session (`--resume`): each
 * row's baseline comes from baseline.csv. Returns the first would-be
 * requests when it reports a checking run again.
 */
export async function applyStage(context: RunContext, source: InputSource, scanned: Scanned, decided: Decided): Promise<readonly Preview[] | undefined> {
  const { session } = context;
  const { scan, prior, earlier } = scanned;
  const { decision, guard } = decided;
  let preview: Preview[] | undefined;
  if (decision.kind === 'check') {
    session.log.logger.info({ event: 'report-again', duplicateIds: scan.duplicates.size }, 'ids repeat: writing the report again');
    context.discardReport();
    preview = [];
  }
  const executor = decision.kind === 'send' && context.sendStage !== undefined ? await context.sendStage.open() : undefined;
  const sentLog = executor === undefined ? undefined : context.startSending();
  await assertUnchanged(source.path, scan.stamp);
  if (executor !== undefined) {
    const progress = new SendProgressCounter(decided.plan?.rows ?? 0, executor);
    context.sendStage?.onRetrying((line) => progress.retry(line));
    context.showProgress(progress);
  }
  const record = context.startReport(scan.columns, decision.kind === 'send', guard === undefined ? prior : undefined);
  const sending = executor !== undefined && sentLog !== undefined ? { executor, sentLog } : undefined;
  const settled = settledEarlier(prior, earlier, scan);
  if (guard === undefined) {
    await eachVerdict(context, source, scan, blindRows(context, decision, record, prior, preview, sending), settled);
  } else {
    // Sending, a file that interleaves its clients goes client by client (see SendOrder); otherwise in one pass.
    const passes = decision.kind === 'send' ? (decided.order?.passes ?? 1) : 1;
    for (let index = 0; index < passes; index++) {
      const pass = passes === 1 ? undefined : { index, takes: (line: number) => decided.order?.passOf(line) === index };
      if (pass !== undefined) session.log.logger.info({ event: 'pass', pass: index + 1, passes }, 'sending the rows of the next clients');
      const baselines = new BaselineCursor(session.folder.path);
      try {
        await eachVerdict(context, source, scan, checkedRows(context, decision, record, prior, baselines, decided.problems, guard, sending), settled, pass);
      } finally {
        await baselines.close();
      }
    }
  }
  context.sendStage?.submittedAll();
  await context.sendStage?.drain();
  return preview;
}

interface Sending {
  readonly executor: Executor;
  readonly sentLog: SentLog;
}

/**
 * Each row's outcome, sending blind: every valid row sent as it is,
 * journalled in sent.log first. A pass that only checks ends at a stop; one
 * that sends or refuses reports every row, skipped if need be.
 */
function blindRows(
  context: RunContext,
  decision: Decision,
  record: Record,
  prior: PriorRun | undefined,
  preview: Preview[] | undefined,
  sending: Sending | undefined,
): (verdict: RowVerdict) => Promise<void> | undefined {
  const { session } = context;
  return (verdict) => {
    if (decision.kind === 'check') session.signal.throwIfAborted();
    if (!verdict.valid) {
      record(invalidOutcome(verdict.row, verdict.row.problems));
      return undefined;
    }
    const { row } = verdict;
    if (prior?.updated.has(row.line) === true) {
      // Confirmed by the interrupted run, and recorded there: never sent twice.
      session.tally.countRow(settledOutcome(row.line, row.cells, 'updated'));
      return undefined;
    }
    switch (decision.kind) {
      case 'send':
        if (sending === undefined) throw bug(RUN_WORDS, 'TIC-INTERNAL-NO-SEND-STAGE', {});
        return sending.executor.submit(updateCreditBatch, row, (result) => record(sentOutcome(row, row.body, result)), {
          beforeAttempt: (attempt) => (attempt.number === 1 ? sending.sentLog.record(row.line) : undefined),
        });
      case 'check':
        if (preview !== undefined && preview.length < PREVIEW_ROWS) preview.push({ line: row.line, id: row.id, body: row.body });
        record(validOutcome(row, row.body));
        return undefined;
      case 'refuse':
        record(skippedOutcome(row, row.body, decision.reason));
        return undefined;
    }
  };
}

/**
 * Each row's outcome, reading before writing: the row's baseline comes from
 * baseline.csv; a row missing from its client's batches never reaches the
 * API; every other row is checked against values read after the plan was
 * confirmed, just before its request, and sent only if its batch still
 * holds what the change was made from.
 */
function checkedRows(
  context: RunContext,
  decision: Decision,
  record: Record,
  prior: PriorRun | undefined,
  baselines: BaselineCursor,
  problems: ReadonlyMap<number, Said>,
  guard: LiveGuard,
  sending: Sending | undefined,
): (verdict: RowVerdict) => Promise<void> {
  const { session } = context;
  const send = sending === undefined ? undefined : sendChecked(context, sending, guard, record, prior);
  return async (verdict) => {
    if (!verdict.valid) {
      record(invalidOutcome(verdict.row, verdict.row.problems));
      return;
    }
    const { row } = verdict;
    if (prior?.updated.has(row.line) === true) {
      session.tally.countRow(settledOutcome(row.line, row.cells, 'updated'));
      return;
    }
    const baseline = await baselines.at(row.line);
    if (baseline === undefined) {
      record(invalidOutcome(row, [problems.get(row.line) ?? notPlanned(row)]));
      return;
    }
    const changes = changesOf(baseline.values, row);
    if (changes.length === 0) {
      if (decision.kind === 'send') record(await confirmUnchanged(guard, row, baseline));
      else record(unchangedOutcome(row, baseline.values, undefined));
      return;
    }
    if (send !== undefined && decision.kind === 'send') return send(row, baseline, changes);
    record(skippedOutcome(row, bodyOf(changes), decision.kind === 'refuse' ? decision.reason : undefined, baseline.values));
  };
}

/** A row the plan found already as asked, checked against a fresh read before it is called unchanged: the batch may have moved since. */
async function confirmUnchanged(guard: LiveGuard, row: ValidRow, baseline: Baseline): Promise<RowOutcome> {
  const fields = Object.keys(row.body) as UpdatableField[];
  if (fields.length === 0) return unchangedOutcome(row, baseline.values, undefined);
  const readFrom = guard.now();
  const verdict = await guard.confirmUnchanged(row.id, { clientId: baseline.clientId, creditAccountId: row.creditAccountId }, fields, row.body);
  const readAgeMs = verdict.kind === 'unreadable' ? undefined : Math.max(0, Math.round(readFrom - verdict.readAt));
  switch (verdict.kind) {
    case 'unchanged':
      return { ...unchangedOutcome(row, baseline.values, verdict.live), readAgeMs };
    case 'drifted':
      return { ...driftedOutcome(row, row.body, baseline.values, verdict.live), readAgeMs };
    default:
      return { ...sentOutcome(row, row.body, { kind: 'withheld', detail: verdict, attempts: 0 }), baseline: baseline.values };
  }
}

/**
 * Sends a change checked just before each request (its first, and any
 * retry once the values its body was made from are no longer fresh). A
 * delta's body is made from the balance just read, and journalled (from →
 * to) before the request leaves: if its answer is lost, that says whether
 * it landed. A row an earlier request may have applied (an interrupted
 * session's, or this one's) is checked against that first.
 */
function sendChecked(
  context: RunContext,
  sending: Sending,
  guard: LiveGuard,
  record: Record,
  prior: PriorRun | undefined,
): (row: ValidRow, baseline: Baseline, changes: readonly FieldChange[]) => Promise<void> {
  const { executor, sentLog } = sending;
  return (row, baseline, changes) => {
    const planned = { clientId: baseline.clientId, changes, creditAccountId: row.creditAccountId };
    const lost = prior?.inFlight.has(row.line) === true ? prior.lostRequests(row.line) : 0;
    const delta = changes.some((change) => change.delta !== undefined);
    const earlier = prior?.mayHaveLanded.has(row.line) === true ? prior.sentRequest(row.line) : undefined;
    let landed: Landed | undefined = prior?.mayHaveLanded.has(row.line) === true ? { balance: earlier?.balance } : undefined;
    // The body is settled by the check just before each request: a balance adjusted by a delta is adjusted from the balance read then.
    const change: { line: number; id: string; body: CreditBatchUpdate } = { line: row.line, id: row.id, body: bodyOf(changes) };
    let live: CreditBatchUpdate | undefined;
    let readAt: number | undefined;
    let readAgeMs: number | undefined;
    let readUpdatedAt: string | undefined = earlier?.readUpdatedAt;
    /** The balance the last request was made from and set (a delta's): what tells, if its answer is lost, whether it landed. */
    let sent: SentRequest['balance'] = landed?.balance;
    let journalled = true;
    const age = (): number | undefined => (readAt === undefined ? undefined : Math.max(0, Math.round(guard.now() - readAt)));
    const check = async (notBefore?: number): Promise<GuardVerdict | undefined> => {
      const verdict = await guard.check(row.id, planned, landed, notBefore);
      if (verdict.kind !== 'unreadable') readAt = verdict.readAt;
      readAgeMs = age();
      if (verdict.kind === 'applied' && landed?.balance !== undefined) change.body = { ...change.body, currentBalance: landed.balance.to };
      if (verdict.kind !== 'send') return verdict;
      change.body = verdict.body;
      live = verdict.live;
      readUpdatedAt = verdict.updatedAt;
      sent =
        delta && verdict.live.currentBalance !== undefined && verdict.body.currentBalance !== undefined
          ? { from: verdict.live.currentBalance, to: verdict.body.currentBalance }
          : undefined;
      journalled = false;
      return undefined;
    };
    return executor.submit<Change, CreditBatch, GuardVerdict>(
      applyChange,
      change,
      async (result) => {
        // A row that failed after a request that may have landed (a 5xx, a lost answer) is settled now, by a read made after it:
        // a delta left as a plain failure could be applied twice by failed.csv; values it set, left out of undo.csv and the ledger.
        const mayHaveLanded = result.kind === 'failed' && result.mayHaveLanded === true;
        const settled = !mayHaveLanded ? result : delta ? (sent === undefined ? result : await settle(result, sent)) : await settleSet(result);
        const outcome = sentOutcome(row, change.body, settled);
        const checked = settled.kind === 'withheld' ? liveOf(settled.detail) : live;
        // The baseline the report shows for a delta is the balance it was added to, so that undo.csv takes back exactly the delta.
        const appliedTo =
          delta && sent !== undefined && (outcome.outcome === 'updated' || outcome.outcome === 'uncertain') ? { currentBalance: sent.from } : {};
        // The requests lost when the earlier sessions died count, whatever became of the row; they are accounted for from now on.
        record({ ...outcome, attempts: outcome.attempts + lost, baseline: { ...baseline.values, ...appliedTo }, live: checked, readAgeMs, readUpdatedAt });
        if (lost > 0) {
          sentLog.settle(row.line, lost);
          context.session.tally.countLostRequests(lost);
        }
      },
      {
        guard: async (attempt) => {
          if (attempt.number > 1) {
            // A retry goes again as it is while the values its body was made from are fresh enough; older, they are read again.
            if (readAt !== undefined && guard.isFresh(readAt)) return undefined;
            landed = attempt.mayHaveLanded ? { balance: sent } : undefined;
          }
          return check();
        },
        beforeAttempt: async (attempt) => {
          if (!journalled) {
            await sentLog.recordRequest(row.line, { balance: sent, readUpdatedAt });
            journalled = true;
          }
          if (attempt.number === 1) await sentLog.record(row.line);
          // Once journalled, the request leaves: this is the age of the values its body was made from.
          readAgeMs = age();
        },
      },
    );

    /**
     * What became of values set by a request that may have landed, by a read
     * made after it: holding them, it landed (updated); holding anything else,
     * it failed as it did.
     */
    async function settleSet(result: Extract<SendResult<CreditBatch, GuardVerdict>, { kind: 'failed' }>): Promise<SendResult<CreditBatch, GuardVerdict>> {
      landed = { balance: undefined };
      const verdict = await check(guard.now());
      return verdict?.kind === 'applied' ? { kind: 'withheld', detail: verdict, attempts: result.attempts } : result;
    }

    /** What became of a delta whose last request may have landed, by a read made after it. */
    async function settle(
      result: Extract<SendResult<CreditBatch, GuardVerdict>, { kind: 'failed' }>,
      balance: NonNullable<SentRequest['balance']>,
    ): Promise<SendResult<CreditBatch, GuardVerdict>> {
      landed = { balance };
      const verdict = await check(guard.now());
      if (verdict === undefined) return result;
      if (verdict.kind === 'applied') return { kind: 'withheld', detail: verdict, attempts: result.attempts };
      return { kind: 'withheld', detail: { kind: 'uncertain', live: liveOf(verdict) ?? {}, readAt: readAt ?? guard.now() }, attempts: result.attempts };
    }
  };
}

function liveOf(verdict: GuardVerdict): CreditBatchUpdate | undefined {
  return 'live' in verdict ? verdict.live : undefined;
}

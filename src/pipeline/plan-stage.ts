import { copyFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { TiError } from '../core/errors.js';
import { bug, failure, say, type Said } from '../core/words.js';
import { OUTCOME_WORDS } from '../core/words/outcomes.js';
import { RUN_WORDS } from '../core/words/run.js';
import type { InputSource } from '../read/data-rows.js';
import { fingerprintFile } from '../read/file-stamp.js';
import { BASELINE_FILE, BaselineCursor, BaselineWriter, type Baseline } from '../report/baseline-file.js';
import { sha256File } from '../report/plan-document.js';
import { PLAN_FILE, PlanFile } from '../report/plan-file.js';
import { writePlanFiles } from '../report/plan-rows.js';
import type { RowOutcome } from '../report/outcome.js';
import { keyKind } from '../send/api-target.js';
import type { Executor } from '../send/executor.js';
import type { ValidRow } from '../validate/row.js';
import { clientNames, listClients } from './clients.js';
import { LiveGuard, type PlannedRow } from './live/guard.js';
import { LiveBatches } from './live/live-batches.js';
import { ReadScopes } from './live/read-scopes.js';
import { Collector } from './collect.js';
import { bodyOf } from './live/values.js';
import { eachVerdict } from './passes.js';
import { ChangeBuilder, PlanBuilder, type Plan } from './plan.js';
import { PREVIEW_ROWS, type Preview, type RunContext } from './run-context.js';
import { describeOptions } from './run-options.js';
import { SendOrder } from './send-order.js';
import { driftedOutcome, invalidOutcome, unchangedOutcome, validOutcome } from './row-outcome.js';
import { planTotals, SavedPlanRows } from './saved-plan.js';
import { recordAttempt } from './send-stage.js';
import type { Scanned } from './scan-stage.js';

/** The live values read, how they are read again, and the guard that checks rows against them. */
export interface LiveRead {
  readonly live: LiveBatches;
  readonly scopes: ReadScopes;
  readonly guard: LiveGuard;
  /** Client names by lower-case id, when the run read the client list (--client-names); empty otherwise. */
  readonly clientNames: ReadonlyMap<string, string>;
  /** Requests spent reading the client list. */
  readonly namesRequests: number;
}

/** What the plan pass found against the live values. */
export interface LivePlan {
  readonly plan: Plan;
  /** Valid rows the plan found invalid against the live values (not among their client's batches, past a guardrail): few, by line. */
  readonly problems: ReadonlyMap<number, Said>;
  /** A dry run's first would-be requests. */
  readonly preview: readonly Preview[];
  /** The passes the rows are sent in (see SendOrder). */
  readonly order: SendOrder;
}

/** Reads the live credit batches of every client the rows name, keeping those of the file's ids. */
export async function readLive(context: RunContext, executor: Executor, scanned: Scanned): Promise<LiveRead | TiError> {
  const { session, options } = context;
  const guardOptions = context.guard;
  if (guardOptions === undefined) throw bug(RUN_WORDS, 'TIC-INTERNAL-NO-GUARD', {});
  const { scan, named } = scanned;
  const live = new LiveBatches(executor, {
    maxStalenessMs: guardOptions.maxStalenessMs,
    now: () => performance.now(),
    keep: (id) => scan.ids.has(id),
    expected: scan.rows,
  });
  const scopes = new ReadScopes(named.clients, guardOptions.clients);
  const shown = context.environment.onReadStart?.(live.progress, () => executor.pacing.ratePerMinute);
  const unread = await live.readAll(scopes.all(), options.send?.concurrency ?? 1).finally(() => shown?.());
  session.log.logger.info({ event: 'live-read', scopes: scopes.all().length, requests: live.requests, error: unread?.error.message }, 'live values read');
  // Stopped while reading (a Ctrl-C), the values read are not all of any client's batches: a row whose batch was not read yet is not "not found".
  if (session.signal.aborted && session.failure !== undefined) return session.failure;
  if (unread !== undefined) {
    if (unread.error.kind === 'auth' || unread.error.kind === 'aborted') return unread.error;
    return failure(RUN_WORDS, 'TIC-LIVE-VALUES-UNREADABLE', { clientId: unread.clientId, reason: unread.error.message });
  }
  scopes.narrow((clientId) => live.shapeOf(clientId));
  const names = guardOptions.clientNames === true ? await readClientNames(context) : { names: new Map<string, string>(), requests: 0 };
  return { live, scopes, guard: new LiveGuard(live, guardOptions.clients, scopes), clientNames: names.names, namesRequests: names.requests };
}

/**
 * The clients' names, for the plan and the reports, through a send stage of
 * its own (paced as the run's, counted in its figures): a key that may not
 * read clients costs the run its names, never the run.
 */
async function readClientNames(context: RunContext): Promise<{ readonly names: ReadonlyMap<string, string>; readonly requests: number }> {
  const { session, options } = context;
  if (options.send === undefined) return { names: new Map(), requests: 0 };
  try {
    const list = await listClients(options.send, undefined, session.signal, (attempt) => recordAttempt(session, attempt));
    session.log.logger.info({ event: 'clients-read', clients: list.clients.length, requests: list.requests }, 'client names read');
    return { names: clientNames(list.clients), requests: list.requests };
  } catch (error) {
    session.log.logger.warn({ event: 'clients-unread', error: (error as Error).message }, 'client names not read');
    return { names: new Map(), requests: 0 };
  }
}

/**
 * The plan pass, reading before writing: every row against the live
 * values. It records each row's baseline (baseline.csv, before anything is
 * sent: a resumed run and the undo file use these values, never later ones)
 * and each change old → new (plan.csv). A dry run's report is written here.
 * A resumed run, or a saved plan, takes the baselines recorded then: the
 * plan applied is the plan that was made.
 */
export async function planAgainstLive(context: RunContext, source: InputSource, scanned: Scanned, read: LiveRead): Promise<LivePlan> {
  const { session, options, mode } = context;
  const { scan, prior } = scanned;
  const planner = new PlanBuilder();
  const changes = new ChangeBuilder();
  // Baselines recorded by an earlier session (or a saved plan) are the run's; a session that died before recording them sent nothing.
  const recorded =
    (mode.kind === 'resume' || mode.kind === 'apply-plan') && session.folder.hasBaselines() ? new BaselineCursor(session.folder.path) : undefined;
  const baselines = recorded === undefined ? new BaselineWriter(session.folder.path) : undefined;
  const saved = mode.kind === 'plan' ? new SavedPlanRows(session.folder.path) : undefined;
  const planFile = new PlanFile(session.folder.path);
  const record = mode.kind === 'dry-run' || mode.kind === 'plan' ? context.startReport(scan.columns, false) : undefined;
  const problems = new Map<number, Said>();
  const preview: Preview[] = [];
  const order = new SendOrder();
  try {
    const collector = new Collector(100_000);
    const planOne = (row: ValidRow, baseline: Baseline | undefined): void => {
      collector.count(1);
      const planned: PlannedRow =
        recorded !== undefined && baseline === undefined ? { kind: 'invalid', problem: notPlanned(row) } : read.guard.plan(row, baseline, options.limits);
      if (planned.kind !== 'invalid') {
        baselines?.add({ line: row.line, id: row.id, clientId: planned.clientId, values: planned.baseline });
        order.note(row.line, planned.clientId);
      }
      saved?.add(row, planned, planned.kind === 'invalid' ? undefined : read.clientNames.get(planned.clientId.toLowerCase()));
      switch (planned.kind) {
        case 'invalid':
          planner.invalid();
          problems.set(row.line, planned.problem);
          break;
        case 'unchanged':
          changes.unchanged();
          break;
        case 'change':
          if (planned.drifted) {
            changes.drifted();
            break;
          }
          planner.send(bodyOf(planned.changes));
          changes.change(
            {
              line: row.line,
              id: row.id,
              clientId: planned.clientId,
              clientName: read.clientNames.get(planned.clientId.toLowerCase()),
              name: planned.name,
              status: planned.status,
              allocated: planned.allocated,
              account: planned.creditAccountId === undefined ? undefined : `${planned.clientId}/${planned.creditAccountId}`.toLowerCase(),
            },
            planned.changes,
          );
          planFile.add(
            { line: row.line, id: row.id, clientId: planned.clientId, name: planned.name, clientName: read.clientNames.get(planned.clientId.toLowerCase()) },
            planned.changes,
          );
          if (preview.length < PREVIEW_ROWS) preview.push({ line: row.line, id: row.id, body: bodyOf(planned.changes) });
      }
      record?.(planOutcome(row, planned));
    };
    await eachVerdict(context, source, scan, (verdict) => {
      if (!verdict.valid) {
        planner.invalid();
        saved?.invalid(verdict.row, scan.columns);
        record?.(invalidOutcome(verdict.row, verdict.row.problems));
        return undefined;
      }
      const { row } = verdict;
      if (prior?.updated.has(row.line) === true) return undefined;
      // Only rows whose baselines were recorded wait, for them: the others are planned a batch at a time, with no promise
      // per row (a promise per row kept every batch's records alive long enough to fill the old generation).
      if (recorded === undefined) {
        planOne(row, undefined);
        return undefined;
      }
      return recorded.at(row.line).then((baseline) => planOne(row, baseline));
    });
    baselines?.commit();
    planFile.commit();
  } catch (error) {
    baselines?.discard();
    planFile.discard();
    saved?.rows.discard();
    throw error;
  } finally {
    await recorded?.close();
  }
  order.settle();
  const built = {
    ...planner.build(
      prior?.updated.size ?? 0,
      scan.columns,
      changes.build(
        read.live.requests + read.namesRequests,
        read.scopes.pagesPerRead((clientId) => read.live.shapeOf(clientId)),
      ),
    ),
    planFile: join(session.folder.path, PLAN_FILE),
  };
  const plan: Plan =
    saved === undefined
      ? { ...built, saved: mode.kind === 'apply-plan' ? mode.plan.document.id : undefined }
      : { ...built, saved: await savePlan(context, source, scanned, built, saved) };
  return { plan, problems, preview, order };
}

/** A row as the plan pass reports it, for a dry run. */
function planOutcome(row: ValidRow, planned: PlannedRow): RowOutcome {
  switch (planned.kind) {
    case 'invalid':
      return invalidOutcome(row, [planned.problem]);
    case 'unchanged':
      return unchangedOutcome(row, planned.baseline, planned.live);
    case 'change':
      return planned.drifted
        ? driftedOutcome(row, bodyOf(planned.changes), planned.baseline, planned.live)
        : validOutcome(row, bodyOf(planned.changes), { baseline: planned.baseline, live: planned.live });
  }
}

/** A row of a saved plan or a resumed run with no baseline recorded: its batch was not among its client's, or it was invalid against it. */
export function notPlanned(row: ValidRow): Said {
  return say(OUTCOME_WORDS, 'TIC-NOT-PLANNED', { id: row.id, clientId: row.clientId });
}

/**
 * `plan`: the dry run's folder becomes a plan folder a second person
 * approves: a copy of the input (what `apply --plan` reads, never the
 * original again), plan.json with every row's baseline and target and the
 * plan's id, and plan.html.
 */
async function savePlan(context: RunContext, source: InputSource, scanned: Scanned, plan: Plan, saved: SavedPlanRows): Promise<string> {
  const { session, options } = context;
  const folder = session.folder;
  const { rows } = saved;
  try {
    rows.close();
    const copy = `input${extname(source.path).replace(/[^\w.]/g, '') || '.csv'}`;
    await copyFile(source.path, join(folder.path, copy));
    const { size, sha256 } = await fingerprintFile(source.path);
    const send = options.send;
    const id = await writePlanFiles(
      folder.path,
      {
        version: 1,
        madeAt: session.startedAt.toISOString(),
        madeBy: userInfo().username,
        target: send?.target.origin ?? '',
        keyKind: keyKind(send?.target.apiKey ?? ''),
        input: { name: basename(source.path), sha256, size, copy },
        baselineSha256: await sha256File(join(folder.path, BASELINE_FILE)),
        options: describeOptions(context.mode, options),
        totals: planTotals(plan, scanned.scan.rows),
        // What the run ledger knows of this file sent before goes to the approver too.
        ...(context.environment.history === undefined
          ? {}
          : {
              appliedBefore: context.environment.history.appliedBefore.map((earlier) => ({
                run: earlier.id,
                startedAt: earlier.startedAt,
                updated: earlier.updated,
              })),
            }),
      },
      rows,
    );
    session.log.logger.info({ event: 'plan-saved', id }, 'plan saved');
    return id;
  } catch (error) {
    rows.discard();
    throw error;
  }
}

/**
 * The blind plan: the figures the validating pass gathered, or, when an id
 * repeats, counted again in a pass of its own, since the rows a repeated id
 * makes invalid were counted as valid.
 */
export async function blindPlan(context: RunContext, source: InputSource, scanned: Scanned): Promise<Plan> {
  const { scan, prior, blind } = scanned;
  if (blind !== undefined && scan.duplicates.size === 0) return blind.build(prior?.updated.size ?? 0, scan.columns);
  const builder = new PlanBuilder();
  await eachVerdict(context, source, scan, (verdict) => {
    builder.count(verdict, prior);
    return undefined;
  });
  return builder.build(prior?.updated.size ?? 0, scan.columns);
}

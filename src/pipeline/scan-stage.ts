import type { Columns } from '../core/columns.js';
import type { InputSource } from '../read/data-rows.js';
import type { PriorRun } from '../report/prior-run.js';
import { LineSet } from '../report/recorded-lines.js';
import type { RowVerdict } from '../validate/row.js';
import { scanInput, type Scan } from '../validate/scan.js';
import { commandOf } from './mode.js';
import type { EarlierRows } from './passes.js';
import { PlanBuilder } from './plan.js';
import { PREVIEW_ROWS, type Preview, type RunContext } from './run-context.js';
import { invalidOutcome, validOutcome } from './row-outcome.js';

/**
 * Which clients the valid rows name, by lower-case id: each with the credit
 * accounts its rows name, or null when some row of it names none (the
 * client is then read whole).
 */
export interface ClientsNamed {
  readonly clients: ReadonlyMap<string, ReadonlySet<string> | null>;
  /** Valid rows without a clientId cell: their client must come from --client. */
  readonly withoutClient: number;
}

/** What the scan found: the file known whole before anything is planned or sent. */
export interface Scanned {
  readonly scan: Scan;
  /** What the earlier sessions of a resumed run did. */
  readonly prior: PriorRun | undefined;
  /** The blind plan's figures, added up as the file was read (runs that may send). */
  readonly blind: PlanBuilder | undefined;
  readonly named: ClientsNamed;
  readonly earlier: EarlierRows;
  /** The first rows a checking run reported valid while it scanned, to show. */
  readonly preview: readonly Preview[];
}

/**
 * The validating pass. A run that checks without reading the live values
 * also reports each row as it reads it, which spares reading the file twice;
 * a run that may send adds up the blind plan's figures and the clients the
 * rows name as it goes. A resumed run first learns what its earlier sessions
 * did, since rows they updated are not planned again.
 */
export async function scanStage(context: RunContext, source: InputSource, reportWhileScanning: boolean): Promise<Scanned> {
  const { session, options } = context;
  let prior: PriorRun | undefined;
  const blind = commandOf(context.mode) === 'apply' ? new PlanBuilder() : undefined;
  const clients = new Map<string, Set<string> | null>();
  let withoutClient = 0;
  const nowInvalid = new LineSet();
  let leading: EarlierRows['leading'];
  let leadingRows = 0;
  let leadingOnly = session.folder.resumed;
  const preview: Preview[] = [];
  const scan: Scan = await scanInput(source, {
    rules: options.rules,
    extraColumns: options.extraColumns,
    signal: session.signal,
    onHeader: (columns) => {
      if (session.folder.resumed) prior = loadPrior(context, columns);
      const report = reportWhileScanning ? checkingReport(context, columns, preview) : undefined;
      return (verdict) => {
        blind?.count(verdict, prior);
        // A client whose rows the earlier sessions all updated is not read again: nothing of it is sent.
        if (verdict.valid && prior?.updated.has(verdict.row.line) !== true) {
          if (verdict.row.clientId === undefined) withoutClient++;
          else nameClient(clients, verdict.row.clientId.toLowerCase(), verdict.row.creditAccountId?.toLowerCase());
        }
        const updatedEarlier = prior?.updated.has(verdict.row.line) === true;
        if (!verdict.valid && updatedEarlier) nowInvalid.add(verdict.row.line);
        if (leadingOnly && verdict.valid && updatedEarlier) leadingRows++;
        else leadingOnly = false;
        report?.(verdict);
      };
    },
    onBatch: (end) => {
      if (leadingOnly && end !== undefined) leading = { from: end, rows: leadingRows };
    },
  });
  return { scan, prior, blind, named: { clients, withoutClient }, earlier: { nowInvalid, leading }, preview };
}

function nameClient(clients: Map<string, Set<string> | null>, client: string, account: string | undefined): void {
  const accounts = clients.get(client);
  if (account === undefined) clients.set(client, null);
  else if (accounts === undefined) clients.set(client, new Set([account]));
  else accounts?.add(account);
}

function loadPrior(context: RunContext, columns: Columns): PriorRun {
  const { session } = context;
  const prior = session.folder.loadPrior(columns, context.schema);
  session.log.logger.info({ event: 'resume', updatedEarlier: prior.updated.size, inFlight: [...prior.inFlight] }, 'resuming the run');
  return prior;
}

/** Each row reported as read, by a run that only checks: valid or invalid, never sent. */
function checkingReport(context: RunContext, columns: Columns, preview: Preview[]): (verdict: RowVerdict) => void {
  const record = context.startReport(columns, false);
  return (verdict) => {
    context.session.signal.throwIfAborted();
    if (!verdict.valid) {
      record(invalidOutcome(verdict.row, verdict.row.problems));
      return;
    }
    const { row } = verdict;
    if (preview.length < PREVIEW_ROWS) preview.push({ line: row.line, id: row.id, body: row.body });
    record(validOutcome(row, row.body));
  };
}

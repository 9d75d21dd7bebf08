import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreditBatchUpdate, UpdatableField } from '../core/credit-batch.js';
import type { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { RUN_FOLDER_WORDS, type Alteration } from '../core/words/run-folder.js';
import type { ApprovalSeen } from './ledger/record.js';
import type { RecordedOptions } from './run-record.js';

export const PLAN_JSON = 'plan.json';

/**
 * plan.json: a plan made by `ti-credits plan`, as a second person approves it
 * and `apply --plan` sends it. Its `id` is the SHA-256 of its canonical
 * content (every other field, keys sorted), so that the approver can check
 * the plan they reviewed is the one sent, and `apply --plan` can refuse one
 * altered since.
 */
export interface PlanDocument {
  readonly version: 1;
  readonly id: string;
  /** When the plan was made, ISO 8601 UTC. */
  readonly madeAt: string;
  /** The OS user who made it. */
  readonly madeBy: string;
  /** The instance the plan was made against (its origin). */
  readonly target: string;
  readonly keyKind: 'live' | 'test' | 'unknown';
  /** The input the plan was made from; the plan folder holds a copy (`copy`, a file name in it), which `apply --plan` reads. */
  readonly input: { readonly name: string; readonly sha256: string; readonly size: number; readonly copy: string };
  /** SHA-256 of the plan folder's baseline.csv: the values each change is made from. */
  readonly baselineSha256: string;
  /** The options the plan was made with, guardrails among them; never the key. */
  readonly options: RecordedOptions;
  readonly totals: PlanTotals;
  /** Every data row of the input, in file order. */
  readonly rows: readonly PlanRow[];
  /** Earlier runs that applied the same file, as the run ledger records them: the run's id, when it started, the rows it updated. */
  readonly appliedBefore?: readonly { readonly run: string; readonly startedAt: string; readonly updated: number | null }[];
}

export interface PlanTotals {
  readonly rows: number;
  readonly changing: number;
  readonly unchanged: number;
  readonly drifted: number;
  readonly invalid: number;
  /** Over the rows changing currentBalance, as exact decimal text: Σ before + net = Σ after. */
  readonly balance: { readonly before: string; readonly after: string; readonly added: string; readonly removed: string; readonly net: string };
  readonly expiry: { readonly later: number; readonly earlier: number };
  readonly renamed: number;
  /** Requests spent reading the live values for the plan. */
  readonly readRequests: number;
  /** Rows ending below the credits already allocated from their batch. */
  readonly belowAllocated?: number;
  /** Rows moving the expiry of a batch whose status is not active later, making its credits usable again. */
  readonly revived?: number;
}

export interface PlanRow {
  readonly line: number;
  readonly id: string | null;
  readonly clientId: string | null;
  /** `change`: will be sent; `unchanged`: already as asked; `drifted`: its batch moved since the file was prepared; `invalid`: never sent. */
  readonly state: 'change' | 'unchanged' | 'drifted' | 'invalid';
  readonly changes: readonly PlanChange[];
  /** What the batch held as read for the plan, for the fields the row changes; null when not read. */
  readonly live: CreditBatchUpdate | null;
  /** Why an invalid row is invalid. */
  readonly problem: string | null;
  /** The codes of its problems (core/words/), in the order `problem` says them; absent from a plan made before rows had codes. */
  readonly code?: string;
  /** The batch's name as read for the plan, shown beside its id; null when not read. */
  readonly name?: string | null;
  /** Its client's name, when the plan read the client list. */
  readonly clientName?: string | null;
  /** The batch's status as read (active, expired…): a change moving a batch not active later revives it. */
  readonly status?: string | null;
  /** The credits already allocated from the batch, as read: a balance set below them is flagged. */
  readonly allocated?: number | null;
}

export interface PlanChange {
  readonly field: UpdatableField;
  readonly before: string | number | null;
  readonly after: string | number | null;
  /** Credits added, for a balance adjusted by `currentBalanceDelta`; null for a value set outright. */
  readonly delta: number | null;
  /** The change in words, as plan.csv writes it: `+250`, `-3.5 days`, `renamed`. */
  readonly change: string;
}

/**
 * What report.html shows of a finished `apply`: what happened, tied to the
 * plan it sent when it sent a saved one.
 */
export interface ReportDocument {
  readonly version: 1;
  readonly target: string | null;
  readonly madeBy: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** completed, refused, stopped, interrupted. */
  readonly status: string;
  /** The saved plan sent (`apply --plan`), if one was. */
  readonly planId: string | null;
  /** The approval of that plan on record when it was sent; absent or null when none was. */
  readonly approval?: ApprovalSeen | null;
  /** Rows per outcome, and `total`. */
  readonly rows: Readonly<Record<string, number>>;
  readonly requests: { readonly sent: number; readonly retries: number; readonly throttled: number };
  readonly balance: { readonly before: string; readonly after: string; readonly net: string } | null;
  /** Every row not updated (nor unchanged), with why; a drifted row with what the change was made from (baseline), what the batch held (live) and what was asked (target). */
  readonly problems: readonly ReportProblem[];
  /** What `verify` found, when it ran. */
  readonly verify: {
    readonly holds: number;
    readonly changed: number;
    readonly rows: readonly {
      readonly line: number;
      readonly id: string;
      readonly name?: string | null;
      readonly result: 'holds' | 'changed';
      readonly written: CreditBatchUpdate;
      readonly live: CreditBatchUpdate | null;
    }[];
  } | null;
}

/** A row of a finished run that was not updated, with why. */
export interface ReportProblem {
  readonly line: number;
  readonly id: string;
  readonly outcome: string;
  readonly error: string;
  /** The codes of what `error` says (core/words/); empty when the report has none. */
  readonly code?: string;
  /** The batch's name, and its client's, as the run read them; absent when it read none. */
  readonly name?: string | null;
  readonly clientName?: string | null;
  readonly baseline?: CreditBatchUpdate | null;
  readonly live?: CreditBatchUpdate | null;
  readonly target?: CreditBatchUpdate | null;
}

/** The plan's id: the SHA-256 of its content as canonical JSON (keys sorted at every level). */
export function planId(content: Omit<PlanDocument, 'id'>): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * The canonical JSON of `content` with a field `key` added, around that
 * field's value: what comes before it (its name included) and after it. For
 * a value written a piece at a time.
 */
export function canonicalAround(content: object, key: string): [string, string] {
  const entries = Object.entries(content).filter(([name, item]) => item !== undefined && name !== key);
  const field = (name: string, item: unknown): string => `${JSON.stringify(name)}:${canonicalJson(item)}`;
  const before = entries.filter(([name]) => name < key).sort(([a], [b]) => (a < b ? -1 : 1));
  const after = entries.filter(([name]) => name > key).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    `{${before.map(([name, item]) => `${field(name, item)},`).join('')}${JSON.stringify(key)}:`,
    `${after.map(([name, item]) => `,${field(name, item)}`).join('')}}`,
  ];
}

export function canonicalJson(value: unknown): string {
  // JSON.stringify gives undefined for undefined, which an array writes as nothing.
  if (value === null || typeof value !== 'object') return (JSON.stringify(value) as string | undefined) ?? '';
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += index === 0 ? canonicalJson(value[index]) : `,${canonicalJson(value[index])}`;
    return `${text}]`;
  }
  // Built by concatenation, with no array of entries per object: plan.json hashes millions of small ones.
  let text = '{';
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}

/**
 * plan.json of a plan folder, proved to be the plan that was made: its id
 * matches its content, and the input copy and baseline.csv beside it are the
 * ones it names. Anything else means the folder was altered since, and
 * nothing of it may be sent.
 */
export async function readPlanDocument(folder: string): Promise<PlanDocument> {
  const path = join(folder, PLAN_JSON);
  let document: PlanDocument;
  try {
    document = JSON.parse(await readFile(path, 'utf8')) as PlanDocument;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw failure(
      RUN_FOLDER_WORDS,
      'TIC-PLAN-FOLDER-UNREADABLE',
      missing ? { folder, missing, file: PLAN_JSON } : { folder, missing, path, detail: (error as Error).message },
    );
  }
  const { id, ...content } = document;
  const altered = (how: Alteration): TiError => failure(RUN_FOLDER_WORDS, 'TIC-PLAN-ALTERED', { folder, ...how });
  if (document.version !== 1 || typeof id !== 'string' || planId(content) !== id) throw altered({ altered: 'content' });
  // The copy is a file of the plan folder: a name that reaches elsewhere is no plan ti-credits wrote.
  if (!/^[\w.-]+$/.test(document.input.copy) || document.input.copy.startsWith('.')) throw altered({ altered: 'copy-name', copy: document.input.copy });
  if ((await sha256File(join(folder, document.input.copy))) !== document.input.sha256) throw altered({ altered: 'copy', copy: document.input.copy });
  if ((await sha256File(join(folder, 'baseline.csv'))) !== document.baselineSha256) throw altered({ altered: 'baseline' });
  return document;
}

/** The SHA-256 of a file's bytes, in hex; '' when it cannot be read. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return '';
  }
  return hash.digest('hex');
}

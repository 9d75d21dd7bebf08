import type { LedgerEvent } from './record.js';

/**
 * ledger.index.json: where in ledger.jsonl the lines of each run, of each
 * input's SHA-256, of each plan, and of each plan's approvals are, for the
 * ledger's first `size` bytes. What a run asks before it sends ("was this
 * content, or this plan, applied here?") is then a read of the index and of
 * those few lines, however long the ledger. It is a cache: checked against
 * the ledger's bytes where it ends (the last line it covers), made again
 * from the ledger whenever it does not match, and a reader that cannot
 * write it (a read-only copy) does without.
 */
export interface LedgerIndex {
  readonly v: 2;
  /** Bytes of the ledger it covers: up to the end of a whole line. */
  readonly size: number;
  /** The SHA-256 of the last line it covers, and that line's length. */
  readonly tail: string;
  readonly tailLength: number;
  /** Each run's lines, as [offset, length] pairs, flat. */
  readonly ids: Readonly<Record<string, readonly number[]>>;
  /** The runs of each input SHA-256. */
  readonly inputs: Readonly<Record<string, readonly string[]>>;
  /** The runs that made or sent each plan. */
  readonly plans: Readonly<Record<string, readonly string[]>>;
  /** Each plan's approval lines, as [offset, length] pairs, flat. */
  readonly approvals: Readonly<Record<string, readonly number[]>>;
}

/** What a lookup asks for. */
export interface LedgerKeys {
  readonly ids?: readonly string[];
  readonly inputs?: readonly string[];
  readonly plans?: readonly string[];
}

/** Builds an index line by line, from an empty one or from one read back. */
export class IndexBuilder {
  readonly #ids = new Map<string, number[]>();
  readonly #inputs = new Map<string, Set<string>>();
  readonly #plans = new Map<string, Set<string>>();
  readonly #approvals = new Map<string, number[]>();

  constructor(from?: LedgerIndex) {
    if (from === undefined) return;
    for (const [id, lines] of Object.entries(from.ids)) this.#ids.set(id, [...lines]);
    for (const [sha, ids] of Object.entries(from.inputs)) this.#inputs.set(sha, new Set(ids));
    for (const [plan, ids] of Object.entries(from.plans)) this.#plans.set(plan, new Set(ids));
    for (const [plan, lines] of Object.entries(from.approvals)) this.#approvals.set(plan, [...lines]);
  }

  add(event: LedgerEvent, offset: number, length: number): void {
    switch (event.t) {
      case 'start': {
        const { record } = event;
        push(this.#ids, record.id, offset, length);
        if (record.input !== null) member(this.#inputs, record.input.sha256, record.id);
        if (record.planId !== null) member(this.#plans, record.planId, record.id);
        return;
      }
      case 'resume':
        push(this.#ids, event.id, offset, length);
        return;
      case 'end':
        push(this.#ids, event.id, offset, length);
        if (typeof event.end.planId === 'string') member(this.#plans, event.end.planId, event.id);
        return;
      case 'approve':
        push(this.#approvals, event.approval.planId, offset, length);
    }
  }

  build(size: number, tail: string, tailLength: number): LedgerIndex {
    return {
      v: 2,
      size,
      tail,
      tailLength,
      ids: Object.fromEntries(this.#ids),
      inputs: Object.fromEntries([...this.#inputs].map(([sha, ids]) => [sha, [...ids]])),
      plans: Object.fromEntries([...this.#plans].map(([plan, ids]) => [plan, [...ids]])),
      approvals: Object.fromEntries(this.#approvals),
    };
  }
}

function push(map: Map<string, number[]>, key: string, offset: number, length: number): void {
  const lines = map.get(key);
  if (lines === undefined) map.set(key, [offset, length]);
  else lines.push(offset, length);
}

function member(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === undefined) map.set(key, new Set([id]));
  else ids.add(id);
}

/** Whether a value read back is an index in this shape. */
export function isLedgerIndex(value: unknown): value is LedgerIndex {
  if (typeof value !== 'object' || value === null) return false;
  const index = value as Record<string, unknown>;
  return (
    index.v === 2 &&
    Number.isSafeInteger(index.size) &&
    Number.isSafeInteger(index.tailLength) &&
    typeof index.tail === 'string' &&
    ['ids', 'inputs', 'plans', 'approvals'].every((key) => typeof index[key] === 'object' && index[key] !== null)
  );
}

/** The runs the keys name in an index: by id, by input SHA-256, by plan. Read from the index as parsed, never copied. */
export function idsFor(index: LedgerIndex, keys: LedgerKeys): Set<string> {
  const ids = new Set(keys.ids ?? []);
  for (const sha of keys.inputs ?? []) for (const id of entry(index.inputs, sha) ?? []) ids.add(id);
  for (const plan of keys.plans ?? []) for (const id of entry(index.plans, plan) ?? []) ids.add(id);
  return ids;
}

/** The [offset, length] of every line of these runs and of these plans' approvals in an index, in ledger order. */
export function linesOf(index: LedgerIndex, ids: Iterable<string>, plans: readonly string[]): [number, number][] {
  const flat = [...[...ids].flatMap((id) => entry(index.ids, id) ?? []), ...plans.flatMap((plan) => entry(index.approvals, plan) ?? [])];
  const pairs: [number, number][] = [];
  for (let at = 0; at + 1 < flat.length; at += 2) pairs.push([flat[at] as number, flat[at + 1] as number]);
  return pairs.sort((a, b) => a[0] - b[0]);
}

/** A key's entry of an index's map, as its own property only (a key such as `__proto__` is data, never the prototype). */
function entry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

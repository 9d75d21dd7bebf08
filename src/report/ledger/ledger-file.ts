import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IndexBuilder, idsFor, isLedgerIndex, linesOf, type LedgerIndex, type LedgerKeys } from './ledger-index.js';
import { emptyState, foldEvent, isLedgerEvent, type LedgerEvent, type LedgerState } from './record.js';

export const LEDGER_FILE = 'ledger.jsonl';
export const LEDGER_INDEX = 'ledger.index.json';

/** How far past its index the ledger may grow before a lookup writes the index again. */
const INDEX_EVERY_BYTES = 64 * 1024;

/** Every line starts so: where a line glued after a torn one is found again. */
const LINE_START = '{"v":1,';

/** The ledger as read: its state, and how many lines were damaged (a write cut short), skipped or recovered. */
export interface LedgerRead {
  readonly state: LedgerState;
  readonly damaged: number;
}

/**
 * Appends events to ledger.jsonl as one write, each a line, forced to disk.
 * A ledger whose last line was cut short (its writer killed) gets a line
 * break first, so that the torn line stays alone and is skipped on reading.
 */
export async function appendEvents(root: string, events: readonly LedgerEvent[]): Promise<void> {
  await mkdir(root, { recursive: true });
  const handle = await open(join(root, LEDGER_FILE), 'a+');
  try {
    const { size } = await handle.stat();
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = '\n';
    }
    await handle.write(`${lead}${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Reads the whole ledger of `root` (and writes its index on the way); an absent ledger is empty. */
export async function readLedger(root: string): Promise<LedgerRead> {
  const path = join(root, LEDGER_FILE);
  const state = emptyState();
  if (!(await exists(path))) return { state, damaged: 0 };
  const builder = new IndexBuilder();
  const read = await scanLines(path, 0, (event, offset, length) => {
    foldEvent(state, event);
    builder.add(event, offset, length);
  });
  await writeIndex(root, builder.build(read.covered, read.tail, read.tailLength));
  if (read.unended !== undefined) foldEvent(state, read.unended);
  return { state, damaged: read.damaged };
}

/**
 * The runs and approvals the keys name, and nothing else: read through the
 * index (and the lines appended since it was written), so that a check
 * before a run costs the same for a ledger of ten runs or of ten thousand.
 */
export async function lookupLedger(root: string, keys: LedgerKeys): Promise<LedgerState> {
  const path = join(root, LEDGER_FILE);
  if (!(await exists(path))) return emptyState();
  const index = await usableIndex(root, (await stat(path)).size);
  // No index that matches (a first lookup, a ledger replaced, a read-only copy): one pass over the whole ledger answers.
  if (index === undefined) return only((await readLedger(root)).state, keys);
  const wanted = { ids: idsFor(index, keys), inputs: new Set(keys.inputs), plans: new Set(keys.plans) };
  const appended: { readonly event: LedgerEvent; readonly offset: number; readonly length: number }[] = [];
  const since: LedgerEvent[] = [];
  const read = await scanLines(path, index.size, (event, offset, length) => {
    appended.push({ event, offset, length });
    if (named(event, wanted)) since.push(event);
  });
  // Grown well past its index, the ledger gets it again: the index copied into a builder only then, which costs.
  if (read.covered - index.size >= INDEX_EVERY_BYTES) {
    const builder = new IndexBuilder(index);
    for (const { event, offset, length } of appended) builder.add(event, offset, length);
    await writeIndex(root, builder.build(read.covered, read.tail, read.tailLength));
  }
  // The lines the index knows of, read where they are; then those appended since, in order.
  const indexed = linesOf(index, wanted.ids, keys.plans ?? []);
  const state = emptyState();
  const handle = await open(path, 'r');
  try {
    for (const [offset, length] of indexed) {
      const bytes = Buffer.alloc(length);
      await handle.read(bytes, 0, length, offset);
      const event = parseLine(bytes.toString('utf8').trim())?.event;
      if (event !== undefined) foldEvent(state, event);
    }
  } finally {
    await handle.close();
  }
  for (const event of since) foldEvent(state, event);
  if (read.unended !== undefined && named(read.unended, wanted)) foldEvent(state, read.unended);
  return state;
}

/** The part of a whole ledger's state the keys name. */
function only(whole: LedgerState, keys: LedgerKeys): LedgerState {
  const state = emptyState();
  for (const record of whole.records.values()) {
    const named =
      keys.ids?.includes(record.id) === true ||
      (record.input !== null && keys.inputs?.includes(record.input.sha256) === true) ||
      (record.planId !== null && keys.plans?.includes(record.planId) === true);
    if (named) state.records.set(record.id, record);
  }
  for (const plan of keys.plans ?? []) {
    const approvals = whole.approvals.get(plan);
    if (approvals !== undefined) state.approvals.set(plan, approvals);
  }
  return state;
}

/** Whether a line is about what a lookup asks for; a run found by its content or its plan is wanted whole from then on. */
function named(event: LedgerEvent, wanted: { readonly ids: Set<string>; readonly inputs: Set<string>; readonly plans: Set<string> }): boolean {
  switch (event.t) {
    case 'start': {
      const { record } = event;
      if ((record.input !== null && wanted.inputs.has(record.input.sha256)) || (record.planId !== null && wanted.plans.has(record.planId)))
        wanted.ids.add(record.id);
      return wanted.ids.has(record.id);
    }
    case 'approve':
      return wanted.plans.has(event.approval.planId);
    case 'end':
      if (typeof event.end.planId === 'string' && wanted.plans.has(event.end.planId)) wanted.ids.add(event.id);
      return wanted.ids.has(event.id);
    case 'resume':
      return wanted.ids.has(event.id);
  }
}

/** Replaces the ledger with these events, whole (a rebuild); the index goes with the ledger it described. */
export async function replaceLedger(root: string, events: readonly LedgerEvent[]): Promise<void> {
  await mkdir(root, { recursive: true });
  const aside = join(root, `${LEDGER_FILE}.${process.pid}.tmp`);
  await writeFile(aside, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  const handle = await open(aside, 'r+');
  await handle.datasync();
  await handle.close();
  await rm(join(root, LEDGER_INDEX), { force: true });
  await rename(aside, join(root, LEDGER_FILE));
}

interface LinesRead {
  /** Bytes up to the end of the last whole line. */
  readonly covered: number;
  /** The SHA-256 of the last whole line (with its line break), and its length: what an index checks the ledger against. */
  readonly tail: string;
  readonly tailLength: number;
  readonly damaged: number;
  /** A last line without its line break that reads whole. */
  readonly unended: LedgerEvent | undefined;
}

/** Each whole line from byte `from` on, parsed, with where it is; a damaged line is recovered where a line was glued after it, else skipped. */
async function scanLines(path: string, from: number, onEvent: (event: LedgerEvent, offset: number, length: number) => void): Promise<LinesRead> {
  let covered = from;
  let damaged = 0;
  let tail: Buffer | undefined;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { start: from })) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let start = 0;
    for (let end = pending.indexOf(0x0a, start); end >= 0; end = pending.indexOf(0x0a, start)) {
      const line = pending.subarray(start, end + 1);
      const text = line.toString('utf8').trim();
      if (text !== '') {
        const parsed = parseLine(text);
        if (parsed === undefined || parsed.recovered) damaged++;
        if (parsed !== undefined) onEvent(parsed.event, covered, line.length);
      }
      tail = line;
      covered += line.length;
      start = end + 1;
    }
    pending = pending.subarray(start);
  }
  // A last line without its line break is a write cut short, or one still being made by another process: never covered,
  // nor counted as damaged until a later line follows it.
  const unended = pending.length === 0 ? undefined : parseLine(pending.toString('utf8').trim());
  return {
    covered,
    tail: tail === undefined ? '' : digest(tail),
    tailLength: tail?.length ?? 0,
    damaged,
    unended: unended?.recovered === false ? unended.event : undefined,
  };
}

function parseLine(text: string): { readonly event: LedgerEvent; readonly recovered: boolean } | undefined {
  const whole = tryParse(text);
  if (whole !== undefined) return { event: whole, recovered: false };
  const glued = text.lastIndexOf(LINE_START);
  if (glued <= 0) return undefined;
  const event = tryParse(text.slice(glued));
  return event === undefined ? undefined : { event, recovered: true };
}

function tryParse(text: string): LedgerEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isLedgerEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function usableIndex(root: string, size: number): Promise<LedgerIndex | undefined> {
  let index: unknown;
  try {
    index = JSON.parse(await readFile(join(root, LEDGER_INDEX), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isLedgerIndex(index) || index.size > size || index.tailLength > index.size) return undefined;
  if (index.size === 0) return index;
  const handle = await open(join(root, LEDGER_FILE), 'r');
  try {
    const bytes = Buffer.alloc(index.tailLength);
    await handle.read(bytes, 0, index.tailLength, index.size - index.tailLength);
    return digest(bytes) === index.tail ? index : undefined;
  } finally {
    await handle.close();
  }
}

/** Writes the index, whole, beside the ledger; where it cannot be written (a read-only copy), lookups read the ledger whole. */
async function writeIndex(root: string, index: LedgerIndex): Promise<void> {
  const aside = join(root, `${LEDGER_INDEX}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  try {
    await writeFile(aside, JSON.stringify(index));
    await rename(aside, join(root, LEDGER_INDEX));
  } catch {
    await rm(aside, { force: true }).catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

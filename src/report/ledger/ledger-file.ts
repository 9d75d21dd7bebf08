import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Approval } from './approval.js';
import { emptyState, foldEvent, isLedgerEvent, type LedgerEvent, type LedgerRecord, type LedgerState } from './record.js';

export const LEDGER_FILE = 'ledger.jsonl';
export const LEDGER_INDEX = 'ledger.index.json';

/** How far past its index the ledger may grow before a reader writes the index again. */
const INDEX_EVERY_BYTES = 64 * 1024;

/** Every line starts so: where a line glued after a torn one is found again. */
const LINE_START = '{"v":1,';

/** The ledger as read: its state, and how many lines were damaged (a write cut short), skipped or recovered. */
export interface LedgerRead {
  readonly state: LedgerState;
  readonly damaged: number;
}

/**
 * ledger.index.json: the state of the ledger's first `size` bytes, so that a
 * reader reads only what was appended since. It is a cache: checked against
 * the ledger's bytes where it ends (the last line it covers), it is rebuilt
 * from the ledger whenever it does not match (missing, older, a ledger
 * replaced), and a reader that cannot write it (a read-only copy) does without.
 */
interface LedgerIndex {
  readonly v: 1;
  readonly size: number;
  readonly tailLength: number;
  readonly tail: string;
  readonly damaged: number;
  readonly records: readonly LedgerRecord[];
  readonly approvals: readonly Approval[];
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

/** Reads the ledger of `root`: from its index on, or whole when the index does not match it. An absent ledger is empty. */
export async function readLedger(root: string): Promise<LedgerRead> {
  const path = join(root, LEDGER_FILE);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), damaged: 0 };
    throw error;
  }
  const index = await usableIndex(root, size);
  const state = emptyState();
  if (index !== undefined) {
    for (const record of index.records) state.records.set(record.id, record);
    for (const approval of index.approvals) foldEvent(state, { v: 1, t: 'approve', approval });
  }
  const from = index?.size ?? 0;
  const read = await readLines(path, from, (line) => foldEvent(state, line));
  const damaged = (index?.damaged ?? 0) + read.damaged;
  if (index === undefined || read.covered - from >= INDEX_EVERY_BYTES) await writeIndex(root, state, read, damaged);
  // Beyond the index: a last line complete but for its line break is read all the same.
  if (read.unended !== undefined) foldEvent(state, read.unended);
  return { state, damaged };
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
  /** The last whole line, with its line break: what the index checks the ledger against. */
  readonly tail: Buffer | undefined;
  readonly damaged: number;
  /** A last line without its line break that reads whole. */
  readonly unended: LedgerEvent | undefined;
}

/** Each whole line from byte `from` on, parsed; a damaged line is recovered where a line was glued after it, else skipped. */
async function readLines(path: string, from: number, onEvent: (event: LedgerEvent) => void): Promise<LinesRead> {
  let covered = from;
  let damaged = 0;
  let tail: Buffer | undefined;
  let pending: Buffer = Buffer.alloc(0);
  const take = (line: Buffer): void => {
    const text = line.toString('utf8').trim();
    if (text === '') return;
    const event = parseLine(text);
    if (event === undefined || event.recovered) damaged++;
    if (event !== undefined) onEvent(event.event);
  };
  for await (const chunk of createReadStream(path, { start: from })) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let start = 0;
    for (let end = pending.indexOf(0x0a, start); end >= 0; end = pending.indexOf(0x0a, start)) {
      const line = pending.subarray(start, end + 1);
      take(line);
      tail = Buffer.from(line);
      covered += line.length;
      start = end + 1;
    }
    pending = pending.subarray(start);
  }
  // A last line without its line break is a write cut short, or one still being made by another process: never covered,
  // nor counted as damaged until a later line follows it.
  const unended = pending.length === 0 ? undefined : parseLine(pending.toString('utf8').trim());
  return { covered, tail, damaged, unended: unended?.recovered === false ? unended.event : undefined };
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
  let index: LedgerIndex;
  try {
    index = JSON.parse(await readFile(join(root, LEDGER_INDEX), 'utf8')) as LedgerIndex;
  } catch {
    return undefined;
  }
  if (index.v !== 1 || !Number.isSafeInteger(index.size) || index.size > size || !Number.isSafeInteger(index.tailLength) || index.tailLength > index.size) return undefined;
  if (!Array.isArray(index.records) || !Array.isArray(index.approvals)) return undefined;
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

/** Writes the index, whole, beside the ledger; a ledger that cannot be written beside (a read-only copy) is read whole each time. */
async function writeIndex(root: string, state: LedgerState, read: LinesRead, damaged: number): Promise<void> {
  const index: LedgerIndex = {
    v: 1,
    size: read.covered,
    tailLength: read.tail?.length ?? 0,
    tail: read.tail === undefined ? '' : digest(read.tail),
    damaged,
    records: [...state.records.values()],
    approvals: [...state.approvals.values()].flat(),
  };
  const aside = join(root, `${LEDGER_INDEX}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  try {
    await writeFile(aside, JSON.stringify(index));
    await rename(aside, join(root, LEDGER_INDEX));
  } catch {
    await rm(aside, { force: true }).catch(() => undefined);
  }
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

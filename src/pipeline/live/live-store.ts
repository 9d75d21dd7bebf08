import type { CreditBatch } from '../../core/credit-batch.js';
import { IdTable } from './id-table.js';
import { Interned } from './interned.js';
import { MomentText, momentOf } from './moments.js';

/**
 * What is kept of a live credit batch (by its id): the values a row can
 * change or be checked against, its client, its status (a plan flags a
 * change that revives a batch not active), and, for the credit ledger to be
 * reconciled after sending, its credit account and when it last changed. The
 * API's other fields would more than double the memory a million batches take.
 */
export type LiveBatch = Pick<CreditBatch, 'clientId'> &
  Partial<Pick<CreditBatch, 'name' | 'expiresOn' | 'currentBalance' | 'allocatedCredits' | 'updatedAt' | 'creditAccountId'>> & {
    readonly status?: string | undefined;
  };

// Which fields an entry holds, and how its texts are kept.
const NAME = 1;
const EXPIRES = 2;
const UPDATED = 4;
const BALANCE = 8;
const ALLOCATED = 16;
const STATUS = 32;
/** The expiry (or updatedAt) kept as text, not as a moment: not in the one form a moment is written back in. */
const EXPIRES_TEXT = 64;
const UPDATED_TEXT = 128;
/** The status kept as text, not by its number in Interned: more words than a byte numbers. */
const STATUS_TEXT = 2048;
/** The entry's texts kept as UTF-16 (two bytes a character), not as Latin-1 (one). */
const WIDE = 256;
/** The balance (or the credits allocated) is not a whole number below 2^32: kept in #large, not in its column. */
const BALANCE_LARGE = 512;
const ALLOCATED_LARGE = 1024;

const FIRST_CAPACITY = 1024;

/**
 * Credit batches by id, in columns of typed arrays: about 65 bytes a batch,
 * and its name, where objects and strings took about 400, and nothing for
 * the garbage collector to trace. Each entry also says which read listed it,
 * and on which of its pages (see LiveBatches). Every value comes back exactly as it was stored: a field
 * absent stays absent; an expiry or updatedAt in the form
 * `YYYY-MM-DDTHH:mm:ss.sssZ` is kept as its moment, which writes it back in
 * that very form, any other text as text; texts beyond Latin-1 are kept as
 * UTF-16, so that no character (a lone surrogate included) is changed.
 */
export class LiveStore {
  readonly #ids: IdTable;
  readonly #interned: Interned;
  #capacity: number;
  #read: Uint32Array;
  /** The page of its read that listed it (a list has at most MAX_PAGES). */
  #page: Uint16Array;
  #balance: Uint32Array;
  #allocated: Uint32Array;
  /** The values of BALANCE_LARGE and ALLOCATED_LARGE, by 2 × entry (+ 1 for the credits allocated). */
  readonly #large = new Map<number, number>();
  #expires: Float64Array;
  #updated: Float64Array;
  /** Its client and credit account, as a pair of Interned. */
  #pair: Uint32Array;
  #flags: Uint16Array;
  /** Its status, by its number in Interned (see STATUS_TEXT). */
  #status: Uint8Array;
  /** Where an entry's texts begin in `#text` (as many as its flags say it has as texts, each after its length). */
  #textAt: Uint32Array;
  #text: Buffer;
  #textUsed = 0;
  /** The moments last written back as text, one per column: most of an expiry column is one moment. */
  readonly #expiresText = new MomentText();
  readonly #updatedText = new MomentText();
  /** Bytes of `#text` no entry uses any more: its texts were replaced by longer ones. */
  #garbage = 0;

  /**
   * `expected`: the most entries it will likely hold (the rows of the file),
   * room for which is made at once: growing columns of a million entries
   * held the old and the new copy together, and left the allocator
   * fragmented. Room not written to takes no memory: the system gives
   * large zeroed allocations page by page, as they are first written.
   */
  constructor(interned = new Interned(), expected = 0) {
    this.#interned = interned;
    const capacity = Math.max(FIRST_CAPACITY, expected);
    this.#ids = new IdTable(capacity);
    this.#capacity = capacity;
    this.#read = new Uint32Array(capacity);
    this.#page = new Uint16Array(capacity);
    this.#balance = new Uint32Array(capacity);
    this.#allocated = new Uint32Array(capacity);
    this.#expires = new Float64Array(capacity);
    this.#updated = new Float64Array(capacity);
    this.#pair = new Uint32Array(capacity);
    this.#flags = new Uint16Array(capacity);
    this.#status = new Uint8Array(capacity);
    this.#textAt = new Uint32Array(capacity);
    // A name and its length take about 16 bytes: room for the texts too, grown (and copied) only for longer ones.
    this.#text = Buffer.allocUnsafe(Math.max(64 * 1024, 16 * expected));
  }

  get size(): number {
    return this.#ids.size;
  }

  /** The entry of `id`, or -1. */
  find(id: string): number {
    return this.#ids.find(id);
  }

  readOf(entry: number): number {
    return this.#read[entry] as number;
  }

  pageOf(entry: number): number {
    return this.#page[entry] as number;
  }

  /** Stores the batch of `id` as listed by read `read` on its page `page`, in place of what was stored of it. */
  set(id: string, batch: LiveBatch, read: number, page: number): void {
    this.#write(this.#entry(id), batch, read, page);
  }

  /** Stores the batch of `id` as `set` does, only if nothing is stored of it; whether it was. */
  add(id: string, batch: LiveBatch, read: number, page: number): boolean {
    const known = this.#ids.size;
    const entry = this.#entry(id);
    if (entry < known) return false;
    this.#write(entry, batch, read, page);
    return true;
  }

  #write(entry: number, batch: LiveBatch, read: number, page: number): void {
    if (page > 0xffff) throw new Error(`page ${page} of a list is beyond the pages a list may have`);
    const oldBytes = this.#textBytes(entry);
    this.#read[entry] = read;
    this.#page[entry] = page;
    this.#pair[entry] = this.#interned.pair(batch.clientId, batch.creditAccountId);
    let flags = 0;
    if (batch.currentBalance !== undefined) flags |= BALANCE | this.#setCredits(this.#balance, entry, 0, batch.currentBalance, BALANCE_LARGE);
    else this.#large.delete(2 * entry);
    if (batch.allocatedCredits !== undefined) flags |= ALLOCATED | this.#setCredits(this.#allocated, entry, 1, batch.allocatedCredits, ALLOCATED_LARGE);
    else this.#large.delete(2 * entry + 1);
    const texts: string[] = [];
    if (batch.name !== undefined) {
      flags |= NAME;
      texts.push(batch.name);
    }
    if (batch.expiresOn !== undefined) {
      flags |= EXPIRES;
      const moment = momentOf(batch.expiresOn);
      if (moment === undefined) {
        flags |= EXPIRES_TEXT;
        texts.push(batch.expiresOn);
      } else this.#expires[entry] = moment;
    }
    if (batch.updatedAt !== undefined) {
      flags |= UPDATED;
      const moment = momentOf(batch.updatedAt);
      if (moment === undefined) {
        flags |= UPDATED_TEXT;
        texts.push(batch.updatedAt);
      } else this.#updated[entry] = moment;
    }
    if (batch.status !== undefined) {
      flags |= STATUS;
      const status = this.#interned.statusNumber(batch.status);
      if (status === undefined) {
        flags |= STATUS_TEXT;
        texts.push(batch.status);
      } else this.#status[entry] = status;
    }
    if (texts.some((text) => BEYOND_LATIN1.test(text))) flags |= WIDE;
    this.#flags[entry] = flags;
    this.#writeTexts(entry, oldBytes, texts, (flags & WIDE) !== 0 ? 'utf16le' : 'latin1');
  }

  /** The batch of an entry, as it was stored. */
  batchOf(entry: number): LiveBatch {
    const flags = this.#flags[entry] as number;
    const pair = this.#pair[entry] as number;
    const batch: { -readonly [K in keyof LiveBatch]: LiveBatch[K] } = { clientId: this.#interned.clientOf(pair) };
    if ((flags & ALLOCATED) !== 0)
      batch.allocatedCredits = (flags & ALLOCATED_LARGE) !== 0 ? (this.#large.get(2 * entry + 1) as number) : (this.#allocated[entry] as number);
    const account = this.#interned.accountOf(pair);
    if (account !== undefined) batch.creditAccountId = account;
    const texts = this.#readTexts(entry, flags);
    let next = 0;
    if ((flags & NAME) !== 0) batch.name = texts[next++] as string;
    if ((flags & EXPIRES) !== 0)
      batch.expiresOn = (flags & EXPIRES_TEXT) !== 0 ? (texts[next++] as string) : this.#expiresText.of(this.#expires[entry] as number);
    if ((flags & BALANCE) !== 0)
      batch.currentBalance = (flags & BALANCE_LARGE) !== 0 ? (this.#large.get(2 * entry) as number) : (this.#balance[entry] as number);
    if ((flags & UPDATED) !== 0)
      batch.updatedAt = (flags & UPDATED_TEXT) !== 0 ? (texts[next++] as string) : this.#updatedText.of(this.#updated[entry] as number);
    if ((flags & STATUS) !== 0) batch.status = (flags & STATUS_TEXT) !== 0 ? (texts[next++] as string) : this.#interned.statusOf(this.#status[entry] as number);
    return batch;
  }

  /**
   * Stores every entry of `other` (made with the same Interned), in place of
   * what was stored of its ids: a read is gathered apart and kept only once
   * it is whole.
   */
  merge(other: LiveStore): void {
    for (let from = 0; from < other.size; from++) {
      const entry = this.#ids.adopt(other.#ids, from);
      if (entry >= this.#capacity) this.#grow();
      const oldBytes = this.#textBytes(entry);
      this.#read[entry] = other.#read[from] as number;
      this.#page[entry] = other.#page[from] as number;
      this.#balance[entry] = other.#balance[from] as number;
      this.#allocated[entry] = other.#allocated[from] as number;
      this.#expires[entry] = other.#expires[from] as number;
      this.#updated[entry] = other.#updated[from] as number;
      this.#pair[entry] = other.#pair[from] as number;
      this.#status[entry] = other.#status[from] as number;
      const flags = other.#flags[from] as number;
      this.#flags[entry] = flags;
      for (const [field, large] of [
        [0, BALANCE_LARGE],
        [1, ALLOCATED_LARGE],
      ] as const) {
        if ((flags & large) !== 0) this.#large.set(2 * entry + field, other.#large.get(2 * from + field) as number);
        else this.#large.delete(2 * entry + field);
      }
      const at = other.#textAt[from] as number;
      const length = other.#textBytes(from);
      const place = this.#placeText(entry, oldBytes, length);
      other.#text.copy(this.#text, place, at, at + length);
    }
  }

  /** A whole number of credits in its column; any other number (beyond 2^32, -0) in #large: the flag that says which. */
  #setCredits(column: Uint32Array, entry: number, field: 0 | 1, value: number, large: number): number {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff && !Object.is(value, -0)) {
      column[entry] = value;
      this.#large.delete(2 * entry + field);
      return 0;
    }
    this.#large.set(2 * entry + field, value);
    return large;
  }

  #entry(id: string): number {
    const entry = this.#ids.add(id);
    if (entry >= this.#capacity) this.#grow();
    return entry;
  }

  /** Where an entry's `length` bytes of text go, its old ones taking `old`: in their place when they fit there. */
  #placeText(entry: number, old: number, length: number): number {
    if (length <= old) {
      this.#garbage += old - length;
      return this.#textAt[entry] as number;
    }
    this.#garbage += old;
    // Out of the compaction #reserve may do: its texts are about to be written elsewhere.
    this.#textAt[entry] = NOWHERE;
    const at = this.#reserve(length);
    this.#textAt[entry] = at;
    return at;
  }

  /** The bytes an entry's texts take, as its flags say how many it has. */
  #textBytes(entry: number): number {
    const at = this.#textAt[entry] as number;
    if (at === NOWHERE) return 0;
    const flags = this.#flags[entry] as number;
    let end = at;
    for (let texts = textsOf(flags); texts > 0; texts--) {
      let length = 0;
      for (let scale = 1; ; scale *= 128) {
        const byte = this.#text[end++] as number;
        length += (byte & 127) * scale;
        if (byte < 128) break;
      }
      end += length;
    }
    return end - at;
  }

  #grow(): void {
    const capacity = Math.ceil(this.#capacity * 1.5);
    const grown = <T extends Uint32Array | Float64Array | Uint16Array | Uint8Array>(old: T, make: new (size: number) => T): T => {
      const array = new make(capacity);
      array.set(old);
      return array;
    };
    this.#read = grown(this.#read, Uint32Array);
    this.#page = grown(this.#page, Uint16Array);
    this.#balance = grown(this.#balance, Uint32Array);
    this.#allocated = grown(this.#allocated, Uint32Array);
    this.#expires = grown(this.#expires, Float64Array);
    this.#updated = grown(this.#updated, Float64Array);
    this.#pair = grown(this.#pair, Uint32Array);
    this.#flags = grown(this.#flags, Uint16Array);
    this.#status = grown(this.#status, Uint8Array);
    this.#textAt = grown(this.#textAt, Uint32Array);
    this.#capacity = capacity;
  }

  /** An entry's texts, each after its length in bytes (seven bits a byte, the high bit set on all but the last). */
  #writeTexts(entry: number, old: number, texts: readonly string[], encoding: 'latin1' | 'utf16le'): void {
    const perChar = encoding === 'latin1' ? 1 : 2;
    let length = 0;
    for (const text of texts) length += prefixLength(text.length * perChar) + text.length * perChar;
    let at = this.#placeText(entry, old, length);
    const bytes = this.#text;
    for (const text of texts) {
      for (let left = text.length * perChar; ; left = Math.floor(left / 128)) {
        if (left < 128) {
          bytes[at++] = left;
          break;
        }
        bytes[at++] = (left % 128) | 128;
      }
      at += bytes.write(text, at, encoding);
    }
  }

  #readTexts(entry: number, flags: number): string[] {
    const texts: string[] = [];
    const encoding = (flags & WIDE) !== 0 ? 'utf16le' : 'latin1';
    let at = this.#textAt[entry] as number;
    const bytes = this.#text;
    for (let left = textsOf(flags); left > 0; left--) {
      let length = 0;
      for (let scale = 1; ; scale *= 128) {
        const byte = bytes[at++] as number;
        length += (byte & 127) * scale;
        if (byte < 128) break;
      }
      texts.push(bytes.toString(encoding, at, at + length));
      at += length;
    }
    return texts;
  }

  /** Room for `length` bytes of text at the end, the texts compacted first when most of what is held is garbage. */
  #reserve(length: number): number {
    if (this.#garbage > 1024 * 1024 && this.#garbage > this.#textUsed / 2) this.#compact();
    if (this.#textUsed + length > this.#text.length) {
      const size = Math.max(this.#textUsed + length, Math.ceil(this.#text.length * 1.5));
      if (size > MAX_TEXT) throw new Error(`the texts of the live credit batches would take more than ${MAX_TEXT} bytes`);
      const grown = Buffer.allocUnsafe(size);
      this.#text.copy(grown, 0, 0, this.#textUsed);
      this.#text = grown;
    }
    const at = this.#textUsed;
    this.#textUsed += length;
    return at;
  }

  #compact(): void {
    const text = Buffer.allocUnsafe(Math.max(64 * 1024, this.#textUsed - this.#garbage));
    let used = 0;
    for (let entry = 0; entry < this.#ids.size; entry++) {
      const length = this.#textBytes(entry);
      if (length === 0) continue;
      const at = this.#textAt[entry] as number;
      this.#text.copy(text, used, at, at + length);
      this.#textAt[entry] = used;
      used += length;
    }
    this.#text = text;
    this.#textUsed = used;
    this.#garbage = 0;
  }
}

/** How many of an entry's values are kept as texts. */
function textsOf(flags: number): number {
  return (
    ((flags & NAME) !== 0 ? 1 : 0) + ((flags & EXPIRES_TEXT) !== 0 ? 1 : 0) + ((flags & UPDATED_TEXT) !== 0 ? 1 : 0) + ((flags & STATUS_TEXT) !== 0 ? 1 : 0)
  );
}

/** An entry whose texts are being moved: none to count or copy. */
const NOWHERE = 0xffffffff;

/** The bytes the length of a text takes before it. */
function prefixLength(length: number): number {
  let bytes = 1;
  for (let left = length; left >= 128; left = Math.floor(left / 128)) bytes++;
  return bytes;
}

/** A Buffer's length is a 32-bit count of bytes. */
const MAX_TEXT = 2 ** 32 - 1;

const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

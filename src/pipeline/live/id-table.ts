/**
 * Ids (letter case aside) to small whole numbers, 0, 1, 2… in the order they
 * are first added, for tables of a million credit batches: a UUID is kept as
 * its 128 bits (four words in a typed array) behind an open-addressing index,
 * about 24 bytes an id where a Map of strings takes several times as much
 * and gives the garbage collector a million objects to trace. The words are
 * the id itself, not a fingerprint of it, so two ids are never taken for one.
 * An id of any other shape (the API's ids are UUIDs; nothing checks it) is
 * kept in a Map of its own.
 */
export class IdTable {
  /** The four words of each UUID, by number. */
  #words: Uint32Array;
  /** Open addressing, linear probing: a number + 1 per slot, 0 when empty; a power of two in size. */
  #slots: Int32Array;
  readonly #others = new Map<string, number>();
  /** The ids of other shapes, by number. */
  readonly #otherIds = new Map<number, string>();
  #size = 0;

  /** `expected`: how many ids to make room for at once. */
  constructor(expected = 1024) {
    this.#words = new Uint32Array(4 * Math.max(16, expected));
    let slots = 32;
    while (slots < 2 * expected) slots *= 2;
    this.#slots = new Int32Array(slots);
  }

  /** How many ids were added. */
  get size(): number {
    return this.#size;
  }

  /** The number of `id`, or -1 when it was never added. */
  find(id: string): number {
    if (!isUuid(id)) return this.#others.get(id.toLowerCase()) ?? -1;
    readWords(id, WORDS);
    return this.#find(WORDS[0] as number, WORDS[1] as number, WORDS[2] as number, WORDS[3] as number);
  }

  /** The number of `id`, added if it was not there (the next number). */
  add(id: string): number {
    if (!isUuid(id)) {
      const key = id.toLowerCase();
      const known = this.#others.get(key);
      if (known !== undefined) return known;
      this.#others.set(key, this.#size);
      this.#otherIds.set(this.#size, key);
      return this.#size++;
    }
    readWords(id, WORDS);
    return this.#addWords();
  }

  /** The number, here, of id `number` of `from`, added if it was not there. */
  adopt(from: IdTable, number: number): number {
    const other = from.#otherIds.get(number);
    if (other !== undefined) return this.add(other);
    WORDS.set(from.#words.subarray(4 * number, 4 * number + 4));
    return this.#addWords();
  }

  /** Adds the UUID in WORDS. */
  #addWords(): number {
    const slot = this.#slot(WORDS[0] as number, WORDS[1] as number, WORDS[2] as number, WORDS[3] as number);
    const found = this.#slots[slot] as number;
    if (found !== 0) return found - 1;
    const number = this.#size++;
    if (4 * number + 4 > this.#words.length) {
      const grown = new Uint32Array(Math.ceil((this.#words.length * 1.5) / 4) * 4);
      grown.set(this.#words);
      this.#words = grown;
    }
    this.#words.set(WORDS, 4 * number);
    this.#slots[slot] = number + 1;
    // Below half full, a probe is one or two slots long.
    if (2 * (number + 1) > this.#slots.length) this.#grow();
    return number;
  }

  #find(w0: number, w1: number, w2: number, w3: number): number {
    return (this.#slots[this.#slot(w0, w1, w2, w3)] as number) - 1;
  }

  /** The slot holding the UUID of these words, or the empty slot where it belongs. */
  #slot(w0: number, w1: number, w2: number, w3: number): number {
    const slots = this.#slots;
    const words = this.#words;
    const mask = slots.length - 1;
    for (let slot = hash(w0, w1, w2, w3) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === 0) return slot;
      const at = 4 * (held - 1);
      if (words[at] === w0 && words[at + 1] === w1 && words[at + 2] === w2 && words[at + 3] === w3) return slot;
    }
  }

  #grow(): void {
    const words = this.#words;
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (const held of this.#slots) {
      if (held === 0) continue;
      const at = 4 * (held - 1);
      let slot = hash(words[at] as number, words[at + 1] as number, words[at + 2] as number, words[at + 3] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = held;
    }
    this.#slots = slots;
  }
}

const WORDS = new Uint32Array(4);

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUuid(id: string): boolean {
  return id.length === 36 && UUID_SHAPE.test(id);
}

/** The 128 bits of a UUID (either case) as four words, read in place. */
function readWords(uuid: string, into: Uint32Array): void {
  into[0] = hex(uuid, 0, 8, 0);
  into[1] = hex(uuid, 14, 18, hex(uuid, 9, 13, 0));
  into[2] = hex(uuid, 24, 28, hex(uuid, 19, 23, 0));
  into[3] = hex(uuid, 28, 36, 0);
}

function hex(uuid: string, from: number, to: number, high: number): number {
  let value = high;
  for (let index = from; index < to; index++) {
    const code = uuid.charCodeAt(index);
    value = value * 16 + (code <= 57 ? code - 48 : (code | 32) - 87);
  }
  return value >>> 0;
}

/** Every bit of the id moves the slot: UUIDs of version 4 are random, but other versions begin with a clock. */
function hash(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ w1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ w2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ w3, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

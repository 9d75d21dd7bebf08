/**
 * Finds ids that appear on more than one row. A file can hold a million rows,
 * so the first pass keeps one 20-byte slot per id (the UUID's 128 bits and its
 * first line) in open-addressing tables rather than a Map of strings, which
 * costs four to five times as much per id. The ids are spread over many small
 * tables so that growing one never holds two copies of the whole index.
 */
export class IdIndex {
  readonly #tables = Array.from({ length: TABLES }, () => new IdTable());

  /** Remembers that `uuid` (already validated) is on `line`; returns the line it was first seen on, or 0 the first time. */
  remember(uuid: string, line: number): number {
    const k0 = parseInt(uuid.slice(0, 8), 16);
    const k1 = parseInt(uuid.slice(9, 13) + uuid.slice(14, 18), 16);
    const k2 = parseInt(uuid.slice(19, 23) + uuid.slice(24, 28), 16);
    const k3 = parseInt(uuid.slice(28, 36), 16);
    const hash = hashKey(k0, k1, k2, k3);
    const table = this.#tables[hash >>> TABLE_BITS_SHIFT] as IdTable;
    return table.remember(hash, k0, k1, k2, k3, line);
  }
}

const TABLES = 64;
/** The top six bits of a hash choose the table; the rest choose the slot within it. */
const TABLE_BITS_SHIFT = 26;

class IdTable {
  #keys = new Uint32Array(4 * 64);
  #lines = new Uint32Array(64);
  #size = 0;

  remember(hash: number, k0: number, k1: number, k2: number, k3: number, line: number): number {
    const slot = this.#find(hash, k0, k1, k2, k3);
    const first = this.#lines[slot] ?? 0;
    if (first !== 0) return first;
    this.#put(slot, k0, k1, k2, k3, line);
    if (++this.#size * 2 > this.#lines.length) this.#grow();
    return 0;
  }

  /** The slot holding the key, or the empty slot where it belongs. */
  #find(hash: number, k0: number, k1: number, k2: number, k3: number): number {
    const mask = this.#lines.length - 1;
    let slot = hash & mask;
    const keys = this.#keys;
    while (this.#lines[slot] !== 0) {
      const at = slot * 4;
      if (keys[at] === k0 && keys[at + 1] === k1 && keys[at + 2] === k2 && keys[at + 3] === k3) return slot;
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  #put(slot: number, k0: number, k1: number, k2: number, k3: number, line: number): void {
    const at = slot * 4;
    this.#keys[at] = k0;
    this.#keys[at + 1] = k1;
    this.#keys[at + 2] = k2;
    this.#keys[at + 3] = k3;
    this.#lines[slot] = line;
  }

  #grow(): void {
    const keys = this.#keys;
    const lines = this.#lines;
    this.#keys = new Uint32Array(keys.length * 2);
    this.#lines = new Uint32Array(lines.length * 2);
    for (let slot = 0; slot < lines.length; slot++) {
      const line = lines[slot] ?? 0;
      if (line === 0) continue;
      const at = slot * 4;
      const k0 = keys[at] ?? 0;
      const k1 = keys[at + 1] ?? 0;
      const k2 = keys[at + 2] ?? 0;
      const k3 = keys[at + 3] ?? 0;
      const hash = hashKey(k0, k1, k2, k3);
      this.#put(this.#find(hash, k0, k1, k2, k3), k0, k1, k2, k3, line);
    }
  }
}

function hashKey(k0: number, k1: number, k2: number, k3: number): number {
  return mix(k0 ^ Math.imul(k1, 0x9e3779b1) ^ Math.imul(k2, 0x85ebca6b) ^ Math.imul(k3, 0xc2b2ae35));
}

/** murmur3's 32-bit finaliser: spreads UUIDs whose variety sits in a few bits (v1, v7) over the whole table. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Every line of every id that appears more than once; small, since duplicates are the exception. */
export class DuplicateIds {
  readonly #lines = new Map<string, number[]>();

  add(uuid: string, firstLine: number, line: number): void {
    const key = uuid.toLowerCase();
    const lines = this.#lines.get(key);
    if (lines === undefined) this.#lines.set(key, [firstLine, line]);
    else lines.push(line);
  }

  /** The other lines carrying the same id as `line`, or undefined when the id is unique. */
  otherLines(uuid: string, line: number): number[] | undefined {
    return this.#lines.get(uuid.toLowerCase())?.filter((other) => other !== line);
  }

  get size(): number {
    return this.#lines.size;
  }
}

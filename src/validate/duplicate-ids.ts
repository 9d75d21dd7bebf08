/**
 * Tells, in one pass over a file of up to millions of rows, which ids may
 * appear more than once. Each id is kept as a 64-bit fingerprint of its 128
 * bits: 8 bytes in open-addressing tables, where a Map of strings costs many
 * times as much per id. Two different ids share a fingerprint about once
 * in 10^19 pairs, which is rare but not never, so an id seen twice here is
 * only a suspect: `DuplicateIds` is built from the file's own ids.
 *
 * The ids are spread over many small tables so that growing one never holds
 * two copies of the whole index.
 */
export class IdFingerprints {
  readonly #tables = Array.from({ length: TABLES }, () => new FingerprintTable());

  /** Adds `uuid` (already validated); false when its fingerprint was already there, most likely from the same id. */
  add(uuid: string): boolean {
    const [high, low] = fingerprint(uuid);
    const table = this.#tables[high >>> TABLE_SHIFT] as FingerprintTable;
    return table.add(high & SLOT_MASK, high, low);
  }

  /**
   * Whether `uuid` may be one of the ids added: certainly when it is, and
   * wrongly about once in 10^19 when it is not, which only means one batch
   * more is kept than needed.
   */
  has(uuid: string): boolean {
    if (!UUID_SHAPE.test(uuid)) return false;
    const [high, low] = fingerprint(uuid);
    const table = this.#tables[high >>> TABLE_SHIFT] as FingerprintTable;
    return table.has(high & SLOT_MASK, high, low);
  }
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 64-bit fingerprint of a UUID, as two 32-bit words; letter case aside. */
function fingerprint(uuid: string): [number, number] {
  const k0 = hex(uuid, 0, 8, 0);
  const k1 = hex(uuid, 14, 18, hex(uuid, 9, 13, 0));
  const k2 = hex(uuid, 24, 28, hex(uuid, 19, 23, 0));
  const k3 = hex(uuid, 28, 36, 0);
  const high = murmur4(k0, k1, k2, k3, 0x5bd1e995);
  // (0, 0) marks an empty slot; the fingerprint it would have shares (0, 1), at worst one more suspect.
  const low = murmur4(k0, k1, k2, k3, 0x27d4eb2f) || (high === 0 ? 1 : 0);
  return [high, low];
}

const TABLES = 64;
/** The top six bits of a fingerprint's high word choose the table, the other 26 the slot within it. */
const TABLE_SHIFT = 26;
const SLOT_MASK = 0x3ffffff;
const SLOT_RANGE = 0x4000000;
/** Linear probing stays short up to this load; growing by half keeps tables between 53% and 80% full. */
const MAX_LOAD = 0.8;
const GROWTH = 1.5;

class FingerprintTable {
  /** Two words per slot, the fingerprint's high and low halves; both 0 in an empty slot. */
  #slots = new Uint32Array(2 * 64);
  #capacity = 64;
  #size = 0;

  add(position: number, high: number, low: number): boolean {
    const slot = this.#find(position, high, low);
    if (this.#slots[2 * slot] !== 0 || this.#slots[2 * slot + 1] !== 0) return false;
    this.#slots[2 * slot] = high;
    this.#slots[2 * slot + 1] = low;
    if (++this.#size > this.#capacity * MAX_LOAD) this.#grow();
    return true;
  }

  has(position: number, high: number, low: number): boolean {
    const slot = this.#find(position, high, low);
    return this.#slots[2 * slot] !== 0 || this.#slots[2 * slot + 1] !== 0;
  }

  /** The slot holding the fingerprint, or the empty slot where it belongs. */
  #find(position: number, high: number, low: number): number {
    const capacity = this.#capacity;
    const slots = this.#slots;
    // Scales the position to the table's size, which need not be a power of two.
    let slot = Math.floor((position * capacity) / SLOT_RANGE);
    for (;;) {
      const atHigh = slots[2 * slot];
      const atLow = slots[2 * slot + 1];
      if ((atHigh === high && atLow === low) || (atHigh === 0 && atLow === 0)) return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#capacity = Math.ceil(this.#capacity * GROWTH);
    this.#slots = new Uint32Array(2 * this.#capacity);
    for (let at = 0; at < old.length; at += 2) {
      const high = old[at] ?? 0;
      const low = old[at + 1] ?? 0;
      if (high === 0 && low === 0) continue;
      const slot = this.#find(high & SLOT_MASK, high, low);
      this.#slots[2 * slot] = high;
      this.#slots[2 * slot + 1] = low;
    }
  }
}

/**
 * The hex digits `from` to `to` of a validated UUID (either case) appended
 * to `high`, as parseInt would read them: read in place, since slicing and
 * parsing four words for each of a million ids was most of the index's time.
 */
function hex(uuid: string, from: number, to: number, high: number): number {
  let value = high;
  for (let index = from; index < to; index++) {
    const code = uuid.charCodeAt(index);
    value = value * 16 + (code <= 57 ? code - 48 : (code | 32) - 87);
  }
  return value;
}

/** murmur3's 32-bit hash of four words: every bit of the id moves every bit of the result. */
function murmur4(k0: number, k1: number, k2: number, k3: number, seed: number): number {
  let h = mixWord(mixWord(mixWord(mixWord(seed, k0), k1), k2), k3);
  h ^= 16;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * The lines of the ids that appear more than once, letter case aside. It is
 * given the lines of every suspect id; small, since repeats are the exception.
 */
export class DuplicateIds {
  readonly #lines = new Map<string, number[]>();

  /** `uuid` is on `line`. */
  add(uuid: string, line: number): void {
    const key = uuid.toLowerCase();
    const lines = this.#lines.get(key);
    if (lines === undefined) this.#lines.set(key, [line]);
    else lines.push(line);
  }

  /** The other lines carrying the same id as `line`, or undefined when the id is on no other line. */
  otherLines(uuid: string, line: number): number[] | undefined {
    const lines = this.#lines.get(uuid.toLowerCase());
    return lines === undefined || lines.length < 2 ? undefined : lines.filter((other) => other !== line);
  }

  /** How many ids appear more than once. */
  get size(): number {
    let repeated = 0;
    for (const lines of this.#lines.values()) if (lines.length > 1) repeated++;
    return repeated;
  }
}

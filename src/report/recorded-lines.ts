import type { Outcome } from './outcome.js';

/**
 * What a resumed run keeps of each input line: a few numbers in typed
 * arrays indexed by line, never the parsed rows, so that a million rows cost
 * a few tens of megabytes however long their records.
 */

/** Higher than any line of a file ti-credits could read: a larger one is not a line number ti-credits wrote. */
export const MAX_LINE = 2 ** 30;

/** Room for `line` in an array that holds `length`: doubled, so that growing costs a copy per doubling. */
function roomFor(length: number, line: number): number {
  let size = Math.max(length, 1024);
  while (size <= line) size *= 2;
  return size;
}

/** A set of line numbers, one bit each. */
export class LineSet implements Iterable<number> {
  #bits = new Uint32Array(0);
  #size = 0;

  add(line: number): void {
    const word = line >>> 5;
    if (word >= this.#bits.length) {
      const grown = new Uint32Array(roomFor(this.#bits.length, word));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const bit = 1 << (line & 31);
    if (((this.#bits[word] as number) & bit) !== 0) return;
    this.#bits[word] = (this.#bits[word] as number) | bit;
    this.#size++;
  }

  has(line: number): boolean {
    return (((this.#bits[line >>> 5] ?? 0) >>> (line & 31)) & 1) === 1;
  }

  get size(): number {
    return this.#size;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let word = 0; word < this.#bits.length; word++) {
      const bits = this.#bits[word] as number;
      if (bits === 0) continue;
      for (let bit = 0; bit < 32; bit++) if (((bits >>> bit) & 1) === 1) yield word * 32 + bit;
    }
  }
}

/** A signed count per line. */
export class LineCounts {
  #counts = new Int32Array(0);

  add(line: number, change: number): void {
    if (line >= this.#counts.length) {
      const grown = new Int32Array(roomFor(this.#counts.length, line));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    this.#counts[line] = (this.#counts[line] as number) + change;
  }

  /** The count of `line`; 0 for a line never counted. */
  get(line: number): number {
    return this.#counts[line] ?? 0;
  }

  /** The lines whose count is above 0. */
  positive(): LineSet {
    const lines = new LineSet();
    this.#counts.forEach((count, line) => {
      if (count > 0) lines.add(line);
    });
    return lines;
  }
}

/** What the index holds of one line. */
export interface RecordedLine {
  /** Where its latest record starts in report.csv, and its length in bytes. */
  readonly offset: number;
  readonly length: number;
  /** The latest record's outcome. */
  readonly outcome: Outcome;
  /** Requests over all its records. */
  readonly attempts: number;
  /** Whether some record says it was resent after an interruption. */
  readonly resent: boolean;
  /** Whether it has more than one record. */
  readonly several: boolean;
}

/** Told of a line and what the index holds of it; `recorded` is valid during the call only. */
export type LineVisitor = (line: number, recorded: RecordedLine) => void;

/** Marks, beside the outcome's place in the schema's list, a line some record says was resent after an interruption. */
const RESENT = 0x80;
/** Marks a line with more than one record: only its latest record may need cells written anew when compacted. */
const SEVERAL = 0x40;
const OUTCOME = 0x3f;

/**
 * The index of a report.csv whose lines have several records (a resumed
 * run's): for each input line, where its latest record is in the file and
 * how long it is, its latest outcome, the requests of all its records, and
 * whether any of them says it was resent. 17 bytes a line.
 */
export class RecordedLines {
  readonly #outcomes: readonly Outcome[];
  #offsets = new Float64Array(0);
  #lengths = new Uint32Array(0);
  #attempts = new Uint32Array(0);
  /** The latest outcome's place in `outcomes` plus one (0: no record), and the RESENT and SEVERAL marks. */
  #states = new Uint8Array(0);
  #requests = 0;
  readonly #seen: { -readonly [K in keyof RecordedLine]: RecordedLine[K] } = {
    offset: 0,
    length: 0,
    outcome: 'updated',
    attempts: 0,
    resent: false,
    several: false,
  };

  /** `outcomes`: those of the report's schema. */
  constructor(outcomes: readonly Outcome[]) {
    this.#outcomes = outcomes;
  }

  /** A record of `line`, later than any before it. */
  add(line: number, offset: number, length: number, outcome: Outcome, attempts: number, resent: boolean): void {
    if (line >= this.#states.length) this.#grow(line);
    this.#offsets[line] = offset;
    this.#lengths[line] = length;
    this.#attempts[line] = (this.#attempts[line] as number) + attempts;
    const before = this.#states[line] as number;
    this.#states[line] = (this.#outcomes.indexOf(outcome) + 1) | (before & RESENT) | (resent ? RESENT : 0) | (before === 0 ? 0 : SEVERAL);
    this.#requests += attempts;
  }

  /** Requests over every record. */
  get requests(): number {
    return this.#requests;
  }

  /** Visits every line with a record, in file order, with what the compacted report needs of it. */
  each(visit: LineVisitor): void {
    for (let line = 0; line < this.#states.length; line++) if (this.#states[line] !== 0) this.at(line, visit);
  }

  /** Visits `line` as `each` does, if it has a record. */
  at(line: number, visit: LineVisitor): void {
    const state = this.#states[line] ?? 0;
    if (state === 0) return;
    // One object for every visit: a million lines are visited when a report is compacted.
    const seen = this.#seen;
    seen.offset = this.#offsets[line] as number;
    seen.length = this.#lengths[line] as number;
    seen.outcome = this.#outcomes[(state & OUTCOME) - 1] as Outcome;
    seen.attempts = this.#attempts[line] as number;
    seen.resent = (state & RESENT) !== 0;
    seen.several = (state & SEVERAL) !== 0;
    visit(line, seen);
  }

  /** How many lines' latest outcome is `outcome`. */
  count(outcome: Outcome): number {
    const code = this.#outcomes.indexOf(outcome) + 1;
    let count = 0;
    for (const state of this.#states) if ((state & OUTCOME) === code) count++;
    return count;
  }

  /** The lines whose latest outcome is `outcome`. */
  withOutcome(outcome: Outcome): LineSet {
    const code = this.#outcomes.indexOf(outcome) + 1;
    const lines = new LineSet();
    this.#states.forEach((state, line) => {
      if ((state & OUTCOME) === code) lines.add(line);
    });
    return lines;
  }

  #grow(line: number): void {
    const size = roomFor(this.#states.length, line);
    const offsets = new Float64Array(size);
    offsets.set(this.#offsets);
    this.#offsets = offsets;
    const lengths = new Uint32Array(size);
    lengths.set(this.#lengths);
    this.#lengths = lengths;
    const attempts = new Uint32Array(size);
    attempts.set(this.#attempts);
    this.#attempts = attempts;
    const states = new Uint8Array(size);
    states.set(this.#states);
    this.#states = states;
  }
}

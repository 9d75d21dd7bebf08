/**
 * The pace when the API answers 429 without stating its limit (no
 * X-RateLimit-Limit: a gateway stripped it, or the API never sent it): lowered
 * multiplicatively at each 429 and raised slowly between them, as TCP and the
 * AWS SDKs' adaptive retry mode do, so that the 429s stop within the first
 * seconds and the pace stays just under the limit.
 *
 * What a 429 teaches: the server's bucket was empty when it was refused. So
 * between two 429s the server accepted no more than its limit allows over that
 * time; what it accepted per minute between them is a floor of its limit
 * (`floorRate`), exact when the client kept it busy. The pace the 429 came at,
 * when the pace was what held requests back, is above the limit. A cut goes
 * to the higher of the floor and `CUT` times that pace; the pace then climbs
 * back to halfway between the two within `RECOVERY_MS` and probes beyond it
 * along a cubic, slowly at first. A 429 that comes at a pace nobody chose (the
 * --rate told, or no pace at all) says nothing of the limit but its floor: the
 * pace starts from the floor and doubles every `DOUBLING_MS` until the next 429.
 *
 * Time here is sending time: it runs only while the pace is what holds
 * requests back, so that waiting for the operator, a file being read or a
 * worker-bound spell never raises it.
 */

/** A 429 lowers the pace it came at to no less than this share of it. */
const CUT = 0.7;
/** How long after a cut the pace is back halfway to where the 429 came. */
const RECOVERY_MS = 4000;
/** Beyond that, the pace grows by this share of itself times the seconds cubed: +1.6% after 4 s, +20% after 10 s. */
const CUBIC = 0.0002;
/** With no bound known above, the pace doubles this often. */
const DOUBLING_MS = 2000;
/** The lowest pace, and the highest: --rate's own bounds. */
const SLOWEST = 1;
const FASTEST = 1_000_000;
/** What a 429 refused before anything was accepted leaves the pace at, when there was none: the Standard plan's limit, cut. */
const FIRST_GUESS = 120;
/** The first 429 of a run measures what was accepted since its first request, which the server's burst inflates: over no less than this. */
const FIRST_SPAN_MS = 1000;
/** How far back the requests actually sent are counted, when the pace was far above them, and at most how many. */
const RECENT_MS = 1000;
const RECENT_KEPT = 512;

/**
 * Below a request a second, how much slower the pace moves: the times above
 * are counted in requests' intervals rather than seconds, or a pace of a few
 * requests a minute would probe past the limit between two of its requests.
 */
function slower(ratePerMinute: number): number {
  return Math.max(1, 60 / ratePerMinute);
}

type Phase =
  /** No pace: requests go as fast as the workers send them. */
  | { readonly kind: 'unpaced' }
  /** The pace told (--rate), untested. */
  | { readonly kind: 'held'; readonly rate: number }
  /** No bound known above: doubling from `from`. */
  | { readonly kind: 'doubling'; readonly from: number; readonly since: number }
  /** From `from` to `to` within RECOVERY_MS, then beyond `to` along the cubic. */
  | { readonly kind: 'probing'; readonly from: number; readonly to: number; readonly since: number };

export interface AdaptivePaceOptions {
  /** Requests per minute at the start; 0: unpaced. */
  readonly start: number;
  /** Never above this (--rate); infinite when none was told. */
  readonly ceiling: number;
  /**
   * How the start was chosen: `told` (--rate: held until a 429), `guessed`
   * (the default: doubled until a 429, as no bound is known), or `remembered`
   * (an earlier run learned it: probed upward slowly).
   */
  readonly from: 'told' | 'guessed' | 'remembered';
}

export class AdaptivePace {
  readonly #ceiling: number;
  #phase: Phase;
  /** Milliseconds during which the pace held requests back. */
  #sending = 0;
  #lastTurn: number | undefined;
  #firstTurn: number | undefined;
  /** When the last RECENT_KEPT requests were let through, a ring: kept on the hot path without allocating. */
  readonly #recent = new Float64Array(RECENT_KEPT).fill(Number.NEGATIVE_INFINITY);
  #turns = 0;
  #accepted = 0;
  /** The last 429 that taught something: when, and what had been accepted by then. */
  #reference: { readonly at: number; readonly accepted: number } | undefined;
  #floor: number | undefined;
  #throttled = false;
  #lowered = false;

  constructor(options: AdaptivePaceOptions) {
    this.#ceiling = options.ceiling;
    const start = Math.min(options.start, options.ceiling);
    this.#phase =
      start <= 0
        ? { kind: 'unpaced' }
        : options.from === 'told'
          ? { kind: 'held', rate: start }
          : options.from === 'guessed'
            ? { kind: 'doubling', from: start, since: 0 }
            : { kind: 'probing', from: start, to: start, since: -RECOVERY_MS };
  }

  /** Requests per minute now; 0 when unpaced. */
  get ratePerMinute(): number {
    const phase = this.#phase;
    const elapsed = this.#sending - ('since' in phase ? phase.since : 0);
    switch (phase.kind) {
      case 'unpaced':
        return 0;
      case 'held':
        return phase.rate;
      case 'doubling':
        return this.#bounded(phase.from * 2 ** (elapsed / (DOUBLING_MS * slower(phase.from))));
      case 'probing': {
        const recovery = RECOVERY_MS * slower(phase.to);
        if (elapsed < recovery) return this.#bounded(phase.from + ((phase.to - phase.from) * elapsed) / recovery);
        const seconds = (elapsed - recovery) / 1000 / slower(phase.to);
        return this.#bounded(phase.to * (1 + CUBIC * seconds ** 3));
      }
    }
  }

  /** The most the API accepted per minute between two of its 429s: a floor of its limit; undefined until two came. */
  get floorRate(): number | undefined {
    return this.#floor;
  }

  /** Whether the API answered 429 without stating its limit. */
  get throttled(): boolean {
    return this.#throttled;
  }

  /** Whether a 429 lowered the pace (one put down to a burst does not): the pace is then the API's, as its 429s showed it. */
  get lowered(): boolean {
    return this.#lowered;
  }

  /** A request let through at `now`; `waited`: the pace held it back, so that time counts as sending time. */
  turn(now: number, waited: boolean): void {
    this.#firstTurn ??= now;
    this.#recent[this.#turns++ % RECENT_KEPT] = now;
    const rate = this.ratePerMinute;
    // A gap longer than a couple of intervals is not sending time: the run was busy elsewhere.
    if (waited && this.#lastTurn !== undefined && rate > 0) this.#sending += Math.min(now - this.#lastTurn, Math.max(1000, 120_000 / rate));
    this.#lastTurn = now;
  }

  /** An answer that was not a 429. */
  accepted(): void {
    this.#accepted++;
  }

  /**
   * A 429 that begins a new episode (the requests already on their way when it
   * came are answered from the same empty bucket and teach nothing more).
   * `cut` false: only the reference is moved, as when the 429 is put down to
   * a burst the server does not allow rather than to the pace.
   */
  refused(now: number, cut: boolean): void {
    this.#throttled = true;
    const reference = this.#reference ?? { at: this.#firstTurn ?? now, accepted: 0 };
    const span = Math.max(now - reference.at, this.#reference === undefined ? FIRST_SPAN_MS : 1);
    const floor = ((this.#accepted - reference.accepted) * 60_000) / span;
    if (this.#reference !== undefined && floor > 0) this.#floor = Math.max(this.#floor ?? 0, floor);
    this.#reference = { at: now, accepted: this.#accepted };
    if (!cut) return;
    this.#lowered = true;
    const current = this.#sentAt(now);
    const since = this.#sending;
    if (this.#phase.kind === 'doubling' || this.#phase.kind === 'probing') {
      // The pace was ours and held requests back: the limit lies between the floor and it.
      const from = this.#bounded(Math.min(current, Math.max(CUT * current, floor)));
      this.#phase = { kind: 'probing', from, to: this.#bounded((from + current) / 2), since };
    } else {
      const from = floor > 0 ? (current > 0 ? Math.min(floor, current) : floor) : CUT * (current > 0 ? current : FIRST_GUESS);
      this.#phase = { kind: 'doubling', from: this.#bounded(from), since };
    }
  }

  /**
   * The pace a 429 came at: the pace set, or, when requests went out at well
   * under half of it (a pause, the workers, one round per pause of an API
   * refusing everything), the pace they actually went at, which the cut is
   * taken from.
   */
  #sentAt(now: number): number {
    const pace = this.ratePerMinute;
    // Sending for less than that, the count says nothing of a pace.
    if (this.#firstTurn === undefined || now - this.#firstTurn < RECENT_MS) return pace;
    const sent = (this.#recent.filter((at) => at > now - RECENT_MS).length * 60_000) / RECENT_MS;
    return sent > 0 && (pace === 0 || sent < pace / 2) ? sent : pace;
  }

  #bounded(rate: number): number {
    return Math.max(SLOWEST, Math.min(this.#ceiling, FASTEST, rate));
  }
}

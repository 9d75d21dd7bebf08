import type { CreditBatchStore } from './store.js';

/**
 * Learners redeeming credits, so that a client can meet balances that moved
 * after it read them. Credits fall due at `perMinute` from the moment this is
 * made; each is taken, one at a time, from a batch picked at random among
 * those a learner could redeem from (active, not yet expired, balance above 0).
 * Credits that fall due while no batch has any are not owed later.
 */
export class Redemptions {
  readonly #store: CreditBatchStore;
  readonly #perMinute: number;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #start: number;
  /** Credits that have fallen due so far, redeemed or not. */
  #due = 0;

  constructor(store: CreditBatchStore, perMinute: number, random: () => number, now: () => number = Date.now) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError(`redemptions per minute must be above 0, not ${perMinute}`);
    this.#store = store;
    this.#perMinute = perMinute;
    this.#random = random;
    this.#now = now;
    this.#start = now();
  }

  /** Redeems the credits due since the last call; returns how many were redeemed. */
  redeemDue(): number {
    const now = this.#now();
    // Counted from the start rather than from the last call, so that rounding never adds up to drift from the rate.
    const due = Math.floor(((now - this.#start) * this.#perMinute) / 60_000);
    let owed = due - this.#due;
    this.#due = due;
    if (owed <= 0) return 0;
    const at = new Date(now);
    const open = this.#store.all().filter((batch) => batch.status === 'active' && batch.currentBalance > 0 && !(Date.parse(batch.expiresOn) <= now));
    let redeemed = 0;
    while (owed > 0 && open.length > 0) {
      const index = Math.floor(this.#random() * open.length);
      const batch = open[index];
      if (batch === undefined) break;
      const after = this.#store.redeem(batch.id, 1, at);
      owed -= 1;
      redeemed += 1;
      if (after === undefined || after.currentBalance === 0) {
        // Swap with the last, so that taking a batch out costs nothing however many there are.
        open[index] = open[open.length - 1] ?? batch;
        open.pop();
      }
    }
    return redeemed;
  }
}

/** How often the mock redeems what has fallen due: each credit on its own at low rates, in batches of 100 ms at high ones. */
export function redemptionInterval(perMinute: number): number {
  return Math.max(100, 60_000 / perMinute);
}

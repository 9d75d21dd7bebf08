/** A client's or a credit account's number may take 26 bits: the two make one key. */
const PAIR_SCALE = 2 ** 26;

/** Texts many batches share (clients, credit accounts), each kept once, and the pairs of a client and a credit account. */
export class Interned {
  readonly #numbers = new Map<string, number>();
  readonly #texts: string[] = [];
  /** By client number × 2^26 + account number + 1 (0: no account). */
  readonly #pairs = new Map<number, number>();
  readonly #pairClient: number[] = [];
  readonly #pairAccount: (number | undefined)[] = [];
  /** The statuses seen, numbered to fit in a byte: a status is one of a few words of the API's. */
  readonly #statusNumbers = new Map<string, number>();
  readonly #statuses: string[] = [];

  number(text: string): number {
    let number = this.#numbers.get(text);
    if (number === undefined) {
      number = this.#texts.length;
      this.#texts.push(text);
      this.#numbers.set(text, number);
    }
    return number;
  }

  text(number: number): string {
    return this.#texts[number] as string;
  }

  /** The number of a client and credit account (if any) together. */
  pair(clientId: string, creditAccountId: string | undefined): number {
    const client = this.number(clientId);
    const account = creditAccountId === undefined ? undefined : this.number(creditAccountId);
    if (client >= PAIR_SCALE || (account ?? 0) + 1 >= PAIR_SCALE) throw new Error('more clients and credit accounts than the live store can number');
    const key = client * PAIR_SCALE + (account === undefined ? 0 : account + 1);
    let pair = this.#pairs.get(key);
    if (pair === undefined) {
      pair = this.#pairClient.length;
      this.#pairClient.push(client);
      this.#pairAccount.push(account);
      this.#pairs.set(key, pair);
    }
    return pair;
  }

  clientOf(pair: number): string {
    return this.text(this.#pairClient[pair] as number);
  }

  accountOf(pair: number): string | undefined {
    const account = this.#pairAccount[pair];
    return account === undefined ? undefined : this.text(account);
  }

  /** The number of a status, below 256; undefined once 256 others are numbered (an answer inventing words is kept as text). */
  statusNumber(status: string): number | undefined {
    let number = this.#statusNumbers.get(status);
    if (number === undefined && this.#statuses.length < 256) {
      number = this.#statuses.length;
      this.#statuses.push(status);
      this.#statusNumbers.set(status, number);
    }
    return number;
  }

  statusOf(number: number): string {
    return this.#statuses[number] as string;
  }
}

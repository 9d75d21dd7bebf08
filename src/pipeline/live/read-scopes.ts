import type { ClientShape, ReadScope } from './live-batches.js';

/**
 * What the live values are read by. The plan reads each client a file names
 * whole (nothing tells its size before); then, for the reads made while
 * sending, a client all of whose rows name their credit account is read by
 * those accounts only, when that takes fewer pages than reading it whole (a
 * client of thousands of batches receiving a few rows is then read a
 * fraction at a time, and a client whose every batch has an account of its
 * own is still read whole). The clients named with --client, for rows
 * without a clientId cell, are always read whole.
 */
export class ReadScopes {
  /** By lower-case client id: the accounts its rows name, or null when some row of it names none. */
  readonly #named = new Map<string, ReadonlySet<string> | null>();
  /** The clients read by account while sending. */
  readonly #byAccount = new Set<string>();

  constructor(named: ReadonlyMap<string, ReadonlySet<string> | null>, wholeClients: readonly string[]) {
    for (const client of wholeClients) this.#named.set(client.toLowerCase(), null);
    for (const [client, accounts] of named) if (!this.#named.has(client)) this.#named.set(client, accounts);
  }

  /** The plan's reads: every client, whole. */
  all(): readonly ReadScope[] {
    return [...this.#named.keys()].map((clientId) => ({ clientId }));
  }

  /** Decides, from what the plan's reads found of each client's size, which clients are read by account from now on. */
  narrow(shapeOf: (clientId: string) => ClientShape | undefined): void {
    for (const [client, accounts] of this.#named) {
      const shape = shapeOf(client);
      if (accounts === null || shape === undefined || shape.perPage === 0) continue;
      if (accountPages(shape, accounts) < shape.pages) this.#byAccount.add(client);
    }
  }

  /** The requests one read of every client again takes, by credit account where it is read so. */
  pagesPerRead(shapeOf: (clientId: string) => ClientShape | undefined): number {
    let pages = 0;
    for (const [client, accounts] of this.#named) {
      const shape = shapeOf(client);
      if (shape === undefined) continue;
      pages += accounts !== null && this.#byAccount.has(client) ? accountPages(shape, accounts) : shape.pages;
    }
    return pages;
  }

  /** The scope a row of this client (and credit account, if it names one) is read in. */
  of(clientId: string, creditAccountId: string | undefined): ReadScope {
    const client = clientId.toLowerCase();
    return creditAccountId === undefined || !this.#byAccount.has(client)
      ? { clientId: client }
      : { clientId: client, creditAccountId: creditAccountId.toLowerCase() };
  }
}

/** The pages reading a client's batches of these credit accounts takes, one list per account. */
function accountPages(shape: ClientShape, accounts: ReadonlySet<string>): number {
  let pages = 0;
  for (const account of accounts) pages += Math.max(1, Math.ceil((shape.byAccount.get(account) ?? 0) / Math.max(1, shape.perPage)));
  return pages;
}

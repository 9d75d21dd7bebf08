import { MAX_LINE } from '../report/recorded-lines.js';

/** Most passes the rows are sent in: each reads the file again. */
const MAX_PASSES = 64;

/**
 * The order rows are sent in when a file interleaves its clients. Each row
 * is checked against values read within --max-staleness, and a client's
 * values are read again whenever its rows keep coming after they grow old:
 * rows of 20 clients in random order keep every client's values in use for
 * the whole run, read again every --max-staleness. Sent client by client (a
 * pass over the file per group of clients, the file's order within it), each
 * client's rows come together and its values are read about as often as its
 * own rows take. A file already grouped by client is sent in one pass, as
 * it is.
 */
export class SendOrder {
  /** Each line's client, as its place in the order clients first appear (1-based; 0: none). */
  #clientOf = new Uint32Array(0);
  readonly #clients = new Map<string, number>();
  #last = 0;
  /** How often two rows in a row had different clients. */
  #switches = 0;
  #passes = 1;

  /** A row the plan will send or check, and its client. */
  note(line: number, clientId: string): void {
    if (line > MAX_LINE) return;
    const key = clientId.toLowerCase();
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = this.#clients.size + 1;
      this.#clients.set(key, client);
    }
    if (client !== this.#last) this.#switches++;
    this.#last = client;
    if (line >= this.#clientOf.length) {
      let size = Math.max(1024, this.#clientOf.length);
      while (size <= line) size *= 2;
      const grown = new Uint32Array(size);
      grown.set(this.#clientOf);
      this.#clientOf = grown;
    }
    this.#clientOf[line] = client;
  }

  /** Decides the passes, once every row is noted: one when each client's rows already come together. */
  settle(): void {
    const clients = this.#clients.size;
    this.#passes = this.#switches > clients ? Math.min(clients, MAX_PASSES) : 1;
  }

  get passes(): number {
    return this.#passes;
  }

  /** The pass a line is sent in: its client's group; 0 for a row the plan noted none for (it is reported in the first pass). */
  passOf(line: number): number {
    const client = this.#clientOf[line] ?? 0;
    if (client === 0 || this.#passes === 1) return 0;
    return Math.floor(((client - 1) * this.#passes) / this.#clients.size);
  }
}

import { renameSync } from 'node:fs';
import { neutraliseFormula } from '../core/formula-guard.js';
import { AppendFile } from './append-batch.js';
import { csvText } from './csv-text.js';

/** Records held before a write: large writes, not one system call per record. */
const BATCH_RECORDS = 256;

/**
 * A CSV file that appears whole or not at all: written to `<path>.tmp`,
 * forced to disk and renamed into place by `commit`. A reader (or a resumed
 * run) never sees half of it; a `.tmp` left by a process that died is
 * replaced by the next writer. Every cell is guarded against spreadsheets'
 * formulas (see core/formula-guard.ts): these files are opened by people, and
 * read back by ti-credits, which takes the guard off.
 */
export class AtomicCsvFile {
  readonly #path: string;
  readonly #file: AppendFile;
  #records: string[][] = [];

  constructor(path: string, header: readonly string[], preamble = '') {
    this.#path = path;
    this.#file = new AppendFile(`${path}.tmp`, 'w');
    this.#file.append(preamble + csvText([[...header]]));
  }

  add(record: readonly string[]): void {
    this.#records.push(record.map(neutraliseFormula));
    if (this.#records.length >= BATCH_RECORDS) this.#flush();
  }

  commit(): void {
    this.#flush();
    this.#file.close(true);
    renameSync(`${this.#path}.tmp`, this.#path);
  }

  discard(): void {
    this.#records = [];
    this.#file.discard();
  }

  #flush(): void {
    // Records are turned into text once per write, not once per record.
    this.#file.append(csvText(this.#records));
    this.#records = [];
    this.#file.flush();
  }
}

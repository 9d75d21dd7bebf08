import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { UPDATABLE_FIELDS, type CreditBatchUpdate } from '../core/credit-batch.js';
import { restoreFormula } from '../core/formula-guard.js';
import { failure } from '../core/words.js';
import { RUN_FOLDER_WORDS } from '../core/words/run-folder.js';
import { AtomicCsvFile } from './atomic-csv-file.js';

export const BASELINE_FILE = 'baseline.csv';

/**
 * What a row's batch held, field by field, when the plan was made: the
 * values its changes are made from. Stored before the first request, so that
 * a resumed run (and the undo file) use the plan's values, not later ones.
 */
export interface Baseline {
  readonly line: number;
  readonly id: string;
  readonly clientId: string;
  /** The fields the row sets, with what they held. */
  readonly values: CreditBatchUpdate;
}

const HEADER = ['line', 'id', 'clientId', ...UPDATABLE_FIELDS];

/** Written in line order, whole or not at all. */
export class BaselineWriter {
  readonly #file: AtomicCsvFile;

  constructor(folder: string) {
    this.#file = new AtomicCsvFile(join(folder, BASELINE_FILE), HEADER);
  }

  add(baseline: Baseline): void {
    const { values } = baseline;
    this.#file.add([
      String(baseline.line),
      baseline.id,
      baseline.clientId,
      values.name ?? '',
      values.expiresOn ?? '',
      values.currentBalance === undefined ? '' : String(values.currentBalance),
    ]);
  }

  commit(): void {
    this.#file.commit();
  }

  discard(): void {
    this.#file.discard();
  }
}

/**
 * The baselines of a run, read in line order alongside the input: `at(line)`
 * is asked for lines in increasing order, so the file streams by once in
 * constant memory.
 */
export class BaselineCursor {
  readonly #records: AsyncIterator<string[]>;
  readonly #path: string;
  #next: Baseline | undefined;
  #started = false;
  #done = false;

  constructor(folder: string) {
    this.#path = join(folder, BASELINE_FILE);
    const records = createReadStream(this.#path).pipe(parse({ from_line: 2 }));
    this.#records = records[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  }

  /** The baseline of `line`, or undefined when the plan recorded none for it. */
  async at(line: number): Promise<Baseline | undefined> {
    if (!this.#started) {
      this.#started = true;
      await this.#advance();
    }
    while (this.#next !== undefined && this.#next.line < line) await this.#advance();
    return this.#next?.line === line ? this.#next : undefined;
  }

  async close(): Promise<void> {
    await this.#records.return?.();
  }

  async #advance(): Promise<void> {
    if (this.#done) return;
    let result: IteratorResult<string[]>;
    try {
      result = await this.#records.next();
    } catch (error) {
      throw failure(RUN_FOLDER_WORDS, 'TIC-BASELINE-DAMAGED', { path: this.#path, why: (error as Error).message });
    }
    if (result.done === true) {
      this.#done = true;
      this.#next = undefined;
      return;
    }
    const [line = '', id = '', clientId = '', name = '', expiresOn = '', balance = ''] = result.value.map(restoreFormula);
    if (!/^\d+$/.test(line) || (balance !== '' && !/^\d+$/.test(balance))) {
      throw failure(RUN_FOLDER_WORDS, 'TIC-BASELINE-DAMAGED', { path: this.#path, record: JSON.stringify(result.value) });
    }
    const values: CreditBatchUpdate = {};
    if (name !== '') values.name = name;
    if (expiresOn !== '') values.expiresOn = expiresOn;
    if (balance !== '') values.currentBalance = Number(balance);
    this.#next = { line: Number(line), id, clientId, values };
  }
}

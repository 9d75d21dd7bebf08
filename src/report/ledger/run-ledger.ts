import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { failure } from '../../core/words.js';
import { LEDGER_WORDS } from '../../core/words/ledger.js';
import { isWriteFailure, writeFailureCause } from '../write-failure.js';
import { isHeld } from '../run-lock.js';
import type { Approval } from './approval.js';
import { appendEvents, LEDGER_FILE, lookupLedger, readLedger, replaceLedger, type LedgerRead } from './ledger-file.js';
import type { LedgerKeys } from './ledger-index.js';
import { BUSY, LEDGER_LOCK, withLedgerLock } from './ledger-lock.js';
import { recordsOf, type LedgerEvent, type LedgerRecord, type LedgerState, type RecordEnd } from './record.js';

/**
 * The run ledger of one reports root: `ledger.jsonl`, one JSON line per
 * event (a run started, resumed, ended; a plan approved), appended under a
 * short lock and forced to disk, with `ledger.index.json` beside it so that
 * a reader reads only what was appended since. Why a file of lines rather
 * than SQLite: see ARCHITECTURE.md ("The run ledger").
 */
export class RunLedger {
  /** The reports root: the folder holding the run folders, and the ledger. */
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get path(): string {
    return join(this.root, LEDGER_FILE);
  }

  /** The whole ledger, read line by line. */
  read(): Promise<LedgerRead> {
    return readLedger(this.root);
  }

  /** Only the runs and approvals the keys name, through the index: what a check before a run reads. */
  lookup(keys: LedgerKeys): Promise<LedgerState> {
    return lookupLedger(this.root, keys);
  }

  /** Every run recorded, newest first; `damaged`: lines a write cut short (skipped, or recovered). */
  async records(): Promise<{ readonly records: LedgerRecord[]; readonly damaged: number }> {
    const { state, damaged } = await this.read();
    return { records: recordsOf(state), damaged };
  }

  /** How the ledger names a run folder: its path from the reports root, '/'-separated, so that a copied root keeps it. */
  idOf(folder: string): string {
    const path = relative(this.root, folder);
    return (path === '' || isAbsolute(path) ? folder : path).split(sep).join('/');
  }

  /** The folder a record names, here. */
  folderOf(record: Pick<LedgerRecord, 'folder'>): string {
    return resolve(this.root, record.folder);
  }

  /**
   * Under the ledger's lock: the guard's check given the runs its keys name,
   * as the ledger holds them (it throws to refuse), then `events` appended.
   * A check and the record that answers it for the next run are one step: of
   * two runs of one file started together, the second sees the first.
   */
  async append(events: readonly LedgerEvent[], guard?: LedgerGuard): Promise<void> {
    const done = await withLedgerLock(this.root, async () => {
      if (guard !== undefined) guard.check(await this.lookup(guard.keys));
      await appendEvents(this.root, events);
    }).catch((error: unknown) => {
      if (isWriteFailure(error)) throw failure(LEDGER_WORDS, 'TIC-LEDGER-UNWRITABLE', { root: this.root, cause: writeFailureCause(error) });
      throw error;
    });
    if (done === BUSY) throw failure(LEDGER_WORDS, 'TIC-LEDGER-BUSY', { root: this.root, lock: join(this.root, LEDGER_LOCK) });
  }

  start(record: LedgerRecord, guard?: LedgerGuard): Promise<void> {
    return this.append([{ v: 1, t: 'start', record }], guard);
  }

  resume(id: string, at: string): Promise<void> {
    return this.append([{ v: 1, t: 'resume', id, at }]);
  }

  end(id: string, end: RecordEnd): Promise<void> {
    return this.append([{ v: 1, t: 'end', id, end }]);
  }

  approve(approval: Approval): Promise<void> {
    return this.append([{ v: 1, t: 'approve', approval }]);
  }

  /**
   * The ledger replaced, whole, by the records and approvals `make` gives
   * from the ledger as it stands under the lock (a rebuild): what another
   * process appended while they were being gathered is seen, never lost.
   */
  async replace(make: (current: LedgerState) => { readonly records: readonly LedgerRecord[]; readonly approvals: readonly Approval[] }): Promise<void> {
    const done = await withLedgerLock(this.root, async () => {
      const { records, approvals } = make((await this.read()).state);
      const events: LedgerEvent[] = [
        ...[...records].reverse().map((record): LedgerEvent => ({ v: 1, t: 'start', record })),
        ...approvals.map((approval): LedgerEvent => ({ v: 1, t: 'approve', approval })),
      ];
      await replaceLedger(this.root, events);
    });
    if (done === BUSY) throw failure(LEDGER_WORDS, 'TIC-LEDGER-BUSY', { root: this.root, lock: join(this.root, LEDGER_LOCK) });
  }

  /**
   * A record's status as it stands: `running` while a live process holds its
   * folder; a run whose process ended without recording its end (killed, a
   * power cut) is `unfinished`.
   */
  statusOf(record: LedgerRecord): string {
    if (record.status !== 'running') return record.status;
    return isHeld(this.folderOf(record)) ? 'running' : 'unfinished';
  }
}

/** What a run is checked against as it is recorded: the runs the keys name. */
export interface LedgerGuard {
  readonly keys: LedgerKeys;
  check(state: LedgerState): void;
}

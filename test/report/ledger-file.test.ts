import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LEDGER_FILE, LEDGER_INDEX, readLedger, type LedgerRead } from '../../src/report/ledger/ledger-file.js';
import { rebuildLedger } from '../../src/report/ledger/rebuild.js';
import type { LedgerRecord } from '../../src/report/ledger/record.js';
import { RunLedger } from '../../src/report/ledger/run-ledger.js';
import { tempDir } from '../helpers.js';

/** A started run's record, as the pipeline writes it. */
function record(id: string, startedAt = '2026-01-01T00:00:00.000Z'): LedgerRecord {
  return {
    id,
    folder: id,
    command: 'apply',
    status: 'running',
    instance: 'https://acme.thoughtindustries.com',
    keyKind: 'live',
    operator: 'dana',
    input: { path: '/data/top-up.csv', sha256: 'a'.repeat(64), delta: true },
    planId: null,
    approvedBy: null,
    approval: null,
    startedAt,
    finishedAt: null,
    sessions: 1,
    counts: null,
    requests: null,
    balance: null,
    again: null,
    selfApproved: null,
  };
}

const end = {
  status: 'completed',
  finishedAt: '2026-01-01T00:01:00.000Z',
  counts: { total: 2, updated: 2 },
  requests: 4,
  balance: { before: 10, after: 30, net: 20, added: 20, removed: 0 },
};

describe('ledger.jsonl', () => {
  it('folds each run from its lines: started, resumed, ended', async () => {
    const ledger = new RunLedger(await tempDir());
    await ledger.start(record('one'));
    await ledger.end('one', end);
    await ledger.resume('one', '2026-01-02T00:00:00.000Z');
    const { records, damaged } = await ledger.records();
    assert.equal(damaged, 0);
    assert.deepEqual(
      records.map((entry) => [entry.id, entry.status, entry.sessions, entry.finishedAt, entry.counts?.updated]),
      [['one', 'running', 2, null, 2]],
    );
  });

  it('skips a line cut short in the middle, recovers a line glued after one, and reads a last line still without its line break', async () => {
    const root = await tempDir();
    const ledger = new RunLedger(root);
    await ledger.start(record('one'));
    const line = JSON.stringify({ v: 1, t: 'start', record: record('two') });
    // A writer killed halfway through its line, then another appending after it (its line break first).
    for (let cut = 1; cut < line.length; cut += Math.ceil(line.length / 7)) {
      await appendFile(join(root, LEDGER_FILE), line.slice(0, cut));
      assert.deepEqual(
        (await ledger.records()).records.map((entry) => entry.id),
        ['one'],
        `a torn last line of ${cut} bytes`,
      );
    }
    await ledger.start(record('three'));
    // A line glued after a torn one by a writer that did not see it torn.
    await appendFile(join(root, LEDGER_FILE), `${line.slice(0, 40)}${JSON.stringify({ v: 1, t: 'end', id: 'three', end })}\n`);
    // A last line whole but for its line break.
    await appendFile(join(root, LEDGER_FILE), JSON.stringify({ v: 1, t: 'start', record: record('four') }));
    await writeFile(join(root, LEDGER_INDEX), 'not json');
    const { records, damaged } = await ledger.records();
    assert.deepEqual(records.map((entry) => [entry.id, entry.status]).sort(), [
      ['four', 'running'],
      ['one', 'running'],
      ['three', 'completed'],
    ]);
    assert.equal(damaged, 2, 'the torn line, and the line glued after another');
    await ledger.end('four', end);
    assert.equal((await ledger.records()).records.find((entry) => entry.id === 'four')?.status, 'completed');
  });

  it('answers a lookup through its index and the lines appended since, and reads the ledger whole when the index does not match it', async () => {
    const root = await tempDir();
    const ledger = new RunLedger(root);
    const sha = (n: number): string => n.toString(16).padStart(64, '0');
    for (let n = 0; n < 200; n++)
      await ledger.start({ ...record(`run-${String(n).padStart(3, '0')}`), input: { path: '/data/f.csv', sha256: sha(n), delta: true } });
    await readLedger(root);
    assert.equal(JSON.parse(await readFile(join(root, LEDGER_INDEX), 'utf8')).size, (await readFile(join(root, LEDGER_FILE))).length);
    await ledger.end('run-001', end);
    await ledger.start({ ...record('late'), input: { path: '/data/f.csv', sha256: sha(1), delta: true } });
    const found = await ledger.lookup({ inputs: [sha(1)] });
    assert.deepEqual([...found.records.values()].map((entry) => [entry.id, entry.status]).sort(), [
      ['late', 'running'],
      ['run-001', 'completed'],
    ]);
    // Another line made to claim the same content, in place: the index, which still matches the ledger where it ends, does not point to it.
    const text = await readFile(join(root, LEDGER_FILE), 'utf8');
    const line = text.split('\n').find((entry) => entry.includes('"run-005"')) ?? '';
    await writeFile(join(root, LEDGER_FILE), text.replace(line, line.replace(sha(5), sha(1))));
    assert.deepEqual([...(await ledger.lookup({ inputs: [sha(1)] })).records.keys()].sort(), ['late', 'run-001']);
    // The index no longer matching (the ledger replaced by a shorter one), the ledger is read whole.
    const lines = (await readFile(join(root, LEDGER_FILE), 'utf8')).split('\n').filter((entry) => entry !== '');
    await writeFile(join(root, LEDGER_FILE), `${lines.slice(0, 10).join('\n')}\n`);
    assert.deepEqual([...(await ledger.lookup({ inputs: [sha(1)] })).records.keys()].sort(), ['run-001', 'run-005']);
  });

  it('takes appends from many writers at once, each line whole', async () => {
    const root = await tempDir();
    const writers = Array.from({ length: 8 }, (_, index) => new RunLedger(root).start(record(`run-${index}`)));
    await Promise.all(writers);
    const lines = (await readFile(join(root, LEDGER_FILE), 'utf8')).split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 8);
    for (const line of lines) JSON.parse(line);
    assert.equal((await new RunLedger(root).records()).records.length, 8);
  });
});

describe('runs --rebuild beside another process', () => {
  it('keeps what another process recorded while it read the folders: a run started, a run ended', async () => {
    /** A ledger another process writes to once the rebuild has read it, while it reads the run folders. */
    class Written extends RunLedger {
      #first = true;
      override async read(): Promise<LedgerRead> {
        const read = await super.read();
        if (this.#first) {
          this.#first = false;
          await new RunLedger(this.root).start(record('elsewhere/started-meanwhile', '2026-01-03T00:00:00.000Z'));
          await new RunLedger(this.root).end('elsewhere/ended-meanwhile', end);
        }
        return read;
      }
    }
    const root = await tempDir();
    // Runs whose folders are not under the reports root: the rebuild keeps them from the ledger as it read it.
    await new RunLedger(root).start(record('elsewhere/ended-meanwhile', '2026-01-02T00:00:00.000Z'));
    await rebuildLedger(new Written(root), undefined);
    const { records } = await new RunLedger(root).records();
    assert.deepEqual(
      records.map((run) => [run.id, run.status]),
      [
        ['elsewhere/started-meanwhile', 'running'],
        ['elsewhere/ended-meanwhile', 'completed'],
      ],
    );
  });
});

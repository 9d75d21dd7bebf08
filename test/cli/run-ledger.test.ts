import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi, MockOptions } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, readCsvFile, spawnCli, tempDir, type CliRun } from '../helpers.js';
import { inTerminal } from '../pty.js';

/**
 * Runs remember (issue 23): every run that sends or could send is recorded
 * in the run ledger of its reports folder; a file of deltas (undo.csv and
 * correction.csv among them) is applied to an instance once, whatever its
 * name; the ledger is listed, shown, exported and rebuilt.
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();
const ACCOUNT = randomUUID();

async function world(
  balances: readonly number[],
  options: Omit<MockOptions, 'store'> = {},
  ids = balances.map(() => randomUUID()),
): Promise<{ mock: MockApi; ids: string[] }> {
  const seed: Partial<CreditBatch>[] = ids.map((id, index) => ({
    id,
    clientId: CLIENT,
    creditAccountId: ACCOUNT,
    name: `Batch ${index}`,
    currentBalance: balances[index] ?? 0,
    expiresOn: '2027-12-31T23:59:59.000Z',
  }));
  const mock = await startMockApi({ ...options, store: new CreditBatchStore(seed) });
  return { mock, ids };
}

async function deltas(dir: string, ids: readonly string[], delta: number, name = 'top-up.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `id,clientId,currentBalanceDelta\n${ids.map((id) => `${id},${CLIENT},${delta > 0 ? '+' : ''}${delta}`).join('\n')}\n`);
  return path;
}

const base = (mock: MockApi): string[] => ['--base-url', mock.origin, '--rate', '0', '--yes'];
const puts = (mock: MockApi): number => mock.requests.filter((request) => request.method === 'PUT').length;
const balances = (mock: MockApi, ids: readonly string[]): (number | undefined)[] => ids.map((id) => mock.store.get(id)?.currentBalance);

async function runsJson(dir: string, ...args: string[]): Promise<Record<string, any>[]> {
  const run = await cli(['runs', '--json', ...args], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, any>[];
}

/** The run folders under `<dir>/reports`, by name. */
async function folders(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'reports'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

describe('a delta is applied once', () => {
  it('refuses the same file of deltas a second time with no request and no run folder, naming the run, its date and what it sent; --again applies it and records why', async () => {
    const { mock, ids } = await world([100, 200]);
    const dir = await tempDir();
    const file = await deltas(dir, ids, 10);
    const first = await cli(['apply', file, ...base(mock)], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const [earlier] = await folders(dir);
    const requests = mock.requests.length;

    const second = await cli(['apply', file, ...base(mock)], { cwd: dir });
    assert.equal(second.code, 2);
    assert.equal(mock.requests.length, requests, 'nothing was read or sent');
    assert.deepEqual(await folders(dir), [earlier]);
    assert.match(
      second.stderr,
      new RegExp(
        `already applied to ${mock.origin.replace(/[.]/g, '\\.')} by run ${earlier} on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC \\(2 rows updated, net \\+20 credits, completed\\)`,
      ),
    );
    assert.match(second.stderr, /--again "<reason>"/);
    assert.deepEqual(balances(mock, ids), [110, 210]);
    const empty = await cli(['apply', file, ...base(mock), '--again', ' '], { cwd: dir });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--again needs a reason, which the run ledger records/);

    // The same bytes under another name are the same file.
    const copy = join(dir, 'renamed.csv');
    await copyFile(file, copy);
    assert.equal((await cli(['apply', copy, ...base(mock)], { cwd: dir })).code, 2);
    assert.equal(mock.requests.length, requests);

    // A dry run is not refused: its plan says what applying it again would do.
    const dry = await cli(['apply', file, ...base(mock), '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      new RegExp(
        `This file was applied by run ${earlier} on .* \\(2 rows updated\\); its deltas applied again add to those balances a second time \\(apply refuses it without --again\\)\\.`,
      ),
    );
    // A plan of it carries the word to whoever approves it, in plan.json and plan.html.
    const planned = await cli(['plan', file, ...base(mock).filter((arg) => arg !== '--yes'), '--out', 'the-plan'], { cwd: dir });
    assert.equal(planned.code, 1, planned.stderr);
    const document = JSON.parse(await readFile(join(dir, 'the-plan', 'plan.json'), 'utf8'));
    assert.deepEqual(
      document.appliedBefore.map((earlier: { run: string; updated: number }) => [earlier.run, earlier.updated]),
      [[earlier, 2]],
    );
    assert.match(await readFile(join(dir, 'the-plan', 'plan.html'), 'utf8'), /data-testid="warning-applied"/);
    const again = await cli(['apply', copy, ...base(mock), '--again', 'the first top-up was for last quarter'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(balances(mock, ids), [120, 220]);
    const [newest] = await runsJson(dir);
    const shown = JSON.parse((await cli(['runs', 'show', newest?.id, '--json'], { cwd: dir })).stdout);
    assert.equal(shown.again, 'the first top-up was for last quarter');
    assert.match((await cli(['runs', 'show', newest?.id], { cwd: dir })).stdout, /again {9}applied again: "the first top-up was for last quarter"/);
  });

  it('refuses it while the first run is still under way (here: at its question), naming that run as running; the first then applies it once', async () => {
    const { mock, ids } = await world([100, 200]);
    const dir = await tempDir();
    const file = await deltas(dir, ids, 10);
    let second: CliRun | undefined;
    const first = await inTerminal(['apply', file, '--base-url', mock.origin, '--rate', '0', '--out', 'first'], dir, {
      cues: [
        {
          when: /Send these changes\? \[y\/N\] $/,
          // Another operator sends the same file while the first reads the plan: nothing has been sent yet.
          then: async () => {
            second = await cli(['apply', file, ...base(mock), '--out', 'second'], { cwd: dir });
            return 'y\n';
          },
        },
      ],
    });
    assert.equal(first.code, 0, first.output);
    assert.equal(second?.code, 2, second?.stderr);
    assert.match(second?.stderr ?? '', /already applied to .* by run \.\.\/first on .* \(running now, in another process\)/);
    assert.doesNotMatch(second?.stderr ?? '', /--resume/);
    assert.deepEqual(balances(mock, ids), [110, 210]);
    assert.equal(puts(mock), 2);
  });

  it('refuses undo.csv and correction.csv applied twice', async () => {
    const ids = [randomUUID(), randomUUID()];
    // A redemption slips between the read and the PUT of the first batch: the run leaves a correction.csv.
    const { mock } = await world([1000, 2000], { slipRedemptions: { credits: 7, ids: [ids[0] ?? ''] } }, ids);
    const dir = await tempDir();
    const first = await cli(['apply', await deltas(dir, ids, 100), ...base(mock), '--out', 'run'], { cwd: dir });
    assert.equal(first.code, 1, first.stderr + first.stdout);
    const correction = join(dir, 'run', 'correction.csv');
    const undo = join(dir, 'run', 'undo.csv');
    for (const file of [correction, undo]) {
      const once = await cli(['apply', file, ...base(mock)], { cwd: dir });
      assert.ok(once.code === 0 || once.code === 1, once.stderr);
      const sent = puts(mock);
      const twice = await cli(['apply', file, ...base(mock)], { cwd: dir });
      assert.equal(twice.code, 2, `${file}: ${twice.stdout}`);
      assert.match(twice.stderr, /holds currentBalanceDelta cells and its content .* was already applied/);
      assert.equal(puts(mock), sent);
    }
  });

  it('says in the plan that an absolute-value file was applied before, and sends it (its rows come out unchanged)', async () => {
    const { mock, ids } = await world([100, 200]);
    const dir = await tempDir();
    const file = join(dir, 'set.csv');
    await writeFile(file, `id,clientId,currentBalance\n${ids[0]},${CLIENT},150\n${ids[1]},${CLIENT},250\n`);
    assert.equal((await cli(['apply', file, ...base(mock)], { cwd: dir })).code, 0);
    const [earlier] = await folders(dir);
    const again = await cli(['apply', file, ...base(mock)], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`This file was applied by run ${earlier} on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC \\(2 rows updated\\)`));
    assert.match(again.stdout, /2 unchanged/);
  });
});

describe('runs', () => {
  it('--json after an apply and its undo: both, newest first, with their counts and nets', async () => {
    const { mock, ids } = await world([100, 200, 300]);
    const dir = await tempDir();
    const applied = await cli(['apply', await deltas(dir, ids, 25), ...base(mock), '--out', 'reports/first'], { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    const undone = await cli(['apply', join(dir, 'reports', 'first', 'undo.csv'), ...base(mock)], { cwd: dir });
    assert.equal(undone.code, 0, undone.stderr);
    const runs = await runsJson(dir);
    assert.equal(runs.length, 2);
    const [undo, first] = runs as [Record<string, any>, Record<string, any>];
    assert.equal(first.id, 'first');
    assert.match(undo.id, /^\d{8}T\d{6}Z-undo$/);
    assert.ok(undo.startedAt >= first.startedAt);
    assert.deepEqual(Object.keys(first), [
      'id',
      'command',
      'status',
      'instance',
      'startedAt',
      'finishedAt',
      'operator',
      'input',
      'planId',
      'approvedBy',
      'counts',
      'balance',
    ]);
    for (const run of runs) {
      assert.deepEqual([run.command, run.status, run.instance, run.planId, run.approvedBy], ['apply', 'completed', mock.origin, null, null]);
      assert.deepEqual(run.counts, { updated: 3, unchanged: 0, drifted: 0, failed: 0, invalid: 0, skipped: 0 });
      assert.equal(typeof run.operator, 'string');
      assert.match(run.input.sha256, /^[0-9a-f]{64}$/);
    }
    assert.deepEqual(first.balance, { before: 600, after: 675, net: 75 });
    assert.deepEqual(undo.balance, { before: 675, after: 600, net: -75 });
    assert.equal(undo.input.path, join(dir, 'reports', 'first', 'undo.csv'));
    assert.deepEqual(balances(mock, ids), [100, 200, 300]);

    const table = await cli(['runs'], { cwd: dir, env: { COLUMNS: '80' } });
    assert.equal(table.code, 0);
    const lines = table.stdout.trimEnd().split('\n');
    assert.ok(
      lines.every((line) => line.length <= 80),
      table.stdout,
    );
    assert.match(lines[1] ?? '', /-undo +apply +completed +3 +−75$/);
    assert.match(lines[2] ?? '', /first +apply +completed +3 +\+75$/);
    const filtered = await runsJson(dir, '--status', 'completed', '--instance', mock.origin, '--since', first.startedAt.slice(0, 10));
    assert.equal(filtered.length, 2);
    assert.deepEqual(await runsJson(dir, '--instance', 'acme'), []);
    assert.deepEqual(await runsJson(dir, '--until', '2000-01-01'), []);
    const bad = await cli(['runs', '--since', 'last tuesday'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since "last tuesday" is not a date/);
  });

  it('runs show prints one run and where its files are; an unknown run is refused with the one meant', async () => {
    const { mock, ids } = await world([5]);
    const dir = await tempDir();
    assert.equal((await cli(['apply', await deltas(dir, ids, 1), ...base(mock), '--out', 'reports/monday'], { cwd: dir })).code, 0);
    const shown = await cli(['runs', 'show', 'monday'], { cwd: dir });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^Run monday\n {2}command {7}apply\n {2}status {8}completed\n/);
    assert.match(shown.stdout, /\n {2}balance {7}5 → 6 credits: net \+1 \(1 added, 0 taken away\)\n/);
    assert.match(shown.stdout, /\n {2}folder {8}reports\/monday\n {2}files {9}.*report\.csv.*undo\.csv/);
    // A run folder outside the reports folder is named from it (../tuesday), and found as the user names it too.
    assert.equal((await cli(['apply', await deltas(dir, ids, 2, 'more.csv'), ...base(mock), '--out', 'tuesday'], { cwd: dir })).code, 0);
    for (const named of ['tuesday', join(dir, 'tuesday'), '../tuesday']) {
      const outside = await cli(['runs', 'show', named], { cwd: dir });
      assert.equal(outside.code, 0, outside.stderr);
      assert.match(outside.stdout, /^Run \.\.\/tuesday\n/);
    }
    const wrong = await cli(['runs', 'show', 'mondy'], { cwd: dir });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /There is no run mondy in the run ledger of .*\n {2}Did you mean monday\?/);
  });

  it('two runs at once, as two processes: both recorded, each with its end', async () => {
    const { mock, ids } = await world([10, 20, 30, 40], { faults: { latencyMs: 30 } });
    const dir = await tempDir();
    const one = await deltas(dir, ids.slice(0, 2), 1, 'one.csv');
    const two = await deltas(dir, ids.slice(2), 2, 'two.csv');
    const [a, b] = await Promise.all([
      spawnCli(['apply', one, ...base(mock), '--out', 'reports/one'], dir),
      spawnCli(['apply', two, ...base(mock), '--out', 'reports/two'], dir),
    ]);
    assert.deepEqual([a.code, b.code], [0, 0], a.stderr + b.stderr);
    const runs = await runsJson(dir);
    assert.deepEqual(runs.map((run) => run.id).sort(), ['one', 'two']);
    assert.ok(runs.every((run) => run.status === 'completed' && run.counts.updated === 2));
    assert.deepEqual(runs.map((run) => [run.id, run.balance.net]).sort(), [
      ['one', 2],
      ['two', 4],
    ]);
    const lines = (await readFile(join(dir, 'reports', 'ledger.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 4, 'a start and an end each, every line whole');
    for (const line of lines) JSON.parse(line);
  });
});

describe('the reports folder', () => {
  it('is where --reports (or reports in a config file, from the config file) says: the run folders and the ledger; copied elsewhere, its ledger reads the same and still refuses a delta applied', async () => {
    const { mock, ids } = await world([100]);
    const dir = await tempDir();
    const file = await deltas(dir, ids, 1);
    await mkdir(join(dir, 'team'));
    await writeFile(join(dir, 'team', 'ti-credits.config.json'), JSON.stringify({ reports: '../shared/ti-reports' }));
    const run = await cli(['apply', file, ...base(mock), '--config', 'team/ti-credits.config.json'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /run folder {2}shared\/ti-reports\/\d{8}T\d{6}Z-top-up\n/);
    const [recorded] = await runsJson(dir, '--reports', 'shared/ti-reports');
    assert.equal(recorded?.status, 'completed');

    await cp(join(dir, 'shared', 'ti-reports'), join(dir, 'copied'), { recursive: true });
    await rm(join(dir, 'shared'), { recursive: true });
    assert.deepEqual(await runsJson(dir, '--reports', 'copied'), [recorded]);
    const shown = await cli(['runs', 'show', recorded?.id, '--reports', 'copied'], { cwd: dir });
    assert.match(shown.stdout, new RegExp(`folder {8}copied/${recorded?.id}\n {2}files {9}.*report\\.csv`));
    const again = await cli(['apply', file, ...base(mock), '--reports', 'copied'], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, new RegExp(`by run ${recorded?.id} on`));
  });
});

describe('runs export', () => {
  it('names a run killed before it recorded its end as why the file does not tie out, and ties out once it is resumed', async () => {
    const { mock, ids } = await world(
      Array.from({ length: 12 }, () => 100),
      { faults: { latencyMs: 20 } },
    );
    const dir = await tempDir();
    const file = await deltas(dir, ids, 5);
    const killed = await spawnCli(['apply', file, ...base(mock), '--concurrency', '1', '--out', 'reports/killed'], dir, async (pid) => {
      while (mock.requests.filter((request) => request.method === 'PUT' && request.answer === 200).length < 3) await sleep(2);
      process.kill(pid, 'SIGKILL');
    });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const today = new Date().toISOString().slice(0, 10);
    const before = await cli(['runs', 'export', '--since', today, '--out', 'audit.csv'], { cwd: dir });
    assert.equal(before.code, 1, before.stderr);
    assert.match(
      before.stdout,
      /which does NOT tie out with the runs recorded \(net ±0\)\.\n1 run never recorded its end \(killed\): killed\. .*ti-credits apply --resume <its folder>/,
    );
    assert.equal((await cli(['apply', '--resume', join(dir, 'reports', 'killed'), '--yes'], { cwd: dir })).code, 0);
    const after = await cli(['runs', 'export', '--since', today, '--out', 'audit.csv'], { cwd: dir });
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /balances net \+60, which ties out with the runs recorded\.\n/);
  });

  it('writes one row per field changed, CSV or typed .xlsx, tying out with the report.csv of every run in the period', async () => {
    const { mock, ids } = await world([100, 200, 300]);
    const dir = await tempDir();
    await writeFile(join(dir, 'rename.csv'), `id,clientId,name,currentBalance\n${ids[0]},${CLIENT},Renamed,150\n${ids[1]},${CLIENT},,180\n`);
    assert.equal((await cli(['apply', join(dir, 'rename.csv'), ...base(mock), '--out', 'reports/a'], { cwd: dir })).code, 0);
    assert.equal((await cli(['apply', await deltas(dir, ids, 7), ...base(mock), '--out', 'reports/b'], { cwd: dir })).code, 0);
    assert.equal((await cli(['apply', join(dir, 'reports', 'b', 'undo.csv'), ...base(mock), '--out', 'reports/c'], { cwd: dir })).code, 0);
    const today = new Date().toISOString().slice(0, 10);
    const exported = await cli(['runs', 'export', '--since', today, '--out', 'audit.csv'], { cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^Audit: 9 fields changed by 3 runs, balances net -?[+−]?\d+, which ties out with the runs recorded\.\nFile: audit\.csv\n$/);
    const audit = await readCsvFile(join(dir, 'audit.csv'));
    assert.deepEqual(Object.keys(audit[0] ?? {}), [
      'run',
      'timeWritten',
      'operator',
      'approver',
      'instance',
      'client',
      'batchId',
      'batchName',
      'field',
      'old',
      'new',
    ]);
    const ledger = await runsJson(dir);
    for (const run of ['a', 'b', 'c']) {
      const report = (await readCsvFile(join(dir, 'reports', run, 'report.csv'))).filter((row) => row.outcome === 'updated');
      const rows = audit.filter((row) => row.run === run);
      const fields = report.flatMap((row) =>
        Object.entries(JSON.parse(row.sent ?? '{}') as Record<string, unknown>).map(([field, value]) => [
          row.id,
          field,
          String(row[`baseline.${field}`]),
          String(value),
        ]),
      );
      assert.deepEqual(rows.map((row) => [row.batchId, row.field, row.old, row.new]).sort(), fields.sort(), `run ${run}`);
      const net = rows.filter((row) => row.field === 'currentBalance').reduce((sum, row) => sum + Number(row.new) - Number(row.old), 0);
      assert.equal(net, ledger.find((entry) => entry.id === run)?.balance.net, `run ${run}: the audit's net is the ledger's`);
      assert.ok(rows.every((row) => row.instance === mock.origin && row.client === CLIENT && /^\d{4}-\d{2}-\d{2}T/.test(row.timeWritten ?? '')));
    }
    assert.deepEqual(
      audit.filter((row) => row.field === 'name').map((row) => [row.run, row.old, row.new, row.batchName]),
      [['a', 'Batch 0', 'Renamed', 'Renamed']],
    );

    const workbook = await cli(['runs', 'export', '--since', today, '--until', today, '--out', 'audit.xlsx'], { cwd: dir });
    assert.equal(workbook.code, 0, workbook.stderr);
    const { default: Excel } = await import('exceljs');
    const book = new Excel.Workbook();
    await book.xlsx.readFile(join(dir, 'audit.xlsx'));
    const sheet = book.getWorksheet('audit');
    assert.equal(sheet?.rowCount, audit.length + 1);
    const second = sheet?.getRow(2);
    assert.ok(second?.getCell(2).value instanceof Date, 'timeWritten is a date');
    const balanceRow = sheet?.getRows(2, audit.length)?.find((row) => row.getCell(9).value === 'currentBalance');
    assert.equal(typeof balanceRow?.getCell(10).value, 'number');
    assert.equal(typeof balanceRow?.getCell(11).value, 'number');

    const none = await cli(['runs', 'export', '--since', '2000-01-01', '--until', '2000-01-31', '--out', 'empty.csv'], { cwd: dir });
    assert.equal(none.code, 0);
    assert.deepEqual(await readCsvFile(join(dir, 'empty.csv')), []);
  });
});

describe('runs --rebuild', () => {
  it('gives the same records from the run folders, and reads folders from before the ledger', async () => {
    const { mock, ids } = await world([100, 200]);
    const dir = await tempDir();
    assert.equal((await cli(['apply', await deltas(dir, ids, 3), ...base(mock)], { cwd: dir })).code, 0);
    const [first] = await folders(dir);
    assert.equal((await cli(['apply', join(dir, 'reports', first ?? '', 'undo.csv'), ...base(mock)], { cwd: dir })).code, 0);
    assert.equal((await cli(['plan', await deltas(dir, ids, 5, 'later.csv'), '--base-url', mock.origin, '--rate', '0'], { cwd: dir })).code, 1);
    assert.equal((await cli(['snapshot', '--client', CLIENT, '--base-url', mock.origin, '--rate', '0'], { cwd: dir })).code, 0);
    assert.equal((await cli(['verify', join(dir, 'reports', first ?? ''), '--base-url', mock.origin, '--rate', '0'], { cwd: dir })).code, 1);
    const show = async (): Promise<Record<string, any>[]> =>
      Promise.all((await runsJson(dir)).map(async (run) => JSON.parse((await cli(['runs', 'show', run.id, '--json'], { cwd: dir })).stdout)));
    const before = await show();
    assert.deepEqual(before.map((run) => run.command).sort(), ['apply', 'apply', 'plan', 'snapshot', 'verify']);

    await rm(join(dir, 'reports', 'ledger.jsonl'));
    await rm(join(dir, 'reports', 'ledger.index.json'), { force: true });
    assert.deepEqual(await runsJson(dir), []);
    const rebuilt = await cli(['runs', '--rebuild'], { cwd: dir });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /^Rebuilt reports\/ledger\.jsonl from the run folders: 5 runs, 0 approvals\.\n$/);
    assert.deepEqual(await show(), before);

    // A folder from before the ledger says what its files say: the same figures, no operator.
    for (const folder of await folders(dir)) await rm(join(dir, 'reports', folder, 'ledger-record.json'));
    assert.equal((await cli(['runs', '--rebuild'], { cwd: dir })).code, 0);
    const derived = await show();
    const figures = (runs: Record<string, any>[]): unknown[] =>
      runs.map((run) => [
        run.id,
        run.command,
        run.status,
        run.instance,
        run.keyKind,
        run.input?.sha256,
        run.input?.delta,
        run.planId,
        run.startedAt,
        run.finishedAt,
        run.counts,
        run.balance,
      ]);
    assert.deepEqual(figures(derived), figures(before));
    assert.ok(derived.filter((run) => run.command !== 'plan').every((run) => run.operator === null));
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { MOCK_API_KEY, startMockApi } from '../mock/server.js';
import { CreditBatchStore, loadSeed } from '../mock/store.js';
import { runCli } from './program.js';

/**
 * `npm run demo`: the whole loop on the local mock, as a finance team runs it
 * on a real instance: snapshot the batches of three clients, edit the file
 * (as someone would in a spreadsheet: two balances topped up by a delta, one
 * set outright, expiry dates, a name), apply it — seeing the plan as changes,
 * a balance set outright on a batch a learner spent from meanwhile left alone
 * as drifted while a delta adds to whatever the batch holds, and retries
 * riding out a 503 and a dropped connection — verify it, find in the credit
 * ledger a redemption that landed between a read and its write and give it
 * back, then undo the run.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const seed = await loadSeed(`${root}fixtures/sample-seed.json`);
const clients = [...new Set(seed.map((batch) => batch.clientId ?? ''))];
const ids = seed.map((batch) => batch.id ?? '');
/** The batch a learner redeems from in the last instant before its PUT, once the demo has picked it. */
let slipInto: string | undefined;
const mock = await startMockApi({
  onRequest: (request) => {
    if (request.method !== 'PUT' || slipInto === undefined || request.id !== slipInto) return;
    mock.store.redeem(slipInto, 3, new Date());
    slipInto = undefined;
  },
  store: new CreditBatchStore(seed),
  perPage: 3,
  faults: {
    script: {
      [ids[1] ?? '']: [{ kind: 'status', status: 503, headers: { 'retry-after': '1' }, body: { error: 'service_unavailable', message: 'Try again shortly' } }],
      [ids[4] ?? '']: [{ kind: 'reset' }],
    },
  },
});
const folder = join(
  root,
  'reports',
  `${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-demo`,
);
const shown = (path: string): string => relative(root, path);
const env = { ...process.env, TI_API_KEY: MOCK_API_KEY };
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

async function run(args: readonly string[]): Promise<number> {
  process.stdout.write(`\n$ ti-credits ${args.map((arg) => (arg.startsWith('/') ? shown(arg) : arg)).join(' ')}\n`);
  return runCli([...args, '--base-url', mock.origin, '--rate', '600', '--retry-delay', '200'], {
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    cwd: root,
    shutdown: controller.signal,
  });
}

process.stdout.write(`Demo: a local mock of the Thought Industries API is listening on ${mock.origin} (key ${MOCK_API_KEY}).\n`);
process.stdout.write('\n1. Snapshot the credit batches of three clients, as they are now.\n');
let code = await run(['snapshot', ...clients.flatMap((client) => ['--client', client]), '--out', join(folder, 'snapshot')]);

process.stdout.write(
  '\n2. Edit the snapshot, as finance would in a spreadsheet: top up two balances by 250 (a currentBalanceDelta column), set a third outright, extend two expiry dates, rename one batch.\n',
);
const snapshot = parse(await readFile(join(folder, 'snapshot', 'snapshot.csv')), { columns: true }) as Record<string, string>[];
snapshot.forEach((row, index) => {
  row.currentBalanceDelta = '';
  if (index < 2) {
    row.currentBalanceDelta = '+250';
    row.currentBalance = '';
  }
  if (index === 2) row.currentBalance = String(Number(row.currentBalance) + 100);
  if (index === 3 || index === 4) row.expiresOn = '2028-03-31T23:59:59.000Z';
  if (index === 5) row.name = `${row.name} (renewed)`;
});
const edited = join(folder, 'edited.csv');
await writeFile(edited, stringify(snapshot, { header: true }));
process.stdout.write(`   Wrote ${shown(edited)}.\n`);

const [topped, slipped, set] = [snapshot[0]?.id ?? '', snapshot[1]?.id ?? '', snapshot[2]?.id ?? ''];
mock.store.redeem(topped, 5, new Date());
mock.store.redeem(set, 5, new Date());
slipInto = slipped;
process.stdout.write(
  `\n3. Meanwhile learners redeem 5 credits from batch ${topped.slice(0, 8)}… (topped up by a delta) and 5 from ${set.slice(0, 8)}… (set outright);\n   and one redeems 3 from ${slipped.slice(0, 8)}… in the last instant between its read and its write, which no check can see.\n`,
);

process.stdout.write(
  '\n4. Apply the edited file and verify it: the plan shows old → new; the delta adds to what the batch holds now, keeping the redemption;\n   the balance set outright is left alone (drifted), since writing it would erase the redemption; a 503 and a dropped connection are retried;\n   afterwards the credit ledger shows the redemption the write set the balance over, and correction.csv gives it back.\n',
);
code = (await run(['apply', edited, '--yes', '--verify', '--out', join(folder, 'apply')])) || code;

process.stdout.write('\n5. Give back what the write overwrote: correction.csv is a file of deltas like any other.\n');
await run(['apply', join(folder, 'apply', 'correction.csv'), '--yes', '--out', join(folder, 'correction')]);

process.stdout.write(
  '\n6. Undo the run: names and dates go back to what they were; balances are taken back by what the run added, so redemptions made since survive.\n',
);
await run(['apply', join(folder, 'apply', 'undo.csv'), '--yes', '--out', join(folder, 'undo')]);

await mock.close();
process.stdout.write(`\nEverything the demo wrote is in ${shown(folder)}.\n`);
// The apply leaves one drifted row on purpose; the demo itself went as intended.
process.exitCode = code === 1 ? 0 : code;

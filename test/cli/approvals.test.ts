import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import type { MockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { parseApprovalKey, signApproval, type ApprovalKey } from '../../src/report/ledger/approval.js';
import { RunLedger } from '../../src/report/ledger/run-ledger.js';
import { planId, type PlanDocument } from '../../src/report/plan-document.js';
import { cli, mockApiStarter, tempDir } from '../helpers.js';

/**
 * An approval on record (issue 23): bound to one exact plan id, kept in the
 * run ledger outside the plan folder and, where the team sets a key, signed;
 * four eyes under --require-approved-plan; a saved plan is spent once.
 */

const startMockApi = mockApiStarter();

const CLIENT = randomUUID();
const SECRET = 'a shared secret the finance team keeps, 32+ characters';

interface Planned {
  readonly mock: MockApi;
  readonly dir: string;
  readonly folder: string;
  readonly ids: readonly string[];
  readonly plan: PlanDocument;
}

/** Five batches at 5,000, and a saved plan adding +100 to each. */
async function planned(): Promise<Planned> {
  const ids = Array.from({ length: 5 }, () => randomUUID());
  const mock = await startMockApi({
    store: new CreditBatchStore(ids.map((id) => ({ id, clientId: CLIENT, currentBalance: 5000 }) satisfies Partial<CreditBatch>)),
  });
  const dir = await tempDir();
  await writeFile(join(dir, 'top-up.csv'), `id,clientId,currentBalanceDelta\n${ids.map((id) => `${id},${CLIENT},+100`).join('\n')}\n`);
  const made = await cli(['plan', 'top-up.csv', '--base-url', mock.origin, '--rate', '0', '--out', 'reports/plan'], { cwd: dir });
  assert.equal(made.code, 1, made.stderr);
  const folder = join(dir, 'reports', 'plan');
  return { mock, dir, folder, ids, plan: JSON.parse(await readFile(join(folder, 'plan.json'), 'utf8')) as PlanDocument };
}

const puts = (mock: MockApi): number => mock.requests.filter((request) => request.method === 'PUT').length;
const balances = (world: Planned): (number | undefined)[] => world.ids.map((id) => world.mock.store.get(id)?.currentBalance);

/** An approval of the plan by another OS user, as their `approve` would have recorded it. */
async function approvedByAnother(world: Planned, key?: ApprovalKey, plan = world.plan): Promise<void> {
  const approval = signApproval(
    { planId: plan.id, target: plan.target, by: 'Fox Mulder', osUser: `not-${userInfo().username}`, at: new Date().toISOString(), planFolder: 'plan' },
    key,
  );
  await new RunLedger(join(world.dir, 'reports')).approve(approval);
}

describe('approve', () => {
  it('records the approver, the time and the OS user in the ledger and the plan folder, prints the short code, and plan.html shows it', async () => {
    const world = await planned();
    const html = async (): Promise<string> => readFile(join(world.folder, 'plan.html'), 'utf8');
    assert.match(await html(), /data-testid="approval-none">No approval on record for this plan \(short code [0-9a-f]{8}\)/);
    const run = await cli(['approve', world.folder, '--as', 'Dana Scully'], { cwd: world.dir });
    assert.equal(run.code, 0, run.stderr);
    const code = world.plan.id.slice(0, 8);
    assert.match(
      run.stdout,
      new RegExp(`^Approved: plan ${code} for ${world.plan.target.replace(/\./g, '\\.')}, by Dana Scully \\(OS user ${userInfo().username}\\)`),
    );
    assert.match(run.stdout, new RegExp(`short code ${code}`));
    const { state } = await new RunLedger(join(world.dir, 'reports')).read();
    assert.deepEqual(
      state.approvals.get(world.plan.id)?.map((approval) => [approval.by, approval.osUser, approval.signature]),
      [['Dana Scully', userInfo().username, null]],
    );
    const inFolder = JSON.parse(await readFile(join(world.folder, 'approval.json'), 'utf8'));
    assert.equal(inFolder.approvals[0].planId, world.plan.id);
    assert.match(await html(), /data-testid="approved-by">Dana Scully/);
    assert.match(await html(), new RegExp(`data-testid="approval-code">${code}<`));
    const missing = await cli(['approve', world.folder], { cwd: world.dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /say who approves, with --as/);
  });
});

describe('apply --plan with an approval on record', () => {
  it('refuses under --require-approved-plan an approval by the OS user applying, unless --self-approved says why (recorded)', async () => {
    const world = await planned();
    assert.equal((await cli(['approve', world.folder, '--as', 'Dana Scully'], { cwd: world.dir })).code, 0);
    const same = await cli(['apply', '--plan', world.folder, '--yes', '--require-approved-plan'], { cwd: world.dir });
    assert.equal(same.code, 2);
    assert.match(same.stderr, /was approved by Dana Scully as OS user \S+, the user now applying it; --require-approved-plan needs a second person/);
    assert.equal(puts(world.mock), 0);
    const self = await cli(['apply', '--plan', world.folder, '--yes', '--require-approved-plan', '--self-approved', 'the second approver is on leave'], {
      cwd: world.dir,
    });
    assert.equal(self.code, 0, self.stderr);
    assert.deepEqual(balances(world), [5100, 5100, 5100, 5100, 5100]);
    const [run] = JSON.parse((await cli(['runs', '--json'], { cwd: world.dir })).stdout);
    const shown = JSON.parse((await cli(['runs', 'show', run.id, '--json'], { cwd: world.dir })).stdout);
    assert.deepEqual([shown.planId, shown.approvedBy, shown.selfApproved], [world.plan.id, 'Dana Scully', 'the second approver is on leave']);
  });

  it('sends a plan approved by another OS user, shows who approved it and when, and report.html shows it too', async () => {
    const world = await planned();
    await approvedByAnother(world);
    const run = await cli(['apply', '--plan', world.folder, '--yes', '--require-approved-plan', '--out', 'sent'], { cwd: world.dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`Approved by Fox Mulder \\(OS user not-\\S+\\) on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC, code ${world.plan.id.slice(0, 8)}\\.`),
    );
    const report = await readFile(join(world.dir, 'sent', 'report.html'), 'utf8');
    assert.match(report, /data-testid="approved-by">Fox Mulder/);
    const plain = await cli(
      [
        'apply',
        await writeCsv(world, 'other.csv', `id,clientId,currentBalance\n${world.ids[0]},${CLIENT},1\n`),
        '--base-url',
        world.mock.origin,
        '--rate',
        '0',
        '--yes',
        '--out',
        'direct',
      ],
      { cwd: world.dir },
    );
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(await readFile(join(world.dir, 'direct', 'report.html'), 'utf8'), /data-testid="approval-none">No approval: sent from the file as given/);
  });

  it('spends a plan once: applied again it is refused with no request, naming the run; --again sends it again', async () => {
    const world = await planned();
    assert.equal((await cli(['apply', '--plan', world.folder, '--yes', '--out', 'first'], { cwd: world.dir })).code, 0);
    assert.deepEqual(balances(world), [5100, 5100, 5100, 5100, 5100]);
    const requests = world.mock.requests.length;
    const second = await cli(['apply', '--plan', world.folder, '--yes'], { cwd: world.dir });
    assert.equal(second.code, 2);
    assert.match(
      second.stderr,
      new RegExp(
        `the plan ${world.plan.id.slice(0, 8)} was already applied by run \\.\\./first on .* \\(5 rows updated, net \\+500 credits, completed\\); a saved plan is spent when it is applied`,
      ),
    );
    assert.equal(world.mock.requests.length, requests);
    const again = await cli(['apply', '--plan', world.folder, '--yes', '--again', 'the first run went to the wrong quarter'], { cwd: world.dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(balances(world), [5200, 5200, 5200, 5200, 5200]);
  });

  it('refuses a plan folder edited and sealed again with recomputed SHA-256s: an approval names the plan id it approved', async () => {
    const world = await planned();
    await approvedByAnother(world);
    const edited = await reseal(world, (text) => text.replaceAll('+100', '+50000'));
    assert.notEqual(edited.id, world.plan.id);
    const refused = await cli(['apply', '--plan', world.folder, '--yes', '--require-approved-plan'], { cwd: world.dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`needs an approval on record for the plan ${edited.id.slice(0, 8)}`));
    // An approval.json written into the edited folder for its new id does not count: it is inside the folder.
    await writeFile(
      join(world.folder, 'approval.json'),
      JSON.stringify({
        approvals: [
          { planId: edited.id, target: edited.target, by: 'Forged', osUser: 'someone', at: new Date().toISOString(), planFolder: 'plan', signature: null },
        ],
      }),
    );
    const forged = await cli(['apply', '--plan', world.folder, '--yes', '--require-approved-plan'], { cwd: world.dir });
    assert.equal(forged.code, 2);
    assert.match(forged.stderr, /approval\.json in the plan folder does not count alone/);
    assert.equal(puts(world.mock), 0);
    assert.deepEqual(balances(world), [5000, 5000, 5000, 5000, 5000]);
  });

  it('with a team key (HMAC-SHA-256): a signed approval counts, one forged into the ledger does not', async () => {
    const world = await planned();
    await writeFile(join(world.dir, 'team.key'), SECRET);
    const key = parseApprovalKey(SECRET) as ApprovalKey;
    await approvedByAnother(world, undefined);
    const flags = ['--yes', '--require-approved-plan', '--approval-key-file', 'team.key'];
    const unsigned = await cli(['apply', '--plan', world.folder, ...flags], { cwd: world.dir });
    assert.equal(unsigned.code, 2);
    assert.match(unsigned.stderr, /is not signed, and the team sets an approval key/);
    // Signed with another secret: the signature does not hold.
    await approvedByAnother(world, parseApprovalKey(`${SECRET} but another one`) as ApprovalKey);
    const wrong = await cli(['apply', '--plan', world.folder, ...flags], { cwd: world.dir });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /has a signature the team approval key does not confirm/);
    assert.equal(puts(world.mock), 0);
    await approvedByAnother(world, key);
    const signed = await cli(['apply', '--plan', world.folder, ...flags], { cwd: world.dir });
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stderr, /signature checked \(HMAC-SHA-256\)/);
    const missing = await cli(['apply', '--plan', world.folder, '--yes', '--approval-key-file', 'missing.key'], { cwd: world.dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /The file given to --approval-key-file cannot be used as an approval key: it cannot be read \(ENOENT\)/);
    await writeFile(join(world.dir, 'short.key'), 'hunter2');
    const short = await cli(['approve', world.folder, '--as', 'Dana', '--approval-key-file', 'short.key'], { cwd: world.dir });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /a shared secret must be 32 characters or more/);
    assert.doesNotMatch(short.stderr, /hunter2/);
  });

  it('with an Ed25519 pair: approve signs with the private key (a public key cannot), apply checks with the public key', async () => {
    const world = await planned();
    const pair = generateKeyPairSync('ed25519');
    await writeFile(join(world.dir, 'approval.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(join(world.dir, 'approval.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const withPublic = await cli(['approve', world.folder, '--as', 'Dana', '--approval-key-file', 'approval.pub.pem'], { cwd: world.dir });
    assert.equal(withPublic.code, 2);
    assert.match(withPublic.stderr, /an Ed25519 public key, which can check an approval but not sign one/);
    const approved = await cli(['approve', world.folder, '--as', 'Dana', '--approval-key-file', 'approval.pem'], { cwd: world.dir });
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /signed \(Ed25519\)/);
    const run = await cli(
      ['apply', '--plan', world.folder, '--yes', '--require-approved-plan', '--self-approved', 'test', '--approval-key-file', 'approval.pub.pem'],
      { cwd: world.dir },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /signature checked \(Ed25519\)/);
  });
});

async function writeCsv(world: Planned, name: string, text: string): Promise<string> {
  await writeFile(join(world.dir, name), text);
  return name;
}

/**
 * The adversarial edit: the plan's input copy changed, and plan.json sealed
 * again around it (its input SHA-256, its rows, its id recomputed), as
 * anyone who can edit the folder can.
 */
async function reseal(world: Planned, edit: (text: string) => string): Promise<PlanDocument> {
  const copy = join(world.folder, world.plan.input.copy);
  const bytes = Buffer.from(edit(await readFile(copy, 'utf8')));
  await writeFile(copy, bytes);
  const { id: _id, ...content } = world.plan;
  const rows = content.rows.map((row) => ({
    ...row,
    changes: row.changes.map((change) => ({
      ...change,
      delta: change.delta === null ? null : 50_000,
      after: typeof change.before === 'number' ? change.before + 50_000 : change.after,
    })),
  }));
  const sealed = { ...content, rows, input: { ...content.input, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length } };
  const document: PlanDocument = { id: planId(sealed), ...sealed };
  await writeFile(join(world.folder, 'plan.json'), JSON.stringify(document));
  return document;
}

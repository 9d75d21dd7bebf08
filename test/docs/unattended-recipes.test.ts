import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { CreditBatch } from '../../src/core/credit-batch.js';
import { signApproval } from '../../src/report/ledger/approval.js';
import { RunLedger } from '../../src/report/ledger/run-ledger.js';
import type { PlanDocument } from '../../src/report/plan-document.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, mockApiStarter, tempDir } from '../helpers.js';

/**
 * The recipes of docs/guide/unattended.md, run as written against the local
 * mock: the crontab line through sh (as cron runs it), the service's
 * ExecStart without a shell (as systemd runs it), the workflow's steps
 * through bash (as GitHub runs them). Only the instance, /srv/ti-credits, the
 * webhook and the time limit are swapped for the test's.
 */

const DOC = fileURLToPath(new URL('../../../docs/guide/unattended.md', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const LIVE_KEY = 'ti_live_local_mock_production_key';
const DOC_WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXX';

const startMockApi = mockApiStarter();
const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The fenced blocks of the page whose first line is `first`. */
async function block(first: RegExp): Promise<string> {
  const page = await readFile(DOC, 'utf8');
  const found = [...page.matchAll(/^```[\w-]*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '').find((text) => first.test(text.split('\n')[0] ?? ''));
  assert.ok(found !== undefined, `no block starting ${first}`);
  return found;
}

async function webhook(): Promise<{ url: string; notices: Record<string, any>[] }> {
  const notices: Record<string, any>[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      notices.push(JSON.parse(body) as Record<string, any>);
      response.end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, notices };
}

/**
 * A folder standing for /srv/ti-credits: a config file whose `live` profile
 * sends to the mock (with a key file, as on a server), a plan approved in
 * `plan`, `logs/`, and `bin/` holding `ti-credits` and `npx ti-credits`.
 */
async function server(options: { rows: number; holdAt?: number; keyFile: boolean; plan: string; concurrency?: number }) {
  const client = randomUUID();
  const seed: Partial<CreditBatch>[] = Array.from({ length: options.rows }, (_, index) => ({
    id: randomUUID(),
    clientId: client,
    currentBalance: 100,
    name: `Batch ${index}`,
  }));
  // One answer held back long enough for the test to cut the run while it waits, whatever the machine's load.
  const held = options.holdAt === undefined ? undefined : seed[options.holdAt]?.id;
  const mock = await startMockApi({
    apiKeys: [LIVE_KEY],
    store: new CreditBatchStore(seed),
    ...(held === undefined ? {} : { faults: { script: { [held]: [{ kind: 'delay', ms: 15_000 }] } } }),
  });
  const root = await tempDir();
  await mkdir(join(root, 'logs'));
  await mkdir(join(root, 'bin'));
  const profile = {
    baseUrl: mock.origin,
    live: true,
    rate: 0,
    ...(options.keyFile ? { apiKeyFile: 'live.key' } : {}),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };
  await writeFile(join(root, 'ti-credits.config.json'), JSON.stringify({ profiles: { live: profile } }));
  await writeFile(join(root, 'live.key'), `${LIVE_KEY}\n`, { mode: 0o600 });
  const csv = join(root, 'raise.csv');
  await writeFile(csv, `id,clientId,currentBalance\n${seed.map((batch) => `${batch.id},${client},150`).join('\n')}\n`);
  const made = await cli(['plan', csv, '--out', options.plan], { cwd: root, env: { TI_API_KEY: LIVE_KEY } });
  assert.equal(made.code, 1, made.stderr);
  // Approved by another OS user, as their `ti-credits approve` records it in the run ledger.
  const plan = JSON.parse(await readFile(join(root, options.plan, 'plan.json'), 'utf8')) as PlanDocument;
  await new RunLedger(join(root, 'reports')).approve(
    signApproval(
      { planId: plan.id, target: plan.target, by: 'Dana Scully', osUser: `not-${userInfo().username}`, at: new Date().toISOString(), planFolder: options.plan },
      undefined,
    ),
  );
  const tiCredits = join(root, 'bin', 'ti-credits');
  await writeFile(tiCredits, `#!/bin/sh\nexec '${process.execPath}' '${MAIN}' "$@"\n`);
  await writeFile(join(root, 'bin', 'npx'), `#!/bin/sh\n[ "$1" = ti-credits ] && shift\nexec '${process.execPath}' '${MAIN}' "$@"\n`);
  await chmod(tiCredits, 0o755);
  await chmod(join(root, 'bin', 'npx'), 0o755);
  // What a scheduler gives: a bare environment, no keyring to reach.
  const env = { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, HOME: root, LANG: 'C.UTF-8', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
  return { mock, root, env, tiCredits, puts: () => mock.requests.filter((request) => request.method === 'PUT') };
}

function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  onStart?: (pid: number) => void,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) onStart?.(child.pid);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Once `reached`, SIGINT to the `timeout` the shell `shell()` runs, as timeout's clock would send it. */
async function limitReached(shell: () => number, reached: () => boolean): Promise<void> {
  for (let tries = 0; tries < 1200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!reached()) continue;
    const children = readFileSync(`/proc/${shell()}/task/${shell()}/children`, 'utf8').trim().split(/\s+/);
    const timer = children.find((pid) => pid !== '' && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'timeout');
    if (timer === undefined) continue;
    process.kill(Number(timer), 'SIGINT');
    return;
  }
}

/** The doc's own words, with the test's instance, folder and webhook in place of acme's. */
const localized = (text: string, root: string, hook: string): string =>
  text.replaceAll('/srv/ti-credits', root).replaceAll('--confirm-instance acme', '--confirm-instance 127.0.0.1').replaceAll(DOC_WEBHOOK, hook);

describe('docs/guide/unattended.md, run as written', () => {
  it('cron: the crontab line applies the approved plan, logs, and notifies', async () => {
    const { root, env, mock, puts } = await server({ rows: 3, keyFile: true, plan: 'approved/next' });
    const hook = await webhook();
    const line = (await block(/^# m h dom mon dow/)).split('\n').find((text) => text !== '' && !text.startsWith('#')) ?? '';
    const command = /^(?:\S+\s+){5}(.*)$/.exec(line)?.[1];
    assert.ok(command !== undefined, line);
    const done = await run('/bin/sh', ['-c', localized(command, root, hook.url)], root, env);
    assert.equal(done.code, 0, done.output + (await readFile(join(root, 'logs', 'ti-credits.log'), 'utf8')));
    assert.equal(puts().length, 3);
    assert.ok(mock.store.all().every((batch) => batch.currentBalance === 150));
    assert.match(await readFile(join(root, 'logs', 'ti-credits.log'), 'utf8'), /Updated 3 of 3 rows/);
    assert.deepEqual(
      hook.notices.map((notice) => [notice.status, notice.profile, notice.exitCode]),
      [['completed', 'live', 0]],
    );
    // Fired again: the plan is spent, refused, and told.
    const again = await run('/bin/sh', ['-c', localized(command, root, hook.url)], root, env);
    assert.equal(again.code, 2);
    assert.match(await readFile(join(root, 'logs', 'ti-credits.log'), 'utf8'), /TIC-PLAN-ALREADY-APPLIED|already applied/);
    assert.equal(puts().length, 3);
    assert.equal(hook.notices.at(-1)?.status, 'refused');
  });

  it('systemd: the service, as its timer starts it, applies the plan; the units verify, the timer is persistent', async () => {
    const { root, env, tiCredits, puts } = await server({ rows: 2, keyFile: true, plan: 'approved/next' });
    const hook = await webhook();
    const service = await block(/^# \/etc\/systemd\/system\/ti-credits-apply\.service$/);
    const timer = await block(/^# \/etc\/systemd\/system\/ti-credits-apply\.timer$/);
    assert.match(service, /^Type=oneshot$/m);
    assert.match(timer, /^Persistent=true$/m);
    assert.match(timer, /^OnCalendar=\*-\*-01 02:00:00$/m);
    const setting = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(service)?.[1] ?? '';
    const [program, ...args] = localized(setting('ExecStart'), root, hook.url).split(/\s+/);
    assert.equal(program, '/usr/local/bin/ti-credits');
    assert.ok(
      args.every((word) => !/["'$\\]/.test(word)),
      'systemd would read quotes and variables its own way',
    );
    const units = await tempDir();
    await writeFile(
      join(units, 'ti-credits-apply.service'),
      localized(service, root, hook.url)
        .replace('/usr/local/bin/ti-credits', tiCredits)
        .replace(/^User=.*$/m, 'User=root'),
    );
    await writeFile(join(units, 'ti-credits-apply.timer'), timer);
    if (spawnSync('sh', ['-c', 'command -v systemd-analyze'], { stdio: 'ignore' }).status === 0) {
      const verified = spawnSync('systemd-analyze', ['verify', join(units, 'ti-credits-apply.service'), join(units, 'ti-credits-apply.timer')], {
        encoding: 'utf8',
      });
      assert.equal(verified.status, 0, verified.stderr);
      assert.doesNotMatch(verified.stderr, /Unknown key|bad unit/i);
    }
    const done = await run(tiCredits, args, localized(setting('WorkingDirectory'), root, hook.url), env);
    assert.equal(done.code, 0, done.output);
    assert.equal(puts().length, 2);
    assert.deepEqual(
      hook.notices.map((notice) => notice.status),
      ['completed'],
    );
  });

  it('GitHub Actions: the first job is stopped by its time limit (SIGINT from timeout) and exits 130; the next job resumes the same run folder; no row is sent twice', async () => {
    const rows = 40;
    const { root, env, mock, puts } = await server({ rows, holdAt: 3, keyFile: false, plan: 'plans/q3', concurrency: 1 });
    const hook = await webhook();
    const workflow = await block(/^# \.github\/workflows\/apply-approved-plan\.yml$/);
    // Each job's `run: |` step with id `run`, by job.
    const scripts = new Map<string, string>();
    let job = '';
    const lines = workflow.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] ?? '';
      const jobName = /^ {2}([\w-]+):$/.exec(line)?.[1];
      if (jobName !== undefined) job = jobName;
      if (!/^ {8}run: \|$/.test(line) || !/^ {6}- id: run$/m.test(lines.slice(Math.max(0, index - 6), index).join('\n'))) continue;
      const body: string[] = [];
      while (index + 1 < lines.length && /^( {10}|$)/.test(lines[index + 1] ?? '') && (lines[index + 1] ?? '') !== '')
        body.push((lines[++index] ?? '').slice(10));
      scripts.set(job, body.join('\n'));
    }
    assert.deepEqual([...scripts.keys()], ['apply', 'resume-1', 'resume-2']);
    assert.match(workflow, /^ {4}if: needs\.apply\.outputs\.exit == '130'$/m);
    const output = join(root, 'github-output');
    // The time limit fires while the fourth row's answer is awaited: the test sends timeout the SIGINT its own
    // clock would send at 330m (on a loaded machine a shortened limit could fire before the first row, or after the last).
    const step = async (name: string, cut?: () => boolean) => {
      let shell = 0;
      const ran = run(
        'bash',
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', localized(scripts.get(name) ?? '', root, hook.url)],
        root,
        { ...env, TI_API_KEY: LIVE_KEY, NOTIFY: hook.url, PLAN: 'q3', GITHUB_OUTPUT: output },
        (pid) => (shell = pid),
      );
      if (cut !== undefined) void limitReached(() => shell, cut);
      return ran;
    };
    const first = await step('apply', () => puts().length >= 4);
    assert.equal(first.code, 0, first.output);
    assert.match(await readFile(output, 'utf8'), /^exit=130$/m);
    const sentFirst = puts().length;
    assert.ok(sentFirst > 0 && sentFirst < rows, `the first job sent ${sentFirst} of ${rows}`);
    const second = await step('resume-1');
    assert.equal(second.code, 0, second.output);
    assert.deepEqual((await readFile(output, 'utf8')).trim().split('\n'), ['exit=130', 'exit=0'], 'resume-2 runs only after an exit of 130');
    const sentIds = puts().map((request) => request.id);
    assert.equal(new Set(sentIds).size, sentIds.length, 'no batch was sent twice');
    assert.equal(sentIds.length, rows);
    assert.ok(mock.store.all().every((batch) => batch.currentBalance === 150));
    assert.deepEqual(
      hook.notices.map((notice) => [notice.status, notice.exitCode, notice.runId]),
      [
        ['interrupted', 130, 'run'],
        ['completed', 0, 'run'],
      ],
    );
  });
});

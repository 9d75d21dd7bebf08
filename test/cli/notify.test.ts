import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { keyForms } from '../../src/core/secret.js';
import { cli, ids, KEY, mockStarter, readLog, readSummary, runFolder, tempDir, writeCsv } from '../helpers.js';

const startMock = mockStarter();
const servers: Server[] = [];
after(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

/** A webhook on loopback: what it received, and the statuses it answers with, in turn (200 once they run out). */
async function webhook(statuses: readonly number[] = []): Promise<{ url: string; received: { path: string; body: string }[] }> {
  const received: { path: string; body: string }[] = [];
  const answers = [...statuses];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body });
      response.writeHead(answers.shift() ?? 200).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/webhook-secret-path`, received };
}

async function setUp(profile: Record<string, unknown> = {}, onRequest?: () => void) {
  const rows = ids(1);
  const mock = await startMock(rows, onRequest === undefined ? {} : { onRequest });
  const dir = await tempDir();
  await writeFile(join(dir, 'ti-credits.config.json'), JSON.stringify({ rate: 0, profiles: { sandbox: { baseUrl: mock.origin, live: false, ...profile } } }));
  const csv = await writeCsv(dir, `id,clientId,currentBalance\n${rows[0]},${mock.store.get(rows[0] ?? '')?.clientId},5\n`);
  return { mock, dir, csv, id: rows[0] ?? '' };
}

const noKeyIn = (text: string): void => {
  for (const form of keyForms(KEY)) assert.ok(!text.includes(form), `holds the key as ${form}: ${text}`);
};

describe('--notify', () => {
  it('posts one JSON summary per run, with the fields a chat and a script need, and no form of the key', async () => {
    const hook = await webhook();
    const { dir, csv } = await setUp();
    const run = await cli(['apply', csv, '--yes', '--notify', hook.url], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(hook.received.length, 1);
    const [{ body, path }] = hook.received as [{ body: string; path: string }];
    assert.equal(path, '/services/T000/B000/webhook-secret-path');
    noKeyIn(body);
    const notice = JSON.parse(body);
    const folder = await runFolder(dir);
    assert.deepEqual(
      [
        notice.runId,
        notice.command,
        notice.profile,
        notice.status,
        notice.exitCode,
        notice.rows.updated,
        notice.netBalanceChange,
        notice.folder,
        notice.report,
        notice.error,
      ],
      [basename(folder), 'apply', 'sandbox', 'completed', 0, 1, { applied: '-95', planned: '-95' }, folder, join(folder, 'report.html'), null],
    );
    assert.match(notice.target, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(Number.isInteger(notice.durationMs) && notice.durationMs >= 0);
    assert.match(
      notice.text,
      /^ti-credits apply on http:\/\/127\.0\.0\.1:\d+ \(profile sandbox\): completed, exit 0; 1 updated of 1 rows; net −95 credits; [\d.]+ s\. Report: .*report\.html$/,
    );
    const summary = await readSummary(dir);
    assert.deepEqual(summary.notify, [{ url: `${new URL(hook.url).origin}/…`, delivered: true, attempts: 1, status: 200, error: null }]);
    assert.equal((await readLog(dir, 'notify')).length, 1);
    for (const file of ['summary.json', 'run.log'])
      assert.ok(!(await readFile(join(folder, file), 'utf8')).includes('webhook-secret-path'), `${file} holds the webhook's path`);
  });

  it('posts a run refused before it began (a key for the wrong environment), and one interrupted, named in the config file', async () => {
    const hook = await webhook();
    // Interrupted (Ctrl-C) as its first request, reading the live values, arrives: before anything is sent.
    const stopped = new AbortController();
    const { mock, dir, csv } = await setUp({}, () => stopped.abort());
    await writeFile(
      join(dir, 'ti-credits.config.json'),
      JSON.stringify({ rate: 0, notify: [hook.url], profiles: { live: { baseUrl: mock.origin, live: true } } }),
    );
    const refused = await cli(['apply', csv, '--yes'], { cwd: dir });
    assert.equal(refused.code, 2);
    await writeFile(
      join(dir, 'ti-credits.config.json'),
      JSON.stringify({ rate: 0, notify: [hook.url], profiles: { sandbox: { baseUrl: mock.origin, live: false } } }),
    );
    const interrupted = await cli(['apply', csv, '--yes'], { cwd: dir, shutdown: stopped.signal });
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.equal(hook.received.length, 2);
    const [first, second] = hook.received.map((request) => JSON.parse(request.body));
    assert.deepEqual(
      [first.status, first.exitCode, first.profile, first.runId, first.error.code, first.target],
      ['refused', 2, 'live', null, 'TIC-WRONG-ENVIRONMENT-KEY', mock.origin],
    );
    assert.match(first.text, /^ti-credits apply on .* \(profile live\): refused, exit 2; .* The key from TI_API_KEY is a sandbox key/);
    assert.deepEqual([second.status, second.exitCode, second.profile], ['interrupted', 130, 'sandbox']);
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 0);
  });

  it('changes nothing else when the webhook is down: the same exit code and outcome, the failure in run.log and summary.json', async () => {
    const { mock, dir, csv, id } = await setUp();
    const run = await cli(['apply', csv, '--yes', '--notify', 'http://127.0.0.1:9/hooks/down'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(mock.store.get(id)?.currentBalance, 5);
    assert.match(
      run.stderr,
      /warning: the notification to http:\/\/127\.0\.0\.1:9\/… failed after 4 tries \(network error \(ECONNREFUSED\)\); the run is as it ended, and run\.log and summary\.json say so\.\n/,
    );
    const summary = await readSummary(dir);
    assert.equal(summary.status, 'completed');
    assert.deepEqual(summary.notify, [{ url: 'http://127.0.0.1:9/…', delivered: false, attempts: 4, status: null, error: 'network error (ECONNREFUSED)' }]);
    const [logged] = await readLog(dir, 'notify');
    assert.deepEqual([logged?.delivered, logged?.attempts], [false, 4]);
  });

  it('tries again after a 5xx, and gives up at once on a 4xx that will not pass', async () => {
    const flaky = await webhook([503, 502]);
    const gone = await webhook([404]);
    const { dir, csv } = await setUp();
    const run = await cli(['apply', csv, '--yes', '--notify', flaky.url, '--notify', gone.url], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([flaky.received.length, gone.received.length], [3, 1]);
    const summary = await readSummary(dir);
    assert.deepEqual(
      summary.notify.map((outcome: Record<string, unknown>) => [outcome.delivered, outcome.attempts, outcome.status]),
      [
        [true, 3, 200],
        [false, 1, 404],
      ],
    );
  });

  it('refuses a webhook over plain http to another machine before the run, without repeating the address', async () => {
    const { mock, dir, csv } = await setUp();
    const run = await cli(['apply', csv, '--yes', '--notify', 'http://hooks.example.com/secret-token'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--notify must start with https:\/\//);
    assert.ok(!run.stderr.includes('secret-token'));
    assert.equal(mock.requests.length, 0);
  });
});

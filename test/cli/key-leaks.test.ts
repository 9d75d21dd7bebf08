import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, ids, readReport, runFolder, tempDir, writeCsv } from '../helpers.js';
import { hostileServer } from '../hostile-server.js';

/** Keys as a real instance might issue them, with the characters JSON and URLs escape. */
const KEYS = ['ti_live_S"EC\\RET_0123456789', 'ti_test_a\\"b/c%d_0123456789'];

/** Every way the key could appear in a text. */
function disguises(key: string): string[] {
  const json = JSON.stringify(key).slice(1, -1);
  return [key, json, json.replaceAll('/', '\\/'), JSON.stringify(json).slice(1, -1), encodeURIComponent(key), encodeURIComponent(key).toLowerCase()];
}

/** `key` spelt inside a JSON string with \u escapes for every character JSON would otherwise escape. */
const unicodeEscaped = (key: string): string => key.replace(/["\\/]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** apply of `csv` to the hostile server at `origin`, without asking, each row sent once (no retry). */
const applyOnce = (csv: string, origin: string): string[] => [
  'apply',
  '--blind',
  '--yes',
  '--confirm-instance',
  '127.0.0.1',
  csv,
  '--base-url',
  origin,
  '--rate',
  '0',
  '--retries',
  '0',
];

describe('the API key, echoed back by a hostile server', () => {
  for (const key of KEYS) {
    it(`never reaches a file or the output, in any form: ${key}`, async () => {
      const rows = ids(6);
      const answers: ((response: import('node:http').ServerResponse) => void)[] = [
        (response) => response.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `bad key ${key}` })),
        (response) =>
          response
            .writeHead(200, { 'content-type': 'application/json', 'x-echo': key })
            .end(JSON.stringify({ data: { UpdateCreditBatch: { id: rows[1], name: `owned by ${key}`, currentBalance: 5 } } })),
        (response) => response.writeHead(503, { 'content-type': 'text/plain' }).end(`busy; key=${encodeURIComponent(key)} raw=${key}`),
        (response) => response.writeHead(404, { 'content-type': 'application/json' }).end(`{"message":"no batch for ${unicodeEscaped(key)}"}`),
        (response) =>
          response.writeHead(400, { 'content-type': 'application/json' }).end(`{"message":"bad ${JSON.stringify(key).slice(1, -1).replaceAll('/', '\\/')}"}`),
        (response) => response.writeHead(302, { location: `https://elsewhere.example/login?key=${encodeURIComponent(key)}` }).end(),
      ];
      const server = await hostileServer((request, response) => {
        const index = rows.findIndex((id) => request.url?.endsWith(id));
        answers[index]?.(response);
      });
      const dir = await tempDir();
      const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
      const outputs: string[] = [];
      for (const extra of [
        ['--log-level', 'trace'],
        ['--json', '--out', 'json-run'],
      ]) {
        const run = await cli([...applyOnce(csv, server.origin), '--concurrency', '1', ...extra], { cwd: dir, env: { TI_API_KEY: key } });
        assert.equal(run.code, 3, run.stderr);
        outputs.push(run.stdout, run.stderr);
      }
      assert.ok(server.requests.every((request) => request.authorization === `Bearer ${key}`));
      const folders = [await runFolder(dir), join(dir, 'json-run')];
      const files: [string, string][] = [];
      for (const folder of folders) for (const name of await readdir(folder)) files.push([`${folder}/${name}`, await readFile(join(folder, name), 'utf8')]);
      for (const [where, text] of [...files, ...outputs.map((text, index): [string, string] => [`output ${index}`, text])]) {
        for (const form of disguises(key)) assert.ok(!text.includes(form), `${where} holds the key as ${form}`);
      }
      const report = await readReport(dir);
      assert.deepEqual(
        report.map((row) => row.error?.includes('[redacted]') || row['api.name']?.includes('[redacted]')),
        [true, true, true, true, true, true],
      );
    });
  }

  it('is never echoed when pasted into --api-key-file, --base-url or --instance', async () => {
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},5\n`);
    for (const key of KEYS) {
      for (const args of [
        ['--api-key-file', key, '--instance', 'acme'],
        ['--base-url', `https://acme.example/?key=${key}`],
        ['--base-url', `https://acme.example/?key=${encodeURIComponent(key)}`],
        ['--base-url', key],
        ['--instance', key],
      ]) {
        const run = await cli(['apply', '--yes', csv, ...args], { cwd: dir, env: { TI_API_KEY: 'ti_test_other_0123456789abcdef' } });
        assert.equal(run.code, 2, run.stderr);
        for (const form of disguises(key))
          assert.ok(!run.stderr.includes(form) && !run.stdout.includes(form), `${args.join(' ')} echoed as ${form}: ${run.stderr}`);
        assert.match(run.stderr, /not repeated here, in case it is a key/);
      }
    }
  });

  it('never reaches a file or the output base64-, hex- or HTML-encoded either', async () => {
    const key = 'ti_live_Q9x&<z>"k\'7m2Lp4Rw8Tt';
    const bytes = Buffer.from(key);
    const forms = [
      bytes.toString('base64'),
      bytes.toString('hex'),
      Buffer.from(`me:${key}`).toString('base64'),
      key.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;'),
      [...key].map((character) => `&#${character.charCodeAt(0)};`).join(''),
    ];
    const rows = ids(forms.length);
    const server = await hostileServer((request, response) => {
      const index = rows.findIndex((id) => request.url?.endsWith(id));
      const form = forms[index] ?? '';
      if (index % 2 === 0) response.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `bad key ${form}` }));
      else
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: { UpdateCreditBatch: { id: rows[index], name: `owned by ${form}`, currentBalance: 5 } } }));
    });
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
    const run = await cli([...applyOnce(csv, server.origin), '--concurrency', '1', '--log-level', 'trace', '--excel'], { cwd: dir, env: { TI_API_KEY: key } });
    assert.equal(run.code, 1, run.stderr);
    const folder = await runFolder(dir);
    const texts: [string, string][] = [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
    ];
    for (const name of await readdir(folder)) if (!name.endsWith('.xlsx')) texts.push([name, await readFile(join(folder, name), 'utf8')]);
    assert.ok(texts.some(([name]) => name === 'report.html'));
    for (const [where, text] of texts) for (const form of [...forms, key]) assert.ok(!text.includes(form), `${where} holds the key as ${form}`);
    const report = await readReport(dir);
    assert.deepEqual(
      report.map((row) => row.error?.includes('[redacted]') || row['api.name']?.includes('[redacted]')),
      forms.map(() => true),
    );
  });

  it('takes a key of 40 KB without building a pattern of it, and never prints it', async () => {
    const key = `ti_live_${'(.*+?[]{}|^$'.repeat(3700)}`;
    const server = await hostileServer((_request, response) =>
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `unknown key ${key}` })),
    );
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},5\n`);
    const run = await cli(applyOnce(csv, server.origin), {
      cwd: dir,
      env: { TI_API_KEY: key },
    });
    // Node's HTTP server refuses a header that long (431) before any handler sees it: the row fails, and the run ends as it should, not as a bug (70).
    assert.equal(run.code, 1, run.stderr.slice(0, 500));
    assert.equal((await readReport(dir))[0]?.httpStatus, '431');
    const folder = await runFolder(dir);
    const texts = [run.stdout, run.stderr];
    for (const name of await readdir(folder)) texts.push(await readFile(join(folder, name), 'utf8'));
    for (const text of texts) assert.ok(!text.includes(key.slice(8, 200)));
  });

  it('refuses a key too short to be one, saying the rule and not the key', async () => {
    const dir = await tempDir();
    const csv = await writeCsv(dir, `id,currentBalance\n${ids(1)[0]},5\n`);
    const run = await cli(['apply', '--yes', csv, '--base-url', 'http://127.0.0.1:9'], { cwd: dir, env: { TI_API_KEY: 'e' } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /TI_API_KEY holds 1 characters, too few for an API key \(ti-credits takes keys of 20 characters or more; Thought Industries keys are longer\)\./,
    );
  });
});

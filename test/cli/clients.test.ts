import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMockApi } from '../../src/mock/server.js';
import { CreditBatchStore } from '../../src/mock/store.js';
import { cli, tempDir } from '../helpers.js';
import { clientBatches } from '../mock/http.js';

const CLIENTS = ['aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002', 'cccccccc-0000-4000-8000-000000000003'];
const NAMES = ['Umbrella', 'Acme Corp', 'Globex \u001b[31mred'];

describe('ti-credits clients', () => {
  it('lists every client over several pages, by name, with its id; --json for a script', async () => {
    const mock = await startMockApi({
      store: new CreditBatchStore(
        CLIENTS.flatMap((client, index) => clientBatches(client, 1).map((batch) => ({ ...batch, clientName: NAMES[index] as string }))),
      ),
      perPage: 2,
    });
    try {
      const dir = await tempDir();
      const run = await cli(['clients', '--base-url', mock.origin], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout,
        [
          `3 clients on ${mock.origin} (2 requests):`,
          `  ${CLIENTS[1]}  Acme Corp`,
          // A name is shown, never run: an escape sequence in it is written out, not sent to the terminal.
          `  ${CLIENTS[2]}  Globex \\u001b[31mred`,
          `  ${CLIENTS[0]}  Umbrella`,
          '',
        ].join('\n'),
      );
      assert.deepEqual(
        mock.requests.map((request) => [request.path, request.query.page]),
        [
          ['/incoming/v2/clients', '1'],
          ['/incoming/v2/clients', '2'],
        ],
      );

      const json = await cli(['clients', '--base-url', mock.origin, '--match', 'acme', '--json'], { cwd: dir });
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout), { target: mock.origin, query: 'acme', clients: [{ id: CLIENTS[1], name: 'Acme Corp' }], requests: 1 });
      assert.equal(mock.requests.at(-1)?.query.query, 'acme');
    } finally {
      await mock.close();
    }
  });

  it('says that nothing answers at the address, and stops as for an unknown host (exit 3)', async () => {
    const dir = await tempDir();
    const run = await cli(['clients', '--base-url', 'http://127.0.0.1:9'], { cwd: dir });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^error: nothing answers at http:\/\/127\.0\.0\.1:9 — check --base-url\n/);
  });

  it('says when the key may not read clients', async () => {
    const mock = await startMockApi({ forbiddenRoutes: ['clients'] });
    try {
      const run = await cli(['clients', '--base-url', mock.origin], { cwd: await tempDir() });
      assert.equal(run.code, 3);
      assert.match(run.stderr, /the API key is not allowed to read clients \(403/);
    } finally {
      await mock.close();
    }
  });
});

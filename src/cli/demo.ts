import { fileURLToPath } from 'node:url';
import { MOCK_API_KEY, startMockApi } from '../mock/server.js';
import { CreditBatchStore, loadSeed } from '../mock/store.js';
import { runCli } from './program.js';

/**
 * `npm run demo`: applies the bundled example to the local mock, as a newcomer
 * would apply a real file to a real instance. One request is answered 503 and
 * one connection is dropped, so the report shows retries at work.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const sample = 'fixtures/sample.csv';
const seed = await loadSeed(`${root}fixtures/sample-seed.json`);
const [second, fifth] = [seed[1]?.id ?? '', seed[4]?.id ?? ''];
const mock = await startMockApi({
  store: new CreditBatchStore(seed),
  faults: {
    script: {
      [second]: [{ kind: 'status', status: 503, headers: { 'retry-after': '1' }, body: { error: 'service_unavailable', message: 'Try again shortly' } }],
      [fifth]: [{ kind: 'reset' }],
    },
  },
});
process.stdout.write(`Demo: a local mock of the Thought Industries API is listening on ${mock.origin}.\n`);
process.stdout.write(`Running: TI_API_KEY=${MOCK_API_KEY} ti-credits apply ${sample} --yes --base-url ${mock.origin} --rate 600 --retry-delay 200\n\n`);
const controller = new AbortController();
const code = await runCli(['apply', '--yes', sample, '--base-url', mock.origin, '--rate', '600', '--retry-delay', '200'], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: { ...process.env, TI_API_KEY: MOCK_API_KEY },
  cwd: root,
  shutdown: controller.signal,
});
await mock.close();
process.exitCode = code;

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mock, resolveMockOptions as resolveMock } from '../../src/cli/commands/mock.js';
import { Flags } from '../../src/cli/flags/spec.js';

const resolveMockOptions = (argv: Record<string, unknown>): ReturnType<typeof resolveMock> => resolveMock(new Flags('mock', argv, mock.flags));
import { runCli } from '../../src/cli/program.js';
import { call, listPath } from './http.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `ti-credits mock …` in-process until it has printed its startup lines, then stops it as Ctrl-C would. */
async function serve(
  args: readonly string[],
  whileUp: (origin: string) => Promise<void> = async () => {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  let up: () => void = () => {};
  const started = new Promise<void>((resolve) => (up = resolve));
  const exit = runCli(['mock', '--port', '0', ...args], {
    stdout: {
      write: (text: string) => {
        stdout += text;
        if (stdout.includes('Press Ctrl-C')) up();
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: root,
    shutdown: controller.signal,
  });
  const code = await Promise.race([
    exit,
    started.then(async () => {
      await whileUp(/listening on (\S+)/.exec(stdout)?.[1] ?? '');
      controller.abort();
      return exit;
    }),
  ]);
  return { code, stdout, stderr };
}

describe('mock command', () => {
  it('takes --per-page and --redeem-rate, says so when it starts, and serves lists of that size', async () => {
    const { code, stdout } = await serve(['--seed', 'fixtures/sample-seed.json', '--per-page', '3', '--redeem-rate', '60'], async (origin) => {
      const { body } = await call(origin, listPath('1ff579ba-d7b9-4914-b61f-513a828fcdbb'));
      const { creditBatches, pageInfo } = body.data.APICreditBatchesByClientAndCreditAccount;
      assert.equal(creditBatches.length, 3);
      assert.deepEqual(pageInfo, { perPage: 3, cursor: '2', total: 4, hasMore: true });
    });
    assert.equal(code, 0);
    assert.match(
      stdout,
      /\n {2}12 credit batches; accepted key: ti_test_local_mock_key\n {2}Lists: 3 per page\n {2}Learners redeem 60 credits\/min from random active batches\n/,
    );
  });

  it('serves the sample instance the package ships with --sample, its clients named', async () => {
    const { code, stdout } = await serve(['--sample'], async (origin) => {
      const { body } = await call(origin, '/incoming/v2/clients');
      assert.deepEqual(
        body.data.Clients.clients.map((client: { name: string }) => client.name),
        ['Acme Corp', 'Globex', 'Initech'],
      );
    });
    assert.equal(code, 0);
    assert.match(stdout, /\n {2}12 credit batches; accepted key: /);
    const both = await serve(['--sample', '--seed', 'fixtures/sample-seed.json']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--sample cannot be combined with --seed: each gives the batches the mock starts with/);
  });

  it('says nothing of lists or redemptions when not asked', async () => {
    const { code, stdout } = await serve([]);
    assert.equal(code, 0);
    assert.doesNotMatch(stdout, /Lists:|redeem/);
  });

  it('refuses a page size or redemption rate that is not a whole number in range', async () => {
    for (const [flag, value, range] of [
      ['--per-page', '0', '1 to 100000'],
      ['--per-page', '1e3', '1 to 100000'],
      ['--redeem-rate', '-5', '0 to 1000000'],
      ['--redeem-rate', '2.5', '0 to 1000000'],
    ] as const) {
      const { code, stderr } = await serve([flag, value]);
      assert.equal(code, 2, `${flag} ${value}`);
      assert.match(stderr, new RegExp(`${flag} must be a whole number from ${range}, not "${value.replace('.', '\\.')}"`));
    }
  });

  it('resolves the options: no page size unless given, no redemptions by default', () => {
    assert.deepEqual([resolveMockOptions({ host: '127.0.0.1' }).perPage, resolveMockOptions({ host: '127.0.0.1' }).redeemPerMinute], [undefined, 0]);
    const given = resolveMockOptions({ host: '127.0.0.1', 'per-page': '25', 'redeem-rate': '600' });
    assert.deepEqual([given.perPage, given.redeemPerMinute], [25, 600]);
  });
});

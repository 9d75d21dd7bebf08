import { once } from 'node:events';
import { TiError } from '../../core/errors.js';
import { startMockApi, MOCK_API_KEY } from '../../mock/server.js';
import { CreditBatchStore, loadSeed } from '../../mock/store.js';
import type { CliIo } from '../io.js';
import { resolveMockOptions } from '../options.js';

/** Serves the local mock API until the process is asked to stop. */
export async function mockCommand(argv: Readonly<Record<string, unknown>>, io: CliIo): Promise<number> {
  const options = resolveMockOptions(argv);
  const seed = options.seedPath === undefined ? [] : await loadSeed(options.seedPath);
  const store = new CreditBatchStore(seed, { autoCreate: options.autoCreate });
  const mock = await startMockApi({
    host: options.host,
    port: options.port,
    store,
    faults: options.faults,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.perPage === undefined ? {} : { perPage: options.perPage }),
    redeemPerMinute: options.redeemPerMinute,
    ...(options.slipRedemption === undefined ? {} : { slipRedemptions: { credits: options.slipRedemption } }),
    recordRequests: false,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new TiError('invalid', `port ${options.port} is already in use.`, { hint: 'Pass another --port, or --port 0 for any free one.' });
    throw error;
  });
  io.stdout.write(
    [
      `Mock Thought Industries API listening on ${mock.origin}`,
      `  ${store.size} credit batches${options.autoCreate ? ' (unknown ids are created on first update)' : ''}; accepted key: ${MOCK_API_KEY}`,
      ...(options.rateLimit === undefined ? [] : [`  Rate limit: ${options.rateLimit.perMinute} requests/min per key, burst ${options.rateLimit.burst}`]),
      ...(options.perPage === undefined ? [] : [`  Lists: ${options.perPage} per page`]),
      ...(options.redeemPerMinute === 0 ? [] : [`  Learners redeem ${options.redeemPerMinute} credits/min from random active batches`]),
      ...(options.slipRedemption === undefined ? [] : [`  A learner redeems ${options.slipRedemption} credit${options.slipRedemption === 1 ? '' : 's'} from each batch just before its first PUT is applied`]),
      `  Try: TI_API_KEY=${MOCK_API_KEY} ti-credits apply <file.csv> --base-url ${mock.origin}`,
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  if (!io.shutdown.aborted) await once(io.shutdown, 'abort');
  await mock.close();
  return 0;
}

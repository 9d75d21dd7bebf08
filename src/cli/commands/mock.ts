import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { failure } from '../../core/words.js';
import { OPTION_WORDS } from '../../core/words/options.js';
import type { FaultOptions } from '../../mock/faults.js';
import { MOCK_PER_PAGE } from '../../mock/paging.js';
import type { RateLimitOptions } from '../../mock/rate-limit.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, STANDARD_EXITS } from '../exit-codes.js';
import type { FlagSpecs, Flags } from '../flags/spec.js';
import { isLoopback } from '../flags/target.js';

/** How the local mock API behaves. */
const mockFlags = {
  port: { type: 'number', default: 4010, min: 0, max: 65_535, describe: 'Port to listen on; 0 picks a free one' },
  host: { type: 'string', default: '127.0.0.1', describe: 'Loopback address to listen on' },
  seed: { type: 'string', describe: 'JSON file with the credit batches the mock starts with (each may name its client: clientName)' },
  sample: {
    type: 'boolean',
    default: false,
    describe: 'Start with the sample instance the package ships: 12 credit batches of 3 named clients, those the README walks through',
    conflicts: { seed: 'each gives the batches the mock starts with' },
  },
  'auto-create': { type: 'boolean', default: false, describe: 'Create unknown credit batches on first update instead of answering 404' },
  'error-rate': { type: 'share', describe: 'Share of requests answered 500, 502, 503 or 504, e.g. 0.1', defaultText: '0' },
  'error-retry-after': { type: 'number', default: 0, min: 0, max: 86_400, describe: 'Seconds of Retry-After sent with those 5xx answers', defaultText: 'none' },
  'reset-rate': { type: 'share', describe: 'Share of requests whose connection is dropped', defaultText: '0' },
  'slow-rate': { type: 'share', describe: "Share of requests answered --slow-ms late, e.g. beyond the client's --timeout", defaultText: '0' },
  'slow-ms': { type: 'number', default: 60_000, min: 0, max: 600_000, describe: 'Milliseconds a slow answer takes' },
  latency: { type: 'number', default: 0, min: 0, max: 600_000, describe: 'Milliseconds added to every answer' },
  'random-seed': { type: 'number', default: 1, min: 0, max: 2 ** 32 - 1, describe: 'Seed for the random faults, to repeat a run exactly' },
  'rate-limit': {
    type: 'number',
    default: 0,
    min: 0,
    max: 1_000_000,
    describe: 'Requests per minute each key may send, answering 429 beyond it as the API does; 0 for no limit',
  },
  burst: { type: 'number', default: 20, min: 1, max: 1_000_000, describe: 'Requests a key may send at once before --rate-limit applies' },
  'rate-limit-headers': {
    type: 'boolean',
    default: true,
    describe: 'State --rate-limit in X-RateLimit-* headers, as the API documents; --no-rate-limit-headers answers as a gateway that strips them',
  },
  'retry-after-zero': { type: 'boolean', default: false, describe: 'Answer a request beyond --rate-limit 429 with Retry-After: 0, whatever the wait' },
  'per-page': { type: 'number', min: 1, max: 100_000, describe: 'Credit batches (or clients) per page of a list answer', defaultText: String(MOCK_PER_PAGE) },
  'redeem-rate': {
    type: 'number',
    default: 0,
    min: 0,
    max: 1_000_000,
    describe: 'Credits learners redeem per minute, one at a time from random active batches, to try balances that move under a run',
  },
  'slip-redemption': {
    type: 'number',
    min: 1,
    max: 1_000_000,
    describe:
      'Credits a learner redeems from a batch just before the first PUT of it is applied: a redemption between the last read and the write, which the write sets the balance over, for trying reconciliation',
    defaultText: 'none',
  },
} as const satisfies FlagSpecs;

export const mock: Command = {
  name: 'mock',
  summary: 'Serve a local Thought Industries-compatible API to try ti-credits on',
  usage: ['ti-credits mock [options]'],
  flags: mockFlags,
  examples: [
    ['ti-credits mock --sample', 'Serve the sample instance the README walks through on http://127.0.0.1:4010, from any folder'],
    ['ti-credits mock --seed batches.json', 'Serve the credit batches of a seed file of your own'],
    ['ti-credits mock --port 0 --auto-create --error-rate 0.1', 'Accept any id, and fail one request in ten with a 5xx'],
    ['ti-credits mock --auto-create --rate-limit 120 --burst 20', 'Throttle like a Standard plan: 429 with Retry-After beyond 120 requests/min'],
    ['ti-credits mock --auto-create --error-rate 1 --error-retry-after 5', 'Play an API that is down: every request answered 5xx with Retry-After: 5'],
  ],
  notes: ['Then, in another terminal: TI_API_KEY=<the key it prints> ti-credits apply <csv> --base-url <the address it prints>'],
  exits: [[EXIT.ok, 'stopped with Ctrl-C'], [EXIT.refused, 'an option cannot be used, or the port is already in use'], STANDARD_EXITS.internal],
  configurable: false,
  run: runMock,
};

export interface MockCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly seedPath: string | undefined;
  readonly autoCreate: boolean;
  readonly faults: FaultOptions;
  readonly rateLimit: RateLimitOptions | undefined;
  /** Undefined when not given, so that the startup lines mention only what was asked for. */
  readonly perPage: number | undefined;
  /** 0: no redemptions. */
  readonly redeemPerMinute: number;
  /** Credits redeemed just before each batch's first PUT is applied; undefined when not given. */
  readonly slipRedemption: number | undefined;
}

/** The sample instance's seed, as the installed package ships it (package.json "files"). */
export const SAMPLE_SEED = fileURLToPath(new URL('../../../../fixtures/sample-seed.json', import.meta.url));

export function resolveMockOptions(flags: Flags): MockCommandOptions {
  flags.checkRelations();
  const host = flags.string('host') ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw failure(OPTION_WORDS, 'TIC-MOCK-NOT-LOOPBACK', { host });
  }
  const perMinute = flags.number('rate-limit');
  const burst = flags.number('burst');
  return {
    host,
    port: flags.number('port'),
    rateLimit:
      perMinute === 0
        ? undefined
        : {
            perMinute,
            burst,
            ...(flags.raw['rate-limit-headers'] === false ? { headers: false } : {}),
            ...(flags.boolean('retry-after-zero') ? { retryAfter: 'zero' as const } : {}),
          },
    seedPath: flags.boolean('sample') ? SAMPLE_SEED : flags.string('seed'),
    autoCreate: flags.boolean('auto-create'),
    perPage: flags.optionalNumber('per-page'),
    redeemPerMinute: flags.number('redeem-rate'),
    slipRedemption: flags.optionalNumber('slip-redemption'),
    faults: {
      errorRate: flags.share('error-rate'),
      ...(flags.given('error-retry-after') ? { errorRetryAfterSeconds: flags.number('error-retry-after') } : {}),
      resetRate: flags.share('reset-rate'),
      slowRate: flags.share('slow-rate'),
      slowMs: flags.number('slow-ms'),
      latencyMs: flags.number('latency'),
      randomSeed: flags.number('random-seed'),
    },
  };
}

/** Serves the local mock API until the process is asked to stop. */
async function runMock(input: CommandInput): Promise<CommandResult> {
  const { io } = input;
  const options = resolveMockOptions(input.flags);
  const { startMockApi, MOCK_API_KEY } = await import('../../mock/server.js');
  const { CreditBatchStore, loadSeed } = await import('../../mock/store.js');
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
    if (error.code === 'EADDRINUSE') throw failure(OPTION_WORDS, 'TIC-MOCK-PORT-IN-USE', { port: options.port });
    throw error;
  });
  io.stdout.write(
    [
      `Mock Thought Industries API listening on ${mock.origin}`,
      `  ${store.size} credit batches${options.autoCreate ? ' (unknown ids are created on first update)' : ''}; accepted key: ${MOCK_API_KEY}`,
      ...(options.rateLimit === undefined
        ? []
        : [
            `  Rate limit: ${options.rateLimit.perMinute} requests/min per key, burst ${options.rateLimit.burst}${options.rateLimit.headers === false ? ', not stated in headers' : ''}${options.rateLimit.retryAfter === 'zero' ? ', Retry-After: 0' : ''}`,
          ]),
      ...(options.perPage === undefined ? [] : [`  Lists: ${options.perPage} per page`]),
      ...(options.redeemPerMinute === 0 ? [] : [`  Learners redeem ${options.redeemPerMinute} credits/min from random active batches`]),
      ...(options.slipRedemption === undefined
        ? []
        : [
            `  A learner redeems ${options.slipRedemption} credit${options.slipRedemption === 1 ? '' : 's'} from each batch just before its first PUT is applied`,
          ]),
      `  Try: TI_API_KEY=${MOCK_API_KEY} ti-credits apply <file.csv> --base-url ${mock.origin}`,
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  if (!io.shutdown.aborted) await once(io.shutdown, 'abort');
  await mock.close();
  return { exit: EXIT.ok, text: '' };
}

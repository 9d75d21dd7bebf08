import { recallPace, type RememberedPace } from '../../report/pace-memory.js';
import type { SendOptions } from '../../send/options.js';
import { checkKeyEnvironment } from '../live-target.js';
import type { KeySource } from './key-source.js';
import { resolveApiKey, resolveOrigin, type TargetDefaults } from './target.js';
import type { Env, FlagSpecs, Flags } from './spec.js';

/** Longest a single Retry-After may hold a row before it is failed instead. */
const MAX_RETRY_AFTER_MS = 15 * 60_000;
/** Longest backoff between two retries of a row. */
const MAX_RETRY_DELAY_MS = 60_000;
/** Where the pace starts when neither --rate nor an earlier run says: the Standard plan's limit, which the API's own then moves. */
const STARTING_RATE = 120;

/** How requests are paced and retried: every command that talks to the API. */
export const pacingFlags = {
  concurrency: { type: 'number', default: 4, min: 1, max: 64, describe: 'Requests in flight at once' },
  rate: {
    type: 'number',
    min: 0,
    max: 1_000_000,
    describe:
      "Most requests per minute (120 on Standard plans, 600 on Enterprise); below it the pace follows the API's limit, stated in X-RateLimit-Limit or shown by its 429s; 0 sets no ceiling",
    defaultText: `none: start at ${STARTING_RATE}, or at the pace the last run against the target learned, and follow the API`,
  },
  burst: {
    type: 'number',
    default: 20,
    min: 1,
    max: 1_000_000,
    describe: 'Requests that may start at once after an idle spell: 20 on Standard plans, 100 on Enterprise',
  },
  retries: {
    type: 'number',
    default: 5,
    min: 0,
    max: 20,
    describe: 'Further attempts for a row after a network error, timeout, 408 or 5xx (a 429 pauses every request instead)',
  },
  'retry-delay': { type: 'number', default: 1000, min: 0, max: MAX_RETRY_DELAY_MS, describe: 'Ceiling in ms of the first backoff; it doubles each retry' },
  timeout: { type: 'number', default: 30_000, min: 100, max: 600_000, describe: 'Milliseconds to wait for each answer' },
  'max-throttle-wait': { type: 'number', default: 900, min: 1, max: 86_400, describe: 'Seconds a row may be held back by 429 pauses, in all, before it fails' },
  'circuit-breaker': {
    type: 'number',
    default: 10,
    min: 0,
    max: 1_000_000,
    describe: 'Stop the run (exit 3) when this many rows in a row fail after all their retries; 0 never stops',
  },
} as const satisfies FlagSpecs;

/**
 * Where to send, with which key, at which pace: checked once, for every
 * command that talks to the API; and the file the key was read from, if any.
 */
export async function resolveSendOptions(
  flags: Flags,
  env: Env,
  fromConfig: TargetDefaults,
  cwd: string,
  paceRoot: string | undefined,
): Promise<{ send: SendOptions; keyFile: string | undefined; keySource: KeySource }> {
  const origin = resolveOrigin(flags, env, fromConfig);
  const key = await resolveApiKey(flags, env, fromConfig, cwd, origin);
  // Before any request: a sandbox key on a live profile, or the reverse, is the wrong environment.
  checkKeyEnvironment(fromConfig.profile, key.apiKey, key.source);
  const told = flags.optionalNumber('rate');
  // A command that leaves no run folder (whoami) has no reports root: it starts from no memory.
  const remembered = paceRoot === undefined ? undefined : await recallPace(paceRoot, origin);
  const send: SendOptions = {
    target: { origin, apiKey: key.apiKey },
    concurrency: flags.number('concurrency'),
    ...startingPace(told, remembered),
    maxRatePerMinute: told,
    burst: flags.given('burst') ? flags.number('burst') : (remembered?.burst ?? flags.number('burst')),
    learnBurst: !flags.given('burst'),
    timeoutMs: flags.number('timeout'),
    maxThrottleWaitMs: flags.number('max-throttle-wait') * 1000,
    circuitBreaker: flags.number('circuit-breaker'),
    retry: {
      retries: flags.number('retries'),
      baseDelayMs: flags.number('retry-delay'),
      maxDelayMs: MAX_RETRY_DELAY_MS,
      maxRetryAfterMs: MAX_RETRY_AFTER_MS,
    },
  };
  return { send, keyFile: key.file, keySource: key.source };
}

/**
 * Where the pace starts: at what the last run against the target learned
 * (pace.json in the reports root, never above --rate), else at --rate, else
 * at 120, from which the API's limit takes it up or down.
 */
function startingPace(told: number | undefined, remembered: RememberedPace | undefined): Pick<SendOptions, 'ratePerMinute' | 'rateFrom'> {
  if (remembered !== undefined && (told === undefined || told === 0 || remembered.ratePerMinute < told))
    return { ratePerMinute: remembered.ratePerMinute, rateFrom: 'remembered' };
  return told === undefined ? { ratePerMinute: STARTING_RATE, rateFrom: 'guessed' } : { ratePerMinute: told, rateFrom: 'told' };
}

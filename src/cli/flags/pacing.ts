import type { SendOptions } from '../../send/options.js';
import { checkKeyEnvironment } from '../live-target.js';
import type { KeySource } from './key-source.js';
import { resolveApiKey, resolveOrigin, type TargetDefaults } from './target.js';
import type { Env, FlagSpecs, Flags } from './spec.js';

/** Longest a single Retry-After may hold a row before it is failed instead. */
const MAX_RETRY_AFTER_MS = 15 * 60_000;
/** Longest backoff between two retries of a row. */
const MAX_RETRY_DELAY_MS = 60_000;

/** How requests are paced and retried: every command that talks to the API. */
export const pacingFlags = {
  concurrency: { type: 'number', default: 4, min: 1, max: 64, describe: 'Requests in flight at once' },
  rate: {
    type: 'number',
    default: 120,
    min: 0,
    max: 1_000_000,
    describe: "Requests per minute: 120 on Standard plans, 600 on Enterprise; lowered to the API's X-RateLimit-Limit when that is lower; 0 follows the API's headers alone",
  },
  burst: { type: 'number', default: 20, min: 1, max: 1_000_000, describe: 'Requests that may start at once after an idle spell: 20 on Standard plans, 100 on Enterprise' },
  retries: { type: 'number', default: 5, min: 0, max: 20, describe: 'Further attempts for a row after a network error, timeout, 408 or 5xx (a 429 pauses every request instead)' },
  'retry-delay': { type: 'number', default: 1000, min: 0, max: MAX_RETRY_DELAY_MS, describe: 'Ceiling in ms of the first backoff; it doubles each retry' },
  timeout: { type: 'number', default: 30_000, min: 100, max: 600_000, describe: 'Milliseconds to wait for each answer' },
  'max-throttle-wait': { type: 'number', default: 900, min: 1, max: 86_400, describe: 'Seconds a row may be held back by 429 pauses, in all, before it fails' },
  'circuit-breaker': { type: 'number', default: 10, min: 0, max: 1_000_000, describe: 'Stop the run (exit 3) when this many rows in a row fail after all their retries; 0 never stops' },
} as const satisfies FlagSpecs;

/**
 * Where to send, with which key, at which pace: checked once, for every
 * command that talks to the API; and the file the key was read from, if any.
 */
export async function resolveSendOptions(flags: Flags, env: Env, fromConfig: TargetDefaults, cwd: string): Promise<{ send: SendOptions; keyFile: string | undefined; keySource: KeySource }> {
  const origin = resolveOrigin(flags, env, fromConfig);
  const key = await resolveApiKey(flags, env, fromConfig, cwd, origin);
  // Before any request: a sandbox key on a live profile, or the reverse, is the wrong environment.
  checkKeyEnvironment(fromConfig.profile, key.apiKey, key.source);
  const send: SendOptions = {
    target: { origin, apiKey: key.apiKey },
    concurrency: flags.number('concurrency'),
    ratePerMinute: flags.number('rate'),
    burst: flags.number('burst'),
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

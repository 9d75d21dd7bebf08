import http from 'node:http';
import https from 'node:https';
import got, { RequestError } from 'got';
import { systemClock, type Clock } from './clock.js';

/**
 * A JSON document posted to a webhook (Slack, Teams, any HTTP endpoint),
 * tried a few times with a growing pause: a notification, never the API.
 * It never throws: how it went is the result.
 */
export interface WebhookResult {
  readonly delivered: boolean;
  readonly attempts: number;
  /** The last HTTP status answered; undefined when none came. */
  readonly status: number | undefined;
  /** Why it was not delivered, in a few words (never the address). */
  readonly error: string | undefined;
}

export interface WebhookPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The pause after the first failure; it doubles after each. */
  readonly firstDelayMs: number;
  readonly timeoutMs: number;
}

export const WEBHOOK_POLICY: WebhookPolicy = { attempts: 4, firstDelayMs: 500, timeoutMs: 10_000 };

/** Statuses worth another try: the endpoint may take it in a moment. */
const RETRIED = new Set([408, 425, 429, 500, 502, 503, 504]);

// One request at a time to an endpoint seldom used: no connection is kept open after it.
const agent = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

export async function postWebhook(
  url: string,
  body: string,
  policy: WebhookPolicy = WEBHOOK_POLICY,
  signal?: AbortSignal,
  clock: Clock = systemClock,
): Promise<WebhookResult> {
  let status: number | undefined;
  let error: string | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const response = await got.post(url, {
        body,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        timeout: { request: policy.timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        agent,
        ...(signal === undefined ? {} : { signal }),
      });
      status = response.statusCode;
      if (status >= 200 && status < 300) return { delivered: true, attempts: attempt, status, error: undefined };
      error = `answered ${status}`;
      if (!RETRIED.has(status)) return { delivered: false, attempts: attempt, status, error };
    } catch (caught) {
      error = caught instanceof RequestError ? `network error (${caught.code})` : 'network error';
    }
    if (attempt === policy.attempts || signal?.aborted === true) return { delivered: false, attempts: attempt, status, error };
    try {
      await clock.sleep(policy.firstDelayMs * 2 ** (attempt - 1), signal);
    } catch {
      return { delivered: false, attempts: attempt, status, error };
    }
  }
  return { delivered: false, attempts: policy.attempts, status, error };
}

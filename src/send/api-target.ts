/**
 * Where requests go and with which key: plain facts about the API, kept apart
 * from the HTTP client so that validating a file never loads got.
 */
export interface ApiTarget {
  /** Origin of the instance, e.g. `https://acme.thoughtindustries.com`, without a trailing slash. */
  readonly origin: string;
  readonly apiKey: string;
}

export const API_PATH = '/incoming/v2';

/** A key's kind, safe to record: production (`ti_live_`), sandbox (`ti_test_`) or neither. */
export function keyKind(key: string): 'live' | 'test' | 'unknown' {
  return key.startsWith('ti_live_') ? 'live' : key.startsWith('ti_test_') ? 'test' : 'unknown';
}

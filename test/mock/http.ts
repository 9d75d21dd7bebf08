import type { CreditBatch } from '../../src/core/credit-batch.js';
import { MOCK_API_KEY } from '../../src/mock/server.js';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** One request to the mock, as a client would send it; `key: null` sends no Authorization. */
export async function call(origin: string, path: string, options: { method?: string; key?: string | null; body?: unknown } = {}): Promise<Answer> {
  const { method = 'GET', key = MOCK_API_KEY, body } = options;
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** The path of a client's credit batch list, its clientId repeated in the query as the API requires, with `query` added. */
export function listPath(clientId: string, query: Readonly<Record<string, string>> = {}): string {
  return `/incoming/v2/clients/${clientId}/creditBatches?${new URLSearchParams({ clientId, ...query })}`;
}

/** `count` batches of one client, made a minute apart (the first at 2026-01-01T00:00Z), with ids ending in their index. */
export function clientBatches(clientId: string, count: number, extra: (index: number) => Partial<CreditBatch> = () => ({})): Partial<CreditBatch>[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${clientId.slice(0, 8)}-0000-4000-8000-${String(index).padStart(12, '0')}`,
    clientId,
    createdAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    currentBalance: 100 + index,
    ...extra(index),
  }));
}

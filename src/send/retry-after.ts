/**
 * How long the server asked us to wait, from a `Retry-After` header (seconds
 * or an HTTP date) or, failing that, a `retryAfter` field (seconds) in a JSON
 * error body. Undefined when the answer says nothing usable.
 */
export function parseRetryAfter(header: string | string[] | undefined, body: unknown, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value !== undefined && value !== '') {
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const field = (body as { retryAfter?: unknown } | null | undefined)?.retryAfter;
  if (typeof field === 'number' && Number.isFinite(field) && field >= 0) return field * 1000;
  return undefined;
}

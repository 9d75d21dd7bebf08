/**
 * How long the server asked us to wait, from a `Retry-After` header (seconds
 * or an HTTP date) or, failing that, a `retryAfter` field (seconds) in a JSON
 * error body. Undefined when the answer says nothing usable.
 */
export function parseRetryAfter(header: string | string[] | undefined, body: unknown, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value !== undefined && value !== '') {
    // Seconds are whole by the standard, but a server that sends 1.5 means a second and a half.
    if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
    // An HTTP date names its day and month in letters; Date.parse would read "1.5" as a date in 2001.
    const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const field = (body as { retryAfter?: unknown } | null | undefined)?.retryAfter;
  if (typeof field === 'number' && Number.isFinite(field) && field >= 0) return field * 1000;
  return undefined;
}

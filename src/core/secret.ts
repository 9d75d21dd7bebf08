/**
 * The API key's disguises. A server may echo the key anywhere in an answer:
 * as it is, inside a JSON string (where `"` and `\` are escaped, and `/`
 * may be), or in a URL (percent-encoded, in either case of hex digit). Text
 * ti-credits writes or prints has every one of them replaced.
 */
export const REDACTED = '[redacted]';

/** The key as it may appear in text: as is, JSON-escaped (once or twice, as a log line quoting such text holds it), URL-encoded. */
export function keyForms(key: string): string[] {
  const json = (text: string): string => JSON.stringify(text).slice(1, -1);
  const forms = [key, json(key), json(key).replaceAll('/', '\\/'), json(json(key)), encodeURIComponent(key)];
  // Longest first, so that a form is replaced whole rather than by a shorter form inside it.
  return [...new Set(forms)].filter((form) => form !== '').sort((a, b) => b.length - a.length);
}

/** A function replacing every form of `key` in a text; letter case is ignored, as percent-encoding's hex digits may be in either. */
export function keyScrubber(key: string): (text: string) => string {
  if (key === '') return (text) => text;
  const pattern = new RegExp(keyForms(key).map((form) => form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'gi');
  return (text) => text.replace(pattern, REDACTED);
}

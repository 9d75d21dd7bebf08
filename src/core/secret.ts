/**
 * The API key's disguises. A server may echo the key anywhere in an answer:
 * as it is, inside a JSON string (where `"` and `\` are escaped, and `/`
 * may be, and `<`, `>`, `&` as `\u003c`… by some encoders), in a URL
 * (percent-encoded, in either case of hex digit), base64-encoded (inside a
 * longer encoded text too, such as a Basic credential), as hex, or as HTML
 * (its special characters as entities, or every character as a numeric
 * one). Text ti-credits writes or prints has every one of them replaced.
 */
export const REDACTED = '[redacted]';

/**
 * The shortest key ti-credits takes. Thought Industries' keys are far longer
 * (`ti_live_` and 20 characters more in its documentation); a key of a few
 * characters is a mistake, and scrubbing it from every text would redact
 * ordinary words.
 */
export const MIN_KEY_LENGTH = 20;

/** The key as it may appear in text; letter case aside (see keyScrubber). */
export function keyForms(key: string): string[] {
  const json = (text: string): string => JSON.stringify(text).slice(1, -1);
  const bytes = Buffer.from(key, 'utf8');
  const percentEveryReserved = encodeURIComponent(key).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  const forms = [
    key,
    json(key),
    json(key).replaceAll('/', '\\/'),
    json(key).replace(/[<>&]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`),
    json(json(key)),
    encodeURIComponent(key),
    percentEveryReserved,
    bytes.toString('hex'),
    ...base64Forms(bytes),
    ...htmlForms(key),
  ];
  // Longest first: a form found inside a longer one is replaced with it, whole.
  return [...new Set(forms)].filter((form) => form !== '').sort((a, b) => b.length - a.length);
}

/**
 * The key's bytes as base64 wherever they start in an encoded text: each of
 * the three alignments, without the characters that also carry bits of what
 * comes before or after them; in the standard and the URL alphabet.
 */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const stable = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.push(stable, stable.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

/** The key in HTML: its special characters as the entities HTML escapers write, or every character as a numeric entity. */
function htmlForms(key: string): string[] {
  const escaped = (apostrophe: string): string =>
    key.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", apostrophe);
  const every = (radix: number, prefix: string): string =>
    [...key].map((character) => `&#${prefix}${(character.codePointAt(0) ?? 0).toString(radix)};`).join('');
  return [escaped('&#39;'), escaped('&#x27;'), escaped('&apos;'), every(10, ''), every(16, 'x')];
}

/**
 * A function replacing every form of `key` in a text; letter case is ignored,
 * as hex digits and entities may be written in either. The forms are found by
 * plain string search, never a pattern built from the key: a key of any
 * length or character is looked for as it is.
 */
export function keyScrubber(key: string): (text: string) => string {
  if (key === '') return (text) => text;
  const forms = keyForms(key).map(asciiLowerCase);
  return (text) => {
    const lower = asciiLowerCase(text);
    const found: [number, number][] = [];
    for (const form of forms) {
      for (let at = lower.indexOf(form); at >= 0; at = lower.indexOf(form, at + 1)) found.push([at, at + form.length]);
    }
    if (found.length === 0) return text;
    found.sort((a, b) => a[0] - b[0]);
    let scrubbed = '';
    let from = 0;
    for (const [start, end] of found) {
      if (start >= from) scrubbed += `${text.slice(from, start)}${REDACTED}`;
      from = Math.max(from, end);
    }
    return scrubbed + text.slice(from);
  };
}

/**
 * The text with A-Z made a-z and nothing else changed, so that a place in it
 * is the same place in the text. `toLowerCase` keeps every place but where a
 * character lowers to two (U+0130), which the length shows.
 */
function asciiLowerCase(text: string): string {
  const lowered = text.toLowerCase();
  if (lowered.length === text.length) return lowered;
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

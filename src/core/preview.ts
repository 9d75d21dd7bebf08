/**
 * A value from a file or an answer, as a message shows it: cut to a length a
 * terminal line can hold (a 900 KB name is a mistake, not something to
 * print), and with the characters that change how the text around them is
 * shown (a right-to-left override, a line separator, C1 controls) written
 * as escapes, so that the message reads as it was written.
 */
export const PREVIEW_CHARS = 80;

/**
 * Characters that show nothing where they stand: the soft hyphen, zero-width
 * space, non-joiner and joiner, the word joiner and invisible operators, the
 * byte-order mark, fillers; and the tag characters (U+E0000–U+E007F, one
 * surrogate pair each). A name `"\u200b"` looks like `""` unless escaped.
 */
const SHOWS_NOTHING = '\\u00ad\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180e\\u200b-\\u200d\\u2060-\\u2064\\u206a-\\u206f\\u3164\\ufeff\\uffa0';
const TAG = '\\udb40[\\udc00-\\udc7f]';

// The joiners and combining marks in these classes are matched one by one, on purpose: each is what is looked for.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = new RegExp(`[\\u0080-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029${SHOWS_NOTHING}]|${TAG}`, 'g');

/** Whitespace, the characters that show nothing, and the variation selectors, which only choose how the character before them is drawn. */
// eslint-disable-next-line no-misleading-character-class
const BLANK = new RegExp(`^(?:[\\s${SHOWS_NOTHING}\\ufe00-\\ufe0f]|${TAG})*$`);

/** Whether `text` would show nothing at all: empty, spaces, or only characters that show nothing. */
export function showsNothing(text: string): boolean {
  return BLANK.test(text);
}

const escape = (unit: string): string => `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** `json` (JSON text) with each character that reorders or breaks the text shown, or shows nothing, as a `\uXXXX` escape. */
export function escapeInvisible(json: string): string {
  return json.replace(INVISIBLE, (characters) => characters.split('').map(escape).join(''));
}

/** `text` (not JSON: its C0 controls and DEL are not escaped yet) with those, and what `escapeInvisible` escapes, as `\uXXXX` escapes. */
export function escapeControls(text: string): string {
  return escapeInvisible(text.replace(/[\u0000-\u001f\u007f]/g, escape));
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max = PREVIEW_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `value` as JSON, every text in it clipped and its invisible characters escaped. */
export function previewJson(value: unknown, max = PREVIEW_CHARS): string {
  return escapeInvisible(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? clip(item, max) : item)) ?? 'undefined');
}

/**
 * A value from a file or an answer, as a message shows it: cut to a length a
 * terminal line can hold (a 900 KB name is a mistake, not something to
 * print), and with the characters that change how the text around them is
 * shown (a right-to-left override, a line separator, C1 controls) written
 * as escapes, so that the message reads as it was written.
 */
export const PREVIEW_CHARS = 80;

const INVISIBLE = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** `json` (JSON text) with each character that reorders or breaks the text shown as a `\uXXXX` escape. */
export function escapeInvisible(json: string): string {
  return json.replace(INVISIBLE, (character) => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max = PREVIEW_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `value` as JSON, every text in it clipped and its invisible characters escaped. */
export function previewJson(value: unknown, max = PREVIEW_CHARS): string {
  return escapeInvisible(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? clip(item, max) : item)) ?? 'undefined');
}

import { previewJson, showsNothing } from '../core/preview.js';
import { say, type FactsOf, type Said } from '../core/words.js';
import { ROW_WORDS } from '../core/words/rows.js';

/**
 * One pure parser per updatable field. Each takes a cell that is not empty
 * (an empty cell means "leave this field alone" and never reaches here) and
 * either returns the value to send or says, in words a spreadsheet user
 * understands, why the cell cannot be sent and what to write instead: a
 * problem of the catalogue of row words (core/words/rows.ts), under its code.
 */

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Said };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** A row problem of the catalogue (core/words/rows.ts), said for these facts. */
export function rowProblem<C extends keyof typeof ROW_WORDS & string>(code: C, facts: FactsOf<(typeof ROW_WORDS)[C]>): Said {
  return say(ROW_WORDS, code, facts);
}

/** A row problem, as a failed parse. */
export function refuse<C extends keyof typeof ROW_WORDS & string>(code: C, facts: FactsOf<(typeof ROW_WORDS)[C]>): Parsed<never> {
  return { ok: false, problem: rowProblem(code, facts) };
}

/** A problem said of a part of the row (`cell C7: `, `before.name: `): the same problem, under the same code. */
export function within(where: string, problem: Said): Said {
  return { ...problem, message: `${where}${problem.message}` };
}

/** Shows a cell in a message: quoted so spaces are visible, clipped so a stray paragraph stays readable, what would reorder the message escaped. */
export function showCell(cell: string): string {
  return previewJson(cell, 40);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseId(cell: string): Parsed<string> {
  const id = cell.trim();
  if (UUID.test(id)) return ok(id);
  if (id.startsWith('{') && id.endsWith('}') && UUID.test(id.slice(1, -1))) return refuse('TIC-ID-BRACES', { cell: showCell(cell) });
  return refuse('TIC-ID-NOT-UUID', { cell: showCell(cell) });
}

/** A `clientId` cell: the UUID of the client whose batches the row's id is among. */
export function parseClientId(cell: string): Parsed<string> {
  const id = cell.trim();
  if (UUID.test(id)) return ok(id);
  return refuse('TIC-CLIENT-ID-NOT-UUID', { cell: showCell(cell) });
}

/** A `creditAccountId` cell: the UUID of the credit account the row's batch is in. */
export function parseCreditAccountId(cell: string): Parsed<string> {
  const id = cell.trim();
  if (UUID.test(id)) return ok(id);
  return refuse('TIC-ACCOUNT-ID-NOT-UUID', { cell: showCell(cell) });
}

/** The error values a spreadsheet cell shows in place of a value (`#N/A`, `#REF!`...), which an export writes as text. */
const SPREADSHEET_ERRORS = new Set([
  '#N/A',
  '#REF!',
  '#VALUE!',
  '#DIV/0!',
  '#NAME?',
  '#NUM!',
  '#NULL!',
  '#SPILL!',
  '#CALC!',
  '#FIELD!',
  '#BLOCKED!',
  '#CONNECT!',
  '#BUSY!',
  '#UNKNOWN!',
  '#GETTING_DATA',
]);

/**
 * Characters that are not text: C0 and C1 controls, and those that change
 * how the text around them is shown rather than adding to it: the
 * directional marks, embeddings, overrides and isolates (a right-to-left
 * override shows `cba` for `abc`, in plan.html and Thought Industries alike)
 * and the line and paragraph separators.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const CONTROL_NAMES: Readonly<Record<string, string>> = {
  '000A': ', a line break',
  '000D': ', a line break',
  '0009': ', a tab',
  '2028': ', a line separator',
  '2029': ', a paragraph separator',
  '200E': ', a left-to-right mark',
  '200F': ', a right-to-left mark',
  '061C': ', an Arabic letter mark',
  '202A': ', a left-to-right embedding',
  '202B': ', a right-to-left embedding',
  '202C': ', a pop directional formatting',
  '202D': ', a left-to-right override',
  '202E': ', a right-to-left override',
  '2066': ', a left-to-right isolate',
  '2067': ', a right-to-left isolate',
  '2068': ', a first strong isolate',
  '2069': ', a pop directional isolate',
};

/**
 * A name is sent as the user typed it, trimmed. A control character (a line
 * break inside a quoted cell, a tab, a character that reorders the text as it
 * is shown, such as a right-to-left override) or the replacement character (text
 * already damaged by a wrong conversion) is refused rather than sent; so is
 * what a spreadsheet left in place of a value: a formula (`=UPPER(A2)`, as
 * LibreOffice's CSV export writes formulas when asked to, and as failed.csv
 * writes a workbook's formula that was never calculated) or an error value.
 */
export function parseName(cell: string): Parsed<string> {
  const name = cell.trim();
  if (name.startsWith('=')) return refuse('TIC-FORMULA-NOT-CALCULATED', { cell: showCell(cell) });
  if (SPREADSHEET_ERRORS.has(name.toUpperCase())) return refuse('TIC-SPREADSHEET-ERROR', { cell: showCell(cell) });
  const control = CONTROL.exec(name);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return refuse('TIC-NAME-CONTROL-CHARACTER', { cell: showCell(cell), character: `U+${code}${CONTROL_NAMES[code] ?? ''}`, position: control.index + 1 });
  }
  const replacement = name.indexOf('\ufffd');
  if (replacement >= 0) return refuse('TIC-NAME-DAMAGED-TEXT', { cell: showCell(cell), position: replacement + 1 });
  // Only zero-width characters (U+200B, a word joiner, tags…): a name that would show as empty, not an empty cell.
  if (showsNothing(name)) return refuse('TIC-NAME-INVISIBLE', { cell: showCell(cell) });
  return ok(name);
}

const SEPARATOR_NAMES: Readonly<Record<string, string>> = { ' ': 'a space', '\u00a0': 'a no-break space', '\u202f': 'a narrow no-break space' };

/**
 * A balance is a whole count of credits: digits, optionally grouped by the
 * one thousands separator the user names, optionally with a zero decimal
 * part (`1250.00`). Nothing a spreadsheet's locale could have reshaped is
 * read any other way.
 */
export function parseCurrentBalance(cell: string, thousandsSeparator?: string): Parsed<number> {
  const text = cell.trim();
  const digits = wholeDigits(text, thousandsSeparator);
  if (digits !== undefined) {
    const value = Number(digits);
    if (Number.isSafeInteger(value)) return ok(value);
    return refuse('TIC-BALANCE-TOO-LARGE', { cell: showCell(cell) });
  }
  const shown = { cell: showCell(cell) };
  if (/^-\s*\d/.test(text)) return refuse('TIC-BALANCE-NEGATIVE', shown);
  if (/^\+\d+$/.test(text)) return refuse('TIC-BALANCE-PLUS-SIGN', { ...shown, digits: text.slice(1) });
  const grouped = /^\d{1,3}([,.' \u00a0\u202f])\d{3}(\1\d{3})*$/.exec(text);
  if (grouped !== null && grouped[1] !== undefined) {
    const separator = SEPARATOR_NAMES[grouped[1]] ?? JSON.stringify(grouped[1]);
    const digits = text.replace(/\D/g, '');
    if (thousandsSeparator !== undefined) return refuse('TIC-BALANCE-SEPARATOR-MISMATCH', { ...shown, separator, digits });
    const flag = `--thousands-separator ${grouped[1] === "'" ? '"\'"' : /\s/.test(grouped[1]) ? 'space' : grouped[1]}`;
    const decimal = grouped[1] === '.' ? 'point' : grouped[1] === ',' ? 'comma' : undefined;
    return refuse('TIC-BALANCE-SEPARATOR-AMBIGUOUS', { ...shown, separator, decimal, digits, flag });
  }
  if (/^\d*[.,]\d+$/.test(text)) return refuse('TIC-BALANCE-NOT-WHOLE', shown);
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(text)) return refuse('TIC-BALANCE-SCIENTIFIC', shown);
  return refuse('TIC-BALANCE-NOT-A-NUMBER', shown);
}

/**
 * A `currentBalanceDelta` cell: a signed whole number of credits, `+500`,
 * `-200` or `500`, read with the same rules as a balance (digits, the one
 * thousands separator named, a zero decimal part).
 */
export function parseBalanceDelta(cell: string, thousandsSeparator?: string): Parsed<number> {
  const text = cell.trim();
  const sign = /^[+\-\u2212]/.exec(text)?.[0];
  const magnitude = parseCurrentBalance(sign === undefined ? text : text.slice(1), thousandsSeparator);
  if (!magnitude.ok) return refuse('TIC-DELTA-INVALID', { cell: showCell(cell), why: magnitude.problem.message.replace(/^currentBalance "[^"]*" /, '') });
  return ok(sign === undefined || sign === '+' ? magnitude.value : -magnitude.value);
}

/**
 * The digits of a whole number, or undefined. A zero decimal part (`1250.00`)
 * is the same number, except where "." could be grouping thousands: `12.000`
 * is refused, never read as twelve.
 */
function wholeDigits(text: string, separator: string | undefined): string | undefined {
  // Digits alone, most cells of a million-row file: nothing more to look for.
  if (/^\d+$/.test(text)) return text;
  const zeroDecimals = separator === '.' || /^\d{1,3}\.000$/.test(text) ? null : /^(.+)\.0+$/.exec(text);
  const whole = zeroDecimals?.[1] ?? text;
  if (/^\d+$/.test(whole)) return whole;
  if (separator === undefined) return undefined;
  const groups = whole.split(separator === ' ' ? /[ \u00a0\u202f]/ : separator);
  const [first, ...rest] = groups;
  if (rest.length > 0 && first !== undefined && /^\d{1,3}$/.test(first) && rest.every((group) => /^\d{3}$/.test(group))) return groups.join('');
  return undefined;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCurrentBalance, parseId, parseName } from '../../src/validate/fields.js';

function problemOf(result: { ok: boolean; problem?: { readonly message: string } }): string {
  assert.equal(result.ok, false, 'expected the cell to be refused');
  return result.problem?.message ?? '';
}

describe('id', () => {
  it('accepts a UUID in either case, trimmed, and sends it as written', () => {
    assert.deepEqual(parseId(' 3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B '), { ok: true, value: '3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B' });
  });
  it('refuses anything that is not a UUID', () => {
    assert.match(problemOf(parseId('12345')), /id "12345" is not a credit batch id; expected a UUID/);
    assert.match(problemOf(parseId('3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6')), /not a credit batch id/);
  });
  it('explains braces around a UUID', () => {
    assert.match(problemOf(parseId('{3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b}')), /wrapped in braces/);
  });
});

describe('name', () => {
  it('is trimmed and otherwise kept exactly', () => {
    assert.deepEqual(parseName('  Ümlaut "Co", Ltd.  '), { ok: true, value: 'Ümlaut "Co", Ltd.' });
    assert.deepEqual(parseName('Société Générale – 東京 👩‍💻'), { ok: true, value: 'Société Générale – 東京 👩‍💻' });
  });
  it('refuses a control character, naming it and where it is', () => {
    assert.match(problemOf(parseName('Acme\nLtd')), /control character \(U\+000A, a line break\) at position 5; remove it/);
    assert.match(problemOf(parseName('Acme\tLtd')), /U\+0009, a tab/);
    assert.match(problemOf(parseName('Acme\u0085')), /U\+0085/);
  });
  it('refuses the characters that reorder or break the text shown, as controls, the message escaping them', () => {
    const cases: [string, string][] = [
      ['\u202e', 'a right-to-left override'],
      ['\u202a', 'a left-to-right embedding'],
      ['\u202b', 'a right-to-left embedding'],
      ['\u202c', 'a pop directional formatting'],
      ['\u202d', 'a left-to-right override'],
      ['\u2066', 'a left-to-right isolate'],
      ['\u2067', 'a right-to-left isolate'],
      ['\u2068', 'a first strong isolate'],
      ['\u2069', 'a pop directional isolate'],
      ['\u200e', 'a left-to-right mark'],
      ['\u200f', 'a right-to-left mark'],
      ['\u2028', 'a line separator'],
      ['\u2029', 'a paragraph separator'],
    ];
    for (const [character, what] of cases) {
      const code = character.charCodeAt(0).toString(16).toUpperCase();
      const problem = problemOf(parseName(`Acme${character}gpj.exe`));
      assert.equal(problem, `name "Acme\\u${code}gpj.exe" contains a control character (U+${code}, ${what}) at position 5; remove it`);
      assert.ok(!problem.includes(character), 'the message shows the character as an escape, never as itself');
    }
  });
  it('shows a long cell cut in a message', () => {
    const problem = problemOf(parseName(`${'x'.repeat(900_000)}\u0007`));
    assert.ok(problem.length < 200, `${problem.length} characters`);
    assert.match(problem, /^name "x{40}…" contains a control character \(U\+0007\) at position 900001; remove it$/);
  });
  it('refuses a name of characters that show nothing, escaping them in the message; keeps a joiner inside a name', () => {
    for (const cell of ['\u200b', '\u2060\u200b', ' \u034f ', '\ufe0f', '\u{e0041}\u{e007f}', '\u00ad']) {
      const problem = problemOf(parseName(cell));
      assert.match(problem, /holds no character that shows: it would show as an empty name/, JSON.stringify(cell));
      assert.match(problem, /^name "(\\u[0-9A-F]{4}|\s|\ufe0f)+"/, problem);
    }
    // A zero-width non-joiner belongs in Persian words, a joiner in emoji: inside a name that shows, they are kept.
    assert.deepEqual(parseName('می\u200cخواهم'), { ok: true, value: 'می\u200cخواهم' });
    assert.deepEqual(parseName('Team 👩\u200d💻'), { ok: true, value: 'Team 👩\u200d💻' });
  });

  it('refuses a replacement character, the trace of text already garbled', () => {
    assert.match(problemOf(parseName('Soci\ufffdt\ufffd')), /damaged by a wrong encoding/);
  });
  it('refuses a formula and an error value, which a spreadsheet left in place of a name', () => {
    assert.equal(
      problemOf(parseName(' =UPPER(B2)')),
      'name " =UPPER(B2)" is a spreadsheet formula, not the text it calculates; let Excel or LibreOffice calculate it (open and save the file), or type the name itself',
    );
    assert.match(problemOf(parseName('#N/A')), /^name "#N\/A" is the error a spreadsheet cell showed in place of a value/);
    assert.match(problemOf(parseName('#div/0!')), /is the error a spreadsheet cell showed/);
    assert.deepEqual(parseName('#1 Supplier = best'), { ok: true, value: '#1 Supplier = best' });
  });
});

describe('currentBalance', () => {
  it('accepts plain digits', () => {
    assert.deepEqual(parseCurrentBalance('1250'), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance(' 0 '), { ok: true, value: 0 });
    assert.deepEqual(parseCurrentBalance(String(Number.MAX_SAFE_INTEGER)), { ok: true, value: Number.MAX_SAFE_INTEGER });
  });
  it('refuses a negative balance', () => assert.match(problemOf(parseCurrentBalance('-5')), /is negative/));
  it('refuses a decimal', () => assert.match(problemOf(parseCurrentBalance('10.5')), /not a whole number/));
  it('refuses scientific notation', () => assert.match(problemOf(parseCurrentBalance('1e3')), /scientific notation/));
  it('accepts a zero decimal part, which Excel adds to a number column', () => {
    assert.deepEqual(parseCurrentBalance('1250.00'), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance('7.0'), { ok: true, value: 7 });
  });
  it('refuses a thousands separator by default, with the digits and the option to pass', () => {
    assert.match(
      problemOf(parseCurrentBalance('1,250')),
      /has ",", which could be a thousands separator or a decimal comma; write the digits only \(1250\), or pass --thousands-separator ,/,
    );
    assert.match(
      problemOf(parseCurrentBalance('1 250 000')),
      /has a space, which could be a thousands separator; write the digits only \(1250000\), or pass --thousands-separator space/,
    );
    assert.match(problemOf(parseCurrentBalance("1'250")), /--thousands-separator "'"/);
  });
  it('refuses "1.000" and "12.000", which are a thousand or one depending on the locale', () => {
    assert.match(problemOf(parseCurrentBalance('1.000')), /has "\.", which could be a thousands separator or a decimal point/);
    assert.match(problemOf(parseCurrentBalance('12.000')), /could be a thousands separator/);
  });
  it('accepts the thousands separator the user names, in whole groups of three', () => {
    assert.deepEqual(parseCurrentBalance('1,250', ','), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance('1,250,000.00', ','), { ok: true, value: 1250000 });
    assert.deepEqual(parseCurrentBalance('1.250', '.'), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance('12.000', '.'), { ok: true, value: 12000 });
    assert.deepEqual(parseCurrentBalance('1 250', ' '), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance('1\u00a0250', ' '), { ok: true, value: 1250 });
    assert.deepEqual(parseCurrentBalance('1250', ','), { ok: true, value: 1250 });
  });
  it('refuses, under a named separator, groups that are not of three and another separator', () => {
    assert.match(problemOf(parseCurrentBalance('12,50', ',')), /not a whole number/);
    assert.match(problemOf(parseCurrentBalance('1.250', ',')), /grouped with "\.", not the --thousands-separator given/);
    assert.match(problemOf(parseCurrentBalance('1.250,00', '.')), /not a whole number/);
  });
  it('refuses a value too large to send exactly', () => {
    assert.match(problemOf(parseCurrentBalance('9007199254740993')), /larger than the largest balance/);
  });
  it('refuses a plus sign and stray text', () => {
    assert.match(problemOf(parseCurrentBalance('+5')), /plus sign/);
    assert.match(problemOf(parseCurrentBalance('$100')), /not a whole number written with digits/);
  });
});

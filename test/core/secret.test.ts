import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyScrubber, REDACTED } from '../../src/core/secret.js';

const KEY = 'ti_live_a1b2c3d4e5f6g7h8i9j0<&>"\'/';

/** The disguises a hostile answer could give the key, each inside some text. */
function echoes(key: string): [string, string][] {
  const bytes = Buffer.from(key);
  const entities = (radix: number, prefix: string): string =>
    [...key].map((character) => `&#${prefix}${(character.codePointAt(0) ?? 0).toString(radix)};`).join('');
  return [
    ['base64', bytes.toString('base64')],
    ['base64 without padding, URL alphabet', bytes.toString('base64url')],
    ['base64 of a Basic credential', Buffer.from(`user:${key}`).toString('base64')],
    ['base64 one byte in', Buffer.from(`x${key}yz`).toString('base64')],
    ['base64 two bytes in', Buffer.from(`xy${key}z`).toString('base64')],
    ['hex', bytes.toString('hex')],
    ['HEX', bytes.toString('hex').toUpperCase()],
    ['HTML-escaped', key.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')],
    ['decimal entities', entities(10, '')],
    ['hex entities', entities(16, 'x')],
    ['HEX entities', entities(16, 'X').toUpperCase()],
    [
      'JSON with \\u003c',
      JSON.stringify(key)
        .slice(1, -1)
        .replace(/[<>&]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ],
    ['percent-encoded', encodeURIComponent(key)],
  ];
}

describe('the key scrubbed from any text', () => {
  it('replaces its base64, hex and HTML forms, wherever they stand in the text', () => {
    const scrub = keyScrubber(KEY);
    for (const [what, form] of echoes(KEY)) {
      const scrubbed = scrub(`before ${form} after`);
      assert.ok(scrubbed.includes(REDACTED), `${what} left as it was: ${scrubbed}`);
      assert.ok(!scrubbed.includes(form), `${what} still in: ${scrubbed}`);
      assert.ok(scrubbed.startsWith('before ') && scrubbed.endsWith(' after'), `${what}: the text around it changed: ${scrubbed}`);
    }
  });

  it('finds a key of any length and character by plain search: a 40 KB key of pattern characters is no pattern', () => {
    const key = `ti_live_${'(.*+?[]{}|\\^$'.repeat(3200)}`;
    assert.ok(key.length > 40_000);
    const scrub = keyScrubber(key);
    assert.equal(scrub(`key=${key}; again ${encodeURIComponent(key)}.`), `key=${REDACTED}; again ${REDACTED}.`);
    assert.equal(scrub('nothing to see (.*)'), 'nothing to see (.*)');
  });

  it('keeps every character around a match, whatever the text holds (a character lowercase writes as two included)', () => {
    const scrub = keyScrubber(KEY);
    assert.equal(scrub(`İstanbul ${KEY.toUpperCase()} İ`), `İstanbul ${REDACTED} İ`);
    assert.equal(scrub(`${KEY}${KEY}`), `${REDACTED}${REDACTED}`);
    assert.equal(scrub('ti_live_a1b2 is only the start of it'), 'ti_live_a1b2 is only the start of it');
  });
});

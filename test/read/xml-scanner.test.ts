import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XmlError, XmlScanner, type XmlAttributes } from '../../src/read/xml-scanner.js';

/** Every event, as text, with the attributes the test asks for. */
function scan(chunks: readonly string[], wanted: readonly string[] = []): string[] {
  const events: string[] = [];
  const scanner = new XmlScanner({
    open(name: string, attributes: XmlAttributes) {
      const asked = wanted.map((attribute) => `${attribute}=${attributes.get(attribute) ?? '-'}`);
      events.push(`<${[name, ...asked].join(' ')}>`);
    },
    close: (name: string) => events.push(`</${name}>`),
    text: (text: string) => events.push(JSON.stringify(text)),
  });
  for (const chunk of chunks) scanner.write(chunk);
  scanner.end();
  return events;
}

const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="urn:main"><!-- a comment with <c> in it --><x:sheetData><x:row r="2" spans='1:2'><x:c r="A2" t="inlineStr"><x:is><x:t>a &lt; b &amp; &#233;&#x1F600;</x:t></x:is></x:c><x:c r="B2" s="3"><x:v>12.5</x:v></x:c><x:c r="C2" t="str"><x:f>"&gt;"</x:f><x:v><![CDATA[<raw & text>]]></x:v></x:c><x:c r="D2" note="a > b"/></x:row></x:sheetData></x:worksheet>`;

describe('xml scanner', () => {
  it('reports tags without their prefix, decoded text, CDATA as it is, and skips the declaration and comments', () => {
    assert.deepEqual(scan([SHEET], ['r', 't']), [
      '"\\n"',
      '<worksheet r=- t=->',
      '<sheetData r=- t=->',
      '<row r=2 t=->',
      '<c r=A2 t=inlineStr>',
      '<is r=- t=->',
      '<t r=- t=->',
      JSON.stringify('a < b & é😀'),
      '</t>',
      '</is>',
      '</c>',
      '<c r=B2 t=->',
      '<v r=- t=->',
      '"12.5"',
      '</v>',
      '</c>',
      '<c r=C2 t=str>',
      '<f r=- t=->',
      '"\\">\\""',
      '</f>',
      '<v r=- t=->',
      '"<raw & text>"',
      '</v>',
      '</c>',
      '<c r=D2 t=->',
      '</c>',
      '</row>',
      '</sheetData>',
      '</worksheet>',
    ]);
  });

  it('reads the same events whatever the place the text is cut into chunks', () => {
    const whole = scan([SHEET], ['r', 's', 't', 'note']);
    for (let cut = 1; cut < SHEET.length; cut++) {
      assert.deepEqual(scan([SHEET.slice(0, cut), SHEET.slice(cut)], ['r', 's', 't', 'note']), whole, `cut at ${cut}: ${JSON.stringify(SHEET.slice(cut - 5, cut + 5))}`);
    }
    assert.deepEqual(scan([...SHEET], ['r', 's', 't', 'note']), whole, 'one character at a time');
  });

  it('reads attributes in either quote, decoded, and all of them at once', () => {
    let all: Readonly<Record<string, string>> = {};
    let quoted: string | undefined;
    new XmlScanner({
      open(_name, attributes) {
        all = attributes.all();
        quoted = attributes.get('b');
      },
      close() {},
      text() {},
    }).write(`<e a="1 &amp; 2" b='say "hi"' r:id="rId3"/>`);
    assert.deepEqual(all, { a: '1 & 2', b: 'say "hi"', 'r:id': 'rId3' });
    assert.equal(quoted, 'say "hi"');
  });

  const damaged: [string, string, RegExp][] = [
    ['an unknown entity', '<a>&nbsp;</a>', /"&nbsp;" has an "&" that starts no known entity/],
    ['a bare ampersand', '<a>R&D</a>', /has an "&" that starts no known entity/],
    ['a document type declaration', '<!DOCTYPE a [<!ENTITY x "y">]><a/>', /document type declaration/],
    ['a close tag for another element', '<a><b></a></b>', /<\/a> closes an element that is not open/],
    ['an element left open', '<a><b></b>', /ends before <a> is closed/],
    ['a tag cut off', '<a><b r="1"', /cut short/],
    ['text cut off', '<a>some text', /cut short/],
    ['a "<" inside a tag', '<a <b>', /a "<" appears inside a tag/],
    ['a character reference to no character', '<a>&#0;</a>', /&#0; is not a character/],
  ];
  for (const [what, xml, message] of damaged) {
    it(`stops at ${what}`, () => {
      assert.throws(() => scan([xml]), (error: unknown) => error instanceof XmlError && message.test(error.message));
    });
  }
});

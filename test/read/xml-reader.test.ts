import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XmlError, XmlReader, type XmlAttributes } from '../../src/read/xml-reader.js';

/** Every event, as text, with the attributes the test asks for; pieces of text between two tags joined. */
function read(chunks: readonly string[], wanted: readonly string[] = []): string[] {
  const events: string[] = [];
  let text: string | undefined;
  const flush = (): void => {
    if (text !== undefined) events.push(JSON.stringify(text));
    text = undefined;
  };
  const reader = new XmlReader(
    {
      open(name: string, attributes: XmlAttributes) {
        flush();
        const asked = wanted.map((attribute) => `${attribute}=${attributes[attribute] ?? '-'}`);
        events.push(`<${[name, ...asked].join(' ')}>`);
      },
      close: (name: string) => {
        flush();
        events.push(`</${name}>`);
      },
      text: (piece: string) => {
        text = (text ?? '') + piece;
      },
    },
    'xl/worksheets/sheet1.xml',
  );
  for (const chunk of chunks) reader.write(chunk);
  reader.end();
  return events;
}

const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="urn:main"><!-- a comment with <c> in it --><x:sheetData><x:row r="2" spans='1:2'><x:c r="A2" t="inlineStr"><x:is><x:t>a &lt; b &amp; &#233;&#x1F600;</x:t></x:is></x:c><x:c r="B2" s="3"><x:v>12.5</x:v></x:c><x:c r="C2" t="str"><x:f>"&gt;"</x:f><x:v><![CDATA[<raw & text>]]></x:v></x:c><x:c r="D2" note="a > b"/></x:row></x:sheetData></x:worksheet>`;

describe('xml reader', () => {
  it('reports tags without their prefix, decoded text, CDATA as it is, and skips the declaration and comments', () => {
    assert.deepEqual(read([SHEET], ['r', 't']), [
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
    const whole = read([SHEET], ['r', 's', 't', 'note']);
    for (let cut = 1; cut < SHEET.length; cut++) {
      assert.deepEqual(
        read([SHEET.slice(0, cut), SHEET.slice(cut)], ['r', 's', 't', 'note']),
        whole,
        `cut at ${cut}: ${JSON.stringify(SHEET.slice(cut - 5, cut + 5))}`,
      );
    }
    assert.deepEqual(read([...SHEET], ['r', 's', 't', 'note']), whole, 'one character at a time');
  });

  it('reads attributes in either quote, decoded, by their qualified names', () => {
    let all: XmlAttributes = {};
    new XmlReader(
      {
        open(_name: string, attributes: XmlAttributes) {
          all = attributes;
        },
        close() {},
        text() {},
      },
      'xl/workbook.xml',
    ).write(`<e a="1 &amp; 2" b='say "hi"' r:id="rId3"/>`);
    assert.deepEqual({ ...all }, { a: '1 & 2', b: 'say "hi"', 'r:id': 'rId3' });
  });

  const damaged: [string, string, RegExp][] = [
    ['an unknown entity', '<a>&nbsp;</a>', /undefined entity/],
    ['a bare ampersand', '<a>R&D</a>', /unclosed tag: a/],
    ['a bare ampersand in an attribute', '<a b="R&D"/>', /unexpected end/],
    ['a document type declaration', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /document type declaration, which a workbook never has/],
    ['a close tag for another element', '<a><b></a></b>', /unexpected close tag/],
    ['an element left open', '<a><b></b>', /unclosed tag: a/],
    ['a tag cut off', '<a><b r="1"', /unclosed tag: a/],
    ['text cut off', '<a>some text', /unclosed tag: a/],
    ['a "<" inside a tag', '<a <b>', /disallowed character in attribute name/],
    ['a character reference to no character', '<a>&#0;</a>', /malformed character entity/],
    ['a control character', '<a>\u0001</a>', /disallowed character/],
    ['nothing at all', '', /document must contain a root element/],
  ];
  for (const [what, xml, message] of damaged) {
    it(`stops at ${what}`, () => {
      assert.throws(
        () => read([xml]),
        (error: unknown) => error instanceof XmlError && message.test(error.message),
      );
    });
  }
});

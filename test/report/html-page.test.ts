import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { embedJson, escapeHtml, groupDigits, renderPage } from '../../src/report/html-page.js';
import { pageScript } from '../../src/report/page-script.js';

/** The frame of plan.html and report.html, in the process; the browser tests (plan-html, report-html) show what a browser makes of it. */
describe('the HTML page frame', () => {
  it('embeds JSON that reads back the same and holds no character that could end or bend its script', () => {
    const value = {
      name: '</script><script>alert(1)</script>',
      comment: '<!-- -->',
      amp: 'a & b',
      lines: 'a\u2028b\u2029c',
      quote: '"\'',
      nested: [{ deep: '</SCRIPT >' }],
    };
    const text = embedJson(value);
    assert.deepEqual(JSON.parse(text), value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  });

  it('escapes text and attribute values', () => {
    assert.equal(escapeHtml(`<img src="x" onerror='y'> & z`), '&lt;img src=&quot;x&quot; onerror=&#39;y&#39;&gt; &amp; z');
  });

  it('groups the digits of exact decimal text of any size', () => {
    assert.equal(groupDigits('-123456789012345678901234567890'), '-123,456,789,012,345,678,901,234,567,890');
    assert.equal(groupDigits(999), '999');
    assert.equal(groupDigits('1000'), '1,000');
    assert.equal(groupDigits('n/a'), 'n/a');
  });

  it('allows by its policy exactly its own script and style, by hash, and nothing from anywhere', () => {
    const html = renderPage({ title: 'T', body: '<p>b</p>', page: 'report', data: { rows: { total: 0 }, balance: null, problems: [], verify: null } });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replaceAll('&#39;', "'") ?? '';
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.equal(policy, `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; img-src data:; base-uri 'none'; form-action 'none'`);
    assert.equal(script, pageScript('report'));
  });
});

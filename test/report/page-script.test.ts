import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageScript } from '../../src/report/page-script.js';

/** The modules a page's script carries, by the names they are required by. */
const modulesIn = (script: string): string[] =>
  [...script.matchAll(/^"(\.\/[\w-]+\.js)": function \(module, exports, require\) \{$/gm)].map((match) => match[1] as string).sort();

/**
 * The pages' script as the pages embed it, read from what the build
 * compiled (dist/page/); the browser tests (plan-html, report-html,
 * plan-warnings) show what Chromium makes of it.
 */
describe('the script of plan.html and report.html', () => {
  it('carries each page its entry and the modules that entry requires, nothing else', () => {
    assert.deepEqual(modulesIn(pageScript('plan')), ['./plan-rows.js', './plan-warnings.js', './plan.js', './runtime.js']);
    assert.deepEqual(modulesIn(pageScript('report')), ['./report.js', './runtime.js']);
  });

  it('is one script JavaScript parses, which requires nothing it does not carry and runs its own entry', () => {
    for (const page of ['plan', 'report'] as const) {
      const script = pageScript(page);
      // Parsed, not run: the Function constructor compiles its body without calling it.
      assert.doesNotThrow(() => new Function(script), page);
      const required = new Set([...script.matchAll(/\brequire\("(\.\/[\w-]+\.js)"\)/g)].map((match) => match[1]));
      assert.deepEqual(
        [...required].filter((name) => !modulesIn(script).includes(name as string)),
        [],
        page,
      );
      assert.ok(script.endsWith(`}, "./${page}.js");\n`), page);
      assert.doesNotMatch(script, /<\/script|<!--/i, page);
      assert.doesNotMatch(script, /\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write/, page);
    }
  });
});

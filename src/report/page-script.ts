import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PageData } from './page/data.js';

/**
 * The script a page embeds. The pages' script is TypeScript of its own
 * (src/report/page/, typed against the DOM), which `npm run build` compiles
 * through tsconfig.page.json into dist/page/ as CommonJS modules, one file
 * each; the installed package carries them ("files" in package.json). Here
 * the page's entry (page/plan.ts, page/report.ts) and the modules it
 * requires are read from there, each wrapped in a function, and handed to a
 * loader that runs the entry: one inline script that loads nothing, reads
 * nothing global and leaves nothing behind.
 */

export type PageName = keyof PageData;

/** Where the build writes the pages' modules, from dist/src/report/. */
const COMPILED = new URL('../../page/', import.meta.url);

/** How tsgo's CommonJS output requires a sibling module. */
const REQUIRE = /\brequire\("(\.\/[\w-]+\.js)"\)/g;

type ModuleBody = (module: { exports: object }, exports: object, require: (name: string) => object) => void;

/**
 * The loader, as the browser runs it: the page embeds this function's own
 * source text (as tsgo emitted it), so that it is typed and linted like the
 * rest. Each module runs once, on its first require, as CommonJS does.
 */
function runModules(modules: Readonly<Record<string, ModuleBody>>, entry: string): void {
  const loaded = new Map<string, { exports: object }>();
  const require = (name: string): object => {
    let module = loaded.get(name);
    if (module === undefined) {
      const body = Object.hasOwn(modules, name) ? modules[name] : undefined;
      if (body === undefined) throw new Error(`the page's script has no module ${name}`);
      module = { exports: {} };
      loaded.set(name, module);
      body(module, module.exports, require);
    }
    return module.exports;
  };
  require(entry);
}

/** A compiled module's text; a missing one is a build or an install without the pages' script. */
function readModule(name: string): string {
  const url = new URL(name, COMPILED);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (error) {
    throw new Error(
      `The pages' script is not built: ${fileURLToPath(url)} cannot be read (npm run build compiles src/report/page/ through tsconfig.page.json).`,
      { cause: error },
    );
  }
  // The script is inline in the page, where the HTML parser would end it at `</script` and read `<!--` in it specially.
  if (/<\/script|<!--/i.test(text)) throw new Error(`${fileURLToPath(url)} holds </script or <!--, which would break out of the page's inline script.`);
  return text;
}

/** The page's entry and every module it requires, by the names they are required by. */
function modulesOf(entry: string): Map<string, string> {
  const modules = new Map<string, string>();
  const visit = (name: string): void => {
    if (modules.has(name)) return;
    const text = readModule(name);
    modules.set(name, text);
    for (const [, required] of text.matchAll(REQUIRE)) visit(required as string);
  };
  visit(entry);
  return modules;
}

const scripts = new Map<PageName, string>();

/** The inline script of a page, read from the build once per process. */
export function pageScript(page: PageName): string {
  let script = scripts.get(page);
  if (script === undefined) {
    const entry = `./${page}.js`;
    const bodies = [...modulesOf(entry)].map(([name, text]) => `${JSON.stringify(name)}: function (module, exports, require) {\n${text}\n}`);
    script = `\n'use strict';\n(${runModules.toString()})({\n${bodies.join(',\n')}\n}, ${JSON.stringify(entry)});\n`;
    scripts.set(page, script);
  }
  return script;
}

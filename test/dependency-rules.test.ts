import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Runs `npm run check:deps`'s command on a tree of `files`, as the project's own config sees it. */
async function checkDeps(files: Readonly<Record<string, string>>): Promise<{ ok: boolean; output: string }> {
  const dir = await tempDir();
  await writeFile(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "module": "nodenext" } }');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  try {
    // NO_COLOR: with CI set (as .ci/run has it), depcruise's colours would come between the words the tests match.
    const { stdout } = await run(join(ROOT, 'node_modules/.bin/depcruise'), ['--config', join(ROOT, '.dependency-cruiser.cjs'), 'src'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: (error as { stdout: string }).stdout };
  }
}

describe('npm run check:deps', () => {
  it('passes imports that point down the floors', async () => {
    const result = await checkDeps({
      'src/core/a.ts': 'export type A = number;\n',
      'src/send/b.ts': "import type { A } from '../core/a.js';\nexport const b: A = 1;\n",
      'src/pipeline/c.ts': "import { b } from '../send/b.js';\nexport const c = b;\n",
    });
    assert.ok(result.ok, result.output);
  });

  it('fails an import from a higher floor, a type-only one included', async () => {
    const result = await checkDeps({
      'src/report/outcome.ts': 'export type Outcome = string;\n',
      'src/send/b.ts': "import type { Outcome } from '../report/outcome.js';\nexport type B = Outcome;\n",
    });
    assert.equal(result.ok, false);
    assert.match(result.output, /send-imports-only-core-send: src\/send\/b\.ts → src\/report\/outcome\.ts/);
  });

  it("fails the pages' script importing Node or anything outside src/report/page/, and a value imported from it", async () => {
    const result = await checkDeps({
      'src/core/a.ts': 'export type A = number;\n',
      'src/report/page/data.ts': 'export interface Data { readonly a: number }\n',
      'src/report/page/runtime.ts':
        "import { readFileSync } from 'node:fs';\nimport type { A } from '../../core/a.js';\nimport type { Data } from './data.js';\nexport const read = (data: Data): A => readFileSync(String(data.a)).length;\n",
      'src/report/html-page.ts':
        "import type { Data } from './page/data.js';\nimport { read } from './page/runtime.js';\nexport const page = (data: Data): number => read(data);\n",
    });
    assert.equal(result.ok, false);
    assert.match(result.output, /page-imports-only-page: src\/report\/page\/runtime\.ts → (node:)?fs\n/);
    assert.match(result.output, /page-imports-only-page: src\/report\/page\/runtime\.ts → src\/core\/a\.ts/);
    assert.match(result.output, /only-types-from-page: src\/report\/html-page\.ts → src\/report\/page\/runtime\.ts/);
    assert.doesNotMatch(result.output, /data\.ts/, 'types within the page, and imported from it, pass');
  });

  it('fails an import cycle within a floor', async () => {
    const result = await checkDeps({
      'src/report/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/report/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    assert.equal(result.ok, false);
    assert.match(result.output, /no-circular/);
  });
});

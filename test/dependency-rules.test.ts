import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, it } from 'node:test';
import { cruise, format, type ICruiseOptions } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = await extractDepcruiseConfig(join(ROOT, '.dependency-cruiser.cjs'));

/**
 * What `npm run check:deps` says of the folders `paths` of `dir`, with the
 * project's own rules. dependency-cruiser runs in this process: started as a
 * command, it took 1.5 CPU-seconds to load for each tree.
 */
async function checkDeps(dir: string, paths: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const options: ICruiseOptions = { ...CONFIG.options, ruleSet: { forbidden: CONFIG.forbidden ?? [] }, validate: true, baseDir: dir };
  const result = await cruise([...paths], options, {}, { tsConfig: extractTSConfig(join(dir, 'tsconfig.json')) });
  assert.ok(typeof result.output !== 'string', 'no output type was asked for: the result comes as it is');
  const { output, exitCode } = await format(result.output, { outputType: 'err' });
  // Without colours, which dependency-cruiser puts between the words the tests match when CI is set (as CI services set it).
  return { ok: exitCode === 0, output: stripVTControlCharacters(String(output)) };
}

/** checkDeps on a tree of `files`. */
async function checkTree(files: Readonly<Record<string, string>>): Promise<{ ok: boolean; output: string }> {
  const dir = await tempDir();
  await writeFile(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "module": "nodenext" } }');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return checkDeps(dir, ['src']);
}

describe('npm run check:deps', () => {
  // npm test runs this in place of the command: one load of dependency-cruiser for every tree.
  it('finds no import against the direction, nor a cycle, in this tree', async () => {
    // The folders the script names after its options: `depcruise --config <file> <folder>...`.
    const script = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['check:deps'] ?? '';
    const folders = script.split(' ').slice(3);
    assert.deepEqual(folders, ['src', 'test', 'bench', 'scripts']);
    const result = await checkDeps(ROOT, folders);
    assert.ok(result.ok, result.output);
    assert.match(result.output, /no dependency violations found \(\d{3,} modules/);
  });

  it('passes imports that point down the floors', async () => {
    const result = await checkTree({
      'src/core/a.ts': 'export type A = number;\n',
      'src/send/b.ts': "import type { A } from '../core/a.js';\nexport const b: A = 1;\n",
      'src/pipeline/c.ts': "import { b } from '../send/b.js';\nexport const c = b;\n",
    });
    assert.ok(result.ok, result.output);
  });

  it('fails an import from a higher floor, a type-only one included', async () => {
    const result = await checkTree({
      'src/report/outcome.ts': 'export type Outcome = string;\n',
      'src/send/b.ts': "import type { Outcome } from '../report/outcome.js';\nexport type B = Outcome;\n",
    });
    assert.equal(result.ok, false);
    assert.match(result.output, /send-imports-only-core-send: src\/send\/b\.ts → src\/report\/outcome\.ts/);
  });

  it("fails the pages' script importing Node or anything outside src/report/page/, and a value imported from it", async () => {
    const result = await checkTree({
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
    const result = await checkTree({
      'src/report/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/report/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    assert.equal(result.ok, false);
    assert.match(result.output, /no-circular/);
  });
});

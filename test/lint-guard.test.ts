import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const eslint = new ESLint({ cwd: ROOT });

/** What ESLint, with the project's own config, reports for `text` as the file at `path`: each rule and its message. */
async function lint(path: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'fatal'}: ${message.message}`);
}

const CONSTRUCTS =
  "import { ApiError, TiError } from '../core/errors.js';\nexport const a = new TiError('invalid', 'x');\nexport const b = new ApiError('rejected', 'y');\n";

describe('npm run lint: every error from a catalogue of words, with a code', () => {
  it('refuses a TiError or an ApiError constructed anywhere in src/ but src/core/', async () => {
    for (const path of [
      'src/cli/commands/a-new-command.ts',
      'src/cli/flags/a-new-flag.ts',
      'src/pipeline/a-new-stage.ts',
      'src/read/a-new-reader.ts',
      'src/validate/a-new-rule.ts',
      'src/send/a-new-answer.ts',
      'src/report/a-new-file.ts',
      'src/mock/a-new-route.ts',
    ]) {
      const found = await lint(path, CONSTRUCTS);
      assert.equal(found.length, 2, `${path}: ${found.join('\n')}`);
      for (const message of found)
        assert.match(message, /^no-restricted-syntax: Say an error from a catalogue of words, with its code: throw failure\(CATALOGUE, "TIC-…", facts\)/);
    }
  });

  it('lets src/core/ construct them (failure() does), and a failure() anywhere', async () => {
    assert.deepEqual(await lint('src/core/a-new-kind.ts', CONSTRUCTS.replaceAll('../core/', './')), []);
    const said =
      "import { failure } from '../core/words.js';\nimport { OPTION_WORDS } from '../core/words/options.js';\nexport const a = failure(OPTION_WORDS, 'TIC-NO-FILE', { sends: false });\n";
    assert.deepEqual(await lint('src/cli/a-new-command.ts', said), []);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { tempDir } from './helpers.js';

const RUNNER = fileURLToPath(new URL('../scripts/run-tests.js', import.meta.url));

/** Runs scripts/run-tests.js over `files` (plain ES modules) written to a new folder. */
async function runTests(files: Readonly<Record<string, string>>, args: readonly string[] = []): Promise<{ code: number; output: string; dir: string }> {
  const dir = await tempDir();
  await mkdir(join(dir, 'tests'));
  const check = 'node -e "console.log(\'what the check found\'); process.exit(2)"';
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', scripts: { 'failing-check': check } }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'tests', name), text);
  return new Promise((resolve) => {
    execFile(process.execPath, [RUNNER, ...args, join(dir, 'tests')], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), output: stdout + stderr, dir });
    });
  });
}

/** A test file that appends `<name> <event>` to events.txt in the working folder as it runs. */
const recording = (name: string, body = ''): string => `
import { appendFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
const note = (event) => appendFileSync('events.txt', '${name} ' + event + '\\n');
note('loaded');
after(async () => { await new Promise((resolve) => setTimeout(resolve, 50)); note('after'); });
describe('${name}', () => {
  it('one', async () => { await new Promise((resolve) => setTimeout(resolve, 20)); note('one'); });
  it('two', () => note('two'));
  ${body}
});
`;

describe('npm test’s runner (scripts/run-tests.ts)', () => {
  it("runs files sharing a process one after another, each file's root after hook before the next file is loaded", async () => {
    const files = Object.fromEntries(['a', 'b', 'c'].map((name) => [`${name}.test.js`, recording(name)]));
    const run = await runTests(files, ['--workers', '1']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /\n6 passed, 0 failed \(\d+ s\)\n$/);
    const events = (await readFile(join(run.dir, 'events.txt'), 'utf8')).trim().split('\n');
    const byFile = ['a', 'b', 'c'].map((name) => events.filter((event) => event.startsWith(`${name} `)));
    for (const ofFile of byFile)
      assert.deepEqual(
        ofFile.map((event) => event.split(' ')[1]),
        ['loaded', 'one', 'two', 'after'],
      );
    // Each file's four events together: nothing of one file ran while another's were under way.
    for (let index = 0; index < events.length; index += 4)
      assert.equal(new Set(events.slice(index, index + 4).map((event) => event.split(' ')[0])).size, 1, events.join('\n'));
  });

  it('counts a failing test, a file that cannot be loaded, a file whose process exits, and a failing check; the files after them still run', async () => {
    const run = await runTests(
      {
        'a-fails.test.js': recording('a', "it('three', () => { throw new Error('the third fails'); });"),
        'b-broken.test.js': "import { it } from 'node:test';\nthrow new Error('broken at load');\n",
        // The largest file is taken first: this one is, so the files after it are left to a process that takes its worker's place.
        'c-exits.test.js': `// ${'-'.repeat(4000)}\nimport { it } from 'node:test';\nit('exits', () => process.exit(3));\n`,
        'd.test.js': recording('d'),
        'e.test.js': recording('e'),
      },
      ['--workers', '1', '--check', 'failing-check'],
    );
    assert.equal(run.code, 1);
    assert.match(run.output, /FAIL a › three[\s\S]*the third fails/);
    assert.match(run.output, /FAIL tests\/b-broken\.test\.js could not be loaded:[\s\S]*broken at load/);
    assert.match(run.output, /FAIL tests\/c-exits\.test\.js: its process ended \(code 3\) before its tests did/);
    assert.match(run.output, /FAIL npm run failing-check \(code 2\):\nwhat the check found\n/);
    const events = await readFile(join(run.dir, 'events.txt'), 'utf8');
    assert.match(events, /^d after$/m, 'a file after the one that exited ran, in a process of its own');
    assert.match(events, /^e after$/m);
    assert.match(run.output, /\n6 passed, 4 failed \(\d+ s\)\n$/);
  });
});

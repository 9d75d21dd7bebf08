import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startMockApi, type MockApi } from '../src/mock/server.js';
import { CreditBatchStore, loadSeed } from '../src/mock/store.js';
import { cli, tempDir } from './helpers.js';
import { inTerminal } from './pty.js';

/**
 * The README's walkthrough, run as it is written (issue 24): its commands
 * are read from its fenced blocks, in order, and run from an empty folder
 * against the sample instance (`ti-credits mock --sample`), its `changes.csv`
 * written as its `csv changes.csv` block gives it; every line of output the
 * README shows must be one the command printed (times aside).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the README says the mock listens. */
const README_ORIGIN = 'http://127.0.0.1:4010';

type Step =
  | { readonly kind: 'command'; readonly line: string; readonly shown: readonly string[] }
  | { readonly kind: 'file'; readonly name: string; readonly text: string };

/** The steps of the section "A walkthrough, captured": each `$` line of a console block with the output shown under it, each csv block named after its file. */
export function walkthroughSteps(readme: string): Step[] {
  const start = readme.indexOf('### A walkthrough, captured');
  const end = readme.indexOf('\n## ', start);
  assert.ok(start >= 0 && end > start, 'the README has its walkthrough');
  const steps: Step[] = [];
  for (const block of readme.slice(start, end).matchAll(/^```(console|csv)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const [, language, info, body = ''] = block;
    if (language === 'csv') {
      steps.push({ kind: 'file', name: (info ?? '').trim(), text: body });
      continue;
    }
    let current: { line: string; shown: string[] } | undefined;
    for (const line of body.split('\n')) {
      if (line.startsWith('$ ')) {
        current = { line: line.slice(2), shown: [] };
        steps.push({ kind: 'command', ...current });
      } else if (current !== undefined && line.trim() !== '') current.shown.push(line);
    }
  }
  return steps;
}

/** A line as compared: a duration, a run folder's time and what follows the question are left out. */
function normal(line: string): string {
  return (
    line
      .replace(/\b\d+(\.\d+)? s\b/g, 'N s')
      // Two runs of one file in the same second get folders -2, -3… apart: the name is the time and the file's, whichever.
      .replace(/reports\/\d{8}T\d{6}Z-([\w.-]+?)(-\d+)?\//g, 'reports/TIME-$1/')
      .replace(/(\[y\/N\]).*$/, '$1')
      .trimEnd()
  );
}

let mock: MockApi;

describe("the README's walkthrough", () => {
  before(async () => {
    mock = await startMockApi({ store: new CreditBatchStore(await loadSeed(join(ROOT, 'fixtures', 'sample-seed.json'))) });
  });
  after(() => mock.close());

  it('runs as written, in order, from an empty folder, printing what the README shows', async () => {
    const steps = walkthroughSteps(await readFile(join(ROOT, 'README.md'), 'utf8'));
    assert.deepEqual(
      steps.map((step) => (step.kind === 'file' ? `file ${step.name}` : step.line.split(' ').slice(0, 2).join(' '))),
      [
        'export TI_BASE_URL=http://127.0.0.1:4010',
        'ti-credits clients',
        'ti-credits snapshot',
        'file changes.csv',
        'ti-credits validate',
        'ti-credits apply',
        'ti-credits apply',
        'ti-credits verify',
        'ti-credits apply',
      ],
    );
    const dir = await tempDir();
    const env: Record<string, string> = {};
    for (const step of steps) {
      if (step.kind === 'file') {
        await writeFile(join(dir, step.name), step.text);
        continue;
      }
      const [program, ...args] = step.line.split(' ');
      if (program === 'export') {
        for (const assignment of args) {
          const [name = '', value = ''] = assignment.split('=');
          env[name] = value === README_ORIGIN ? mock.origin : value;
        }
        continue;
      }
      assert.equal(program, 'ti-credits', step.line);
      // A command the README answers at the question is run at a terminal, the answer typed.
      const asks = step.shown.some((line) => line.includes('[y/N] y'));
      const { code, output } = asks
        ? await inTerminal(args, dir, { typeAhead: 'y\n', env }).then((run) => ({
            code: run.code,
            output: stripVTControlCharacters(run.output).replace(/\r/g, ''),
          }))
        : await cli(args, { cwd: dir, env }).then((run) => ({ code: run.code, output: run.stderr + run.stdout }));
      assert.equal(code, 0, `${step.line}\n${output}`);
      const printed = new Set(output.replaceAll(mock.origin, README_ORIGIN).split('\n').map(normal));
      for (const line of step.shown.filter((shown) => !shown.includes('…')))
        assert.ok(printed.has(normal(line)), `${step.line} printed no line\n  ${line}\nbut:\n${output}`);
    }
    assert.equal(mock.store.get('6513270e-269e-4d37-b2a7-4de452e6b438')?.currentBalance, 1000, 'the walkthrough ends with its change undone');
    assert.equal(mock.requests.filter((request) => request.method === 'PUT').length, 6);
  });
});

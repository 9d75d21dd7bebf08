import { writeFileSync } from 'node:fs';
import { inspect } from 'node:util';

/**
 * `npm test`'s reporter: nothing for a test that passes, everything about one
 * that fails (its place among the suites, its error, what it wrote), and one
 * line at the end: `N passed, N failed`. node:test's TAP reporter printed
 * about 4,000 lines for a green run, and no verdict a person could read.
 *
 * In a worker of run-tests.ts, the totals go to the file the runner names in
 * TI_CREDITS_TEST_COUNTS, and the runner prints the one line for all of them.
 */

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The name of the test run-tests.ts adds after each file's to learn they have ended: not one of the suite's. */
export const FILE_DONE = '\u0000run-tests: the tests of the file before have ended';

interface TestEvent {
  readonly type: string;
  readonly data: {
    readonly name?: string;
    readonly nesting?: number;
    readonly file?: string;
    readonly message?: string;
    readonly skip?: boolean | string;
    readonly todo?: boolean | string;
    readonly details?: { readonly type?: string; readonly error?: unknown; readonly duration_ms?: number };
  };
}

export default async function* reporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const started = performance.now();
  /** The names of the suites a test is in, by nesting level, as they start. */
  const path: string[] = [];
  for await (const event of source) {
    const { data } = event;
    switch (event.type) {
      case 'test:start':
        path[data.nesting ?? 0] = data.name ?? '';
        path.length = (data.nesting ?? 0) + 1;
        break;
      case 'test:pass':
        if (data.details?.type === 'suite' || data.name === FILE_DONE) break;
        if ((data.skip ?? false) !== false || (data.todo ?? false) !== false) skipped++;
        else passed++;
        break;
      case 'test:fail': {
        // A suite fails when one of its tests did: counted and told once, with that test.
        if (data.details?.type === 'suite') break;
        failed++;
        const where = [...path.slice(0, data.nesting ?? 0), data.name ?? ''].filter((name) => name !== '').join(' › ');
        yield `\nFAIL ${where}${data.file === undefined ? '' : `\n  ${data.file}`}\n${indent(inspect(data.details?.error, { depth: 6 }))}\n`;
        break;
      }
      case 'test:stderr':
      case 'test:stdout':
        // What a test file writes outside a test (a crash, a warning) is shown: it may explain a failure.
        if (data.message !== undefined && data.message.trim() !== '') yield data.message;
        break;
      case 'test:diagnostic':
        // node:test's own totals; the line below replaces them.
        break;
    }
  }
  const countsFile = process.env.TI_CREDITS_TEST_COUNTS;
  if (countsFile !== undefined) {
    writeFileSync(countsFile, JSON.stringify({ passed, failed, skipped } satisfies Counts));
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  yield `\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''} (${seconds} s)\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

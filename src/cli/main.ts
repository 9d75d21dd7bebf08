#!/usr/bin/env node
import { runCli } from './program.js';

/**
 * The entry point: the only place that touches process signals and exits the
 * process. The first Ctrl-C (or SIGTERM) stops the run: no new request, the
 * ones in flight answered and recorded. The second stops waiting for them:
 * they are abandoned, left in flight for a resume to settle, and the run ends
 * at once, its summary, undo.csv and resume command written all the same.
 * Only a third quits on the spot.
 */
const shutdown = new AbortController();
const hardStop = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++;
    if (interrupts === 1) shutdown.abort();
    // Every finished row is already in the report: rows are written as they finish.
    else if (interrupts === 2) hardStop.abort();
    else process.exit(130);
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  shutdown: shutdown.signal,
  hardStop: hardStop.signal,
  terminal: process.stdin.isTTY && process.stderr.isTTY ? { input: process.stdin, output: process.stderr } : undefined,
  stdin: process.stdin,
});
// Let stdout drain when it is a pipe, then exit even if a kept-alive socket lingers.
process.stdout.write('', () => process.exit(code));

#!/usr/bin/env node
import { runCli } from './program.js';

/** The entry point: the only place that touches process signals and exits the process. */
const shutdown = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++;
    if (interrupts === 1) {
      shutdown.abort();
    } else {
      // Every finished row is already in the report: rows are written as they finish.
      process.exit(130);
    }
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  shutdown: shutdown.signal,
  terminal: process.stdin.isTTY && process.stderr.isTTY ? { input: process.stdin, output: process.stderr } : undefined,
});
// Let stdout drain when it is a pipe, then exit even if a kept-alive socket lingers.
process.stdout.write('', () => process.exit(code));

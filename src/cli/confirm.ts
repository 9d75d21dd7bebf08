import { createInterface } from 'node:readline/promises';
import type { Terminal } from './io.js';

/**
 * Asks a yes/no question on the terminal; only "y" or "yes" is a yes. The
 * terminal stays in its ordinary line mode, so Ctrl-C stops the process as
 * anywhere else (and, through `signal`, counts as no).
 */
export async function askYesNo(terminal: Terminal, question: string, signal: AbortSignal): Promise<boolean> {
  return /^\s*y(es)?\s*$/i.test((await askLine(terminal, question, signal)) ?? '');
}

/** Asks for one line on the terminal; undefined when none comes (Ctrl-D, Ctrl-C). */
export async function askLine(terminal: Terminal, question: string, signal: AbortSignal): Promise<string | undefined> {
  const lines = createInterface({ input: terminal.input, output: terminal.output, terminal: false });
  try {
    terminal.output.write(question);
    // Input that ends (Ctrl-D) is no answer.
    const closed = new Promise<undefined>((resolve) => lines.once('close', () => resolve(undefined)));
    return await Promise.race([lines.question('', { signal }), closed]);
  } catch {
    return undefined;
  } finally {
    lines.close();
  }
}

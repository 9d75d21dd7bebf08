import { createInterface } from 'node:readline/promises';
import type { Terminal } from './io.js';

/**
 * Asks a yes/no question on the terminal; only "y" or "yes" is a yes. The
 * terminal stays in its ordinary line mode, so Ctrl-C stops the process as
 * anywhere else (and, through `signal`, counts as no).
 */
export async function askYesNo(terminal: Terminal, question: string, signal: AbortSignal): Promise<boolean> {
  const lines = createInterface({ input: terminal.input, output: terminal.output, terminal: false });
  try {
    terminal.output.write(question);
    // Input that ends (Ctrl-D) is no answer, and no answer is a no.
    const closed = new Promise<string>((resolve) => lines.once('close', () => resolve('')));
    const answer = await Promise.race([lines.question('', { signal }), closed]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    return false;
  } finally {
    lines.close();
  }
}

import type { Terminal } from './io.js';

/** Most a key typed or piped may be: a key is short. */
export const MAX_KEY_INPUT = 64 * 1024;

/**
 * Reads a secret typed at the terminal without echoing it: the terminal is
 * put in raw mode for the one line, and given back as it was, however the
 * line ends. Enter ends it; Ctrl-C, Ctrl-D on an empty line or `signal`
 * give undefined; Backspace and Ctrl-U edit it. Undefined, too, where the
 * terminal cannot turn its echo off.
 */
export function askSecret(terminal: Terminal, question: string, signal: AbortSignal): Promise<string | undefined> {
  const input = terminal.input as NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown; isRaw?: boolean };
  if (typeof input.setRawMode !== 'function' || signal.aborted) return Promise.resolve(undefined);
  const wasRaw = input.isRaw === true;
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | undefined): void => {
      input.removeListener('data', onData);
      signal.removeEventListener('abort', onAbort);
      input.setRawMode?.(wasRaw);
      input.pause();
      terminal.output.write('\n');
      resolve(value);
    };
    const onAbort = (): void => finish(undefined);
    function onData(chunk: Buffer | string): void {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n') return finish(typed);
        if (character === '\x03' || (character === '\x04' && typed === '')) return finish(undefined);
        if (character === '\x7f' || character === '\b') typed = typed.slice(0, -1);
        else if (character === '\x15') typed = '';
        else if (character >= ' ' && typed.length < MAX_KEY_INPUT) typed += character;
      }
    }
    // Echo off and listening before the question shows: a key typed as soon as it appears is neither echoed nor lost.
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
    signal.addEventListener('abort', onAbort, { once: true });
    terminal.output.write(question);
  });
}

/** What is piped to standard input, up to MAX_KEY_INPUT characters; undefined when there is more. */
export async function readPiped(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.length > MAX_KEY_INPUT) return undefined;
  }
  return text;
}

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KEY } from './helpers.js';

/**
 * The real command in a pseudo-terminal, through util-linux's `script` (part
 * of Debian's essential bsdutils): stdin and stderr are TTYs there, as for a
 * person at a terminal, so the plan is asked about and the bar is drawn.
 */

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const shellWord = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/** The environment of the machine running the tests, less what decides colour: each test sets that itself. */
function plainEnv(): Record<string, string | undefined> {
  const { NO_COLOR, FORCE_COLOR, NODE_DISABLE_COLORS, CI, ...rest } = process.env;
  return { ...rest, TI_API_KEY: KEY, TERM: 'xterm-256color' };
}

/** Something the person at the terminal does once the output so far matches `when`: the text it returns is typed. */
export interface Cue {
  readonly when: RegExp;
  readonly then: () => string | Promise<string>;
}

export interface TerminalSession {
  /** Typed at once, before anything is printed: the terminal holds the line until the question reads it. */
  readonly typeAhead?: string;
  readonly env?: Record<string, string>;
  /** Each acted on once, in order: the next is watched for only once the one before has been acted on. */
  readonly cues?: readonly Cue[];
  readonly columns?: number;
}

/** Ctrl-C as a keyboard types it: the terminal turns it into SIGINT for the command. */
export const CTRL_C = '\x03';

export function inTerminal(args: readonly string[], cwd: string, session: TerminalSession = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = `stty cols ${session.columns ?? 120} rows 24; ${[process.execPath, MAIN, ...args].map(shellWord).join(' ')}`;
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd,
      env: { ...plainEnv(), ...session.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const cues = [...(session.cues ?? [])];
    let acting = false;
    const act = (): void => {
      const cue = cues[0];
      if (acting || cue === undefined || !cue.when.test(output)) return;
      acting = true;
      cues.shift();
      void Promise.resolve(cue.then()).then(
        (typed) => {
          child.stdin.write(typed);
          acting = false;
          act();
        },
        (error: unknown) => {
          child.kill();
          reject(error as Error);
        },
      );
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      act();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    // stdin stays open, as a keyboard does.
    if (session.typeAhead !== undefined) child.stdin.write(session.typeAhead);
    child.on('close', (code) => resolve({ code, output }));
  });
}

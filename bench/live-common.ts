import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MOCK_API_KEY } from '../src/mock/server.js';
import type { Summary } from '../src/report/summary.js';
import { CLI, readSummary, runNode } from './common.js';

/** What bench/live.ts and bench/scale.ts share: a mock of generated batches in a process of its own, an input of them, the CLI against it. */
const MOCK = fileURLToPath(new URL('./live-mock.js', import.meta.url));

export interface Batch {
  readonly client: string;
  readonly id: string;
  readonly account: string;
}

export interface LiveMock {
  readonly origin: string;
  readonly batches: readonly Batch[];
  /** When (Date.now()) the first PUT arrived; undefined before one has. */
  firstPut(): number | undefined;
  stop(): void;
}

export async function liveMock(clients: number, perClient: number, perPage: number, rate = 0, burst = 20, accounts = 1): Promise<LiveMock> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=8192', MOCK, String(clients), String(perClient), String(perPage), String(rate), String(burst), String(accounts)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const batches: Batch[] = [];
  let firstPut: number | undefined;
  let origin = '';
  let rest = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the mock exited with ${code}`)));
    child.stdout.on('data', (data: Buffer) => {
      const lines = (rest + data.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('listening on ')) origin = line.slice('listening on '.length);
        else if (line.startsWith('first-put ')) firstPut = Number(line.slice('first-put '.length));
        else if (line === 'seeded') resolve();
        else {
          const [client = '', id = '', account = ''] = line.split(',');
          batches.push({ client, id, account });
        }
      }
    });
  });
  return { origin, batches, firstPut: () => firstPut, stop: () => child.kill('SIGINT') };
}

/** A CSV setting a new balance on `rows` of the batches, in an order shuffled by a fixed seed; with `accounts`, a creditAccountId column, and deltas. */
export async function writeInput(path: string, batches: readonly Batch[], rows: number, accounts = false): Promise<void> {
  const order = batches.slice(0, rows).map((batch, index) => ({ batch, key: Math.sin(index + 1) }));
  order.sort((a, b) => a.key - b.key);
  const out = createWriteStream(path);
  out.write(accounts ? 'id,clientId,creditAccountId,currentBalanceDelta\n' : 'id,clientId,currentBalance\n');
  const line = (batch: Batch, index: number): string =>
    accounts ? `${batch.id},${batch.client},${batch.account},${1 + (index % 9)}` : `${batch.id},${batch.client},${5000 + (index % 997)}`;
  for (let at = 0; at < order.length; at += 10_000) {
    if (
      !out.write(
        `${order
          .slice(at, at + 10_000)
          .map(({ batch }, index) => line(batch, at + index))
          .join('\n')}\n`,
      )
    )
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * The CLI run as a user runs it, at Node's default heap limit; `cliPath`:
 * another build's, to compare with; `exits`: the codes that mean it did its
 * work (`plan` ends with 1 when the plan it saved changes something).
 */
export async function cli(
  args: readonly string[],
  out: string,
  options: { readonly cliPath?: string | undefined; readonly exits?: readonly number[] } = {},
): Promise<Summary> {
  const child = await runNode([options.cliPath ?? CLI, ...args, '--out', out], { ...process.env, TI_API_KEY: MOCK_API_KEY });
  if (!(options.exits ?? [0]).includes(child.code ?? -1)) throw new Error(`ti-credits ${args[0]} exited ${child.code}:\n${child.stderr}\n${child.stdout}`);
  return readSummary(out);
}

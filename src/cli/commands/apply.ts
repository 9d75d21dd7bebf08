import { runPipeline } from '../../pipeline/run.js';
import type { CliIo } from '../io.js';
import { formatSendingStart, STOPPING } from '../messages.js';
import { resolveApplyOptions } from '../options.js';
import { finishRun } from './run-command.js';

export async function applyCommand(argv: Readonly<Record<string, unknown>>, io: CliIo): Promise<number> {
  const options = await resolveApplyOptions(argv, io.env, new Date());
  const send = options.send;
  const sayStopping = (): void => void io.stderr.write(STOPPING);
  io.shutdown.addEventListener('abort', sayStopping, { once: true });
  try {
    const result = await runPipeline(options, {
      cwd: io.cwd,
      shutdown: io.shutdown,
      onSendStart: (rows) => {
        if (send !== undefined) io.stderr.write(formatSendingStart(rows, send.target.origin, send.ratePerMinute));
      },
    });
    return finishRun(result, argv.json === true, io);
  } finally {
    io.shutdown.removeEventListener('abort', sayStopping);
  }
}

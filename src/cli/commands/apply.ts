import { TiError } from '../../core/errors.js';
import { keyScrubber } from '../../core/secret.js';
import { isDryRun } from '../../pipeline/mode.js';
import { runFile } from '../../pipeline/run.js';
import { keyKind } from '../../send/api-target.js';
import type { ConfigFile } from '../config-file.js';
import { askYesNo } from '../confirm.js';
import type { CliIo } from '../io.js';
import { CONFIRM_QUESTION, formatPlan, STOPPING } from '../messages.js';
import { resolveApplyOptions, resolveOperatorOptions } from '../options.js';
import { createProgressDisplay } from '../progress-display.js';
import { EXIT } from '../exit-codes.js';
import { finishRun } from './run-command.js';
import { runVerify } from './verify.js';

export async function applyCommand(argv: Readonly<Record<string, unknown>>, given: CliIo, config: ConfigFile | undefined, typed: ReadonlySet<string>): Promise<number> {
  const { mode, options } = await resolveApplyOptions(argv, given.env, new Date(), { cwd: given.cwd, typed, fromConfig: config?.target });
  const dryRun = isDryRun(mode);
  // Whatever the API said reaches stdout and stderr through here, the key scrubbed from it in every form.
  const scrub = keyScrubber(options.send?.target.apiKey ?? '');
  const io: CliIo = { ...given, stdout: { write: (text) => given.stdout.write(scrub(text)) }, stderr: { write: (text) => given.stderr.write(scrub(text)) } };
  const operator = resolveOperatorOptions(argv, io.env, io.terminal);
  const send = options.send;
  const display = operator.quiet || dryRun ? undefined : createProgressDisplay(io, { intervalMs: operator.progressIntervalMs, color: operator.color });
  let asking = false;
  // At the question nothing is in flight: the line is ended, and the summary says nothing was sent.
  const sayStopping = (): void => void (asking ? io.stderr.write('\n') : display === undefined ? io.stderr.write(STOPPING) : display.note(STOPPING));
  io.shutdown.addEventListener('abort', sayStopping, { once: true });
  try {
    const result = await runFile(mode, options, {
      cwd: io.cwd,
      shutdown: io.shutdown,
      confirm: async (plan) => {
        if (send === undefined) return undefined;
        const willAsk = !operator.yes && io.terminal !== undefined;
        if (!operator.quiet || willAsk) {
          io.stderr.write(formatPlan(plan, { target: send.target.origin, keyKind: keyKind(send.target.apiKey), ratePerMinute: send.ratePerMinute, burst: send.burst, maxStalenessMs: options.guard?.maxStalenessMs, limits: options.limits, skipInvalid: options.skipInvalid }));
        }
        if (operator.yes) return undefined;
        if (io.terminal === undefined) {
          return new TiError('invalid', 'Nothing was sent: ti-credits asks for confirmation before sending, and there is no terminal to ask on.', {
            hint: 'Check the plan above, then run the same command with --yes (as scripts, cron jobs and CI must).',
          });
        }
        asking = true;
        const yes = await askYesNo(io.terminal, CONFIRM_QUESTION, io.shutdown).finally(() => (asking = false));
        if (yes) return undefined;
        return new TiError('invalid', 'Nothing was sent: the plan was not confirmed.', { hint: 'Run the command again and answer y to send it.' });
      },
      onSendStart: (progress) => display?.start(progress),
    });
    display?.stop();
    // Off a terminal nobody answers a question: the commands printed next must not ask one.
    const code = finishRun(result, argv.json === true, io, { yes: operator.yes || io.terminal === undefined });
    const { summary } = result;
    const sentSomething = summary.status !== 'refused' && !dryRun && (summary.rows.updated ?? 0) > 0;
    if (argv.verify !== true || send === undefined || !sentSomething || code === EXIT.interrupted) return code;
    const verified = await runVerify({ folder: result.folder, send, clients: options.guard?.clients ?? [], logLevel: options.logLevel, apiKeyFile: options.apiKeyFile }, argv.json === true, io, result);
    // The run's own code says what happened to it; a clean run whose writes did not hold says so instead.
    return code === EXIT.ok ? verified : code;
  } finally {
    display?.stop();
    io.shutdown.removeEventListener('abort', sayStopping);
  }
}

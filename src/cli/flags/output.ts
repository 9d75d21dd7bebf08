import { LOG_LEVELS, type LogLevel } from '../../report/log.js';
import type { Terminal } from '../io.js';
import type { Env, FlagSpecs, Flags } from './spec.js';

/** Where a run writes, and how it speaks. */
export const reportFlags = {
  out: {
    type: 'string',
    perRun: true,
    describe: 'Folder for the report, failed.csv, run.log and summary.json',
    defaultText: 'reports/<UTC time>-<file name>/',
  },
  excel: {
    type: 'boolean',
    default: false,
    describe:
      'Also write report.xlsx and failed.xlsx, typed (dates as dates, balances as numbers), and start the CSV files with a UTF-8 byte order mark for Excel',
  },
  json: { type: 'boolean', default: false, describe: 'Print summary.json to stdout instead of the human summary' },
  'log-level': { type: 'string', choices: LOG_LEVELS, default: 'info', describe: 'Detail of run.log' },
} as const satisfies FlagSpecs;

/** How a run that sends talks to the person running it. */
export const operatorFlags = {
  yes: {
    type: 'boolean',
    alias: 'y',
    default: false,
    perRun: true,
    describe: 'Send without asking to confirm the plan; needed where no one can answer (scripts, cron, CI)',
  },
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'No plan (unless asked to confirm it) and no progress: errors and the final summary only' },
  'progress-interval': { type: 'number', default: 30, min: 1, max: 86_400, describe: 'Off a terminal, seconds between progress lines on stderr' },
} as const satisfies FlagSpecs;

/** Where a command's options may also come from. */
export const configFlags = {
  config: {
    type: 'string',
    perRun: true,
    describe: 'JSON file of options',
    defaultText: 'ti-credits.config.json or .ti-creditsrc in the working folder, if there',
  },
} as const satisfies FlagSpecs;

export function logLevelOf(flags: Flags): LogLevel {
  return (flags.string('log-level') ?? 'info') as LogLevel;
}

export interface OperatorOptions {
  readonly yes: boolean;
  readonly quiet: boolean;
  readonly progressIntervalMs: number;
  /**
   * Colour only on a terminal, by Node's own rules for it: NO_COLOR
   * (https://no-color.org), NODE_DISABLE_COLORS, TERM=dumb and CI without a
   * known CI vendor turn it off, FORCE_COLOR turns it on.
   */
  readonly color: boolean;
}

export function resolveOperatorOptions(flags: Flags, env: Env, terminal: Terminal | undefined): OperatorOptions {
  return {
    yes: flags.boolean('yes'),
    quiet: flags.boolean('quiet'),
    progressIntervalMs: flags.number('progress-interval') * 1000,
    color: terminal?.output.hasColors(env) ?? false,
  };
}

import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { TiError } from '../core/errors.js';
import { EXPECTED_HEADER } from '../validate/header.js';
import { EXIT, exitCodeForError, exitCodeTable } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadConfig, type ConfigFile } from './config-file.js';
import { formatError, formatInternalError } from './messages.js';
import { configOption, mockOptions, operatorOptions, pacingOptions, readingOptions, refuseKeyFlag, reportOptions, sendOptions, snapshotOptions, targetOptions, typedOptions, verifyOptions } from './options.js';
import { closestName } from './suggest.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const FILE_NOTE = `The file is an Excel workbook (.xlsx) or a CSV file, whose first row is the header ${EXPECTED_HEADER} (id plus at least one column to change); an empty cell leaves that field as it is. A column named like one of these but not exactly (currentBalence, Current Balance) is refused unless --extra-column names it.`;
const KEY_NOTE = 'The API key is read from TI_API_KEY or --api-key-file, never from a flag.';
const epilogue = (command: Parameters<typeof exitCodeTable>[0], ...notes: string[]): string => [...notes, `Exit codes:\n${exitCodeTable(command)}`].join('\n\n');

/** The commands, and the names yargs answers to besides them. */
const COMMANDS = ['apply', 'plan', 'validate', 'snapshot', 'verify', 'mock'] as const;
const OTHER_NAMES = ['help', 'completion'];

/** The options of each command that reads a file, by name: what a config file may set for it. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  apply: Object.keys({ ...sendOptions, ...readingOptions, ...reportOptions, ...operatorOptions }),
  plan: Object.keys({ ...sendOptions, ...readingOptions, ...reportOptions }),
  validate: Object.keys({ ...readingOptions, ...reportOptions }),
  snapshot: Object.keys({ ...targetOptions, ...pacingOptions, ...snapshotOptions }),
  verify: Object.keys({ ...targetOptions, ...pacingOptions, ...verifyOptions }),
};

function buildParser(args: readonly string[], config: ConfigFile | undefined, command: string | undefined): Argv {
  const known = command === undefined ? [] : (COMMAND_OPTIONS[command] ?? []);
  // A config file may serve both commands: each takes the keys it knows.
  const defaults = Object.fromEntries(Object.entries(config?.options ?? {}).filter(([key]) => known.includes(key)));
  return yargs([...args])
    .config(defaults)
    .scriptName('ti-credits')
    .usage('$0 <command> [options]\n\nApply a spreadsheet of changes to Thought Industries credit batches.')
    .command('apply [csv]', 'Validate the whole file, then update every credit batch it lists', (y) =>
      y
        .usage('$0 apply <csv> [options]\n$0 apply --resume <run folder> [options]')
        .positional('csv', { type: 'string', describe: 'Excel workbook (.xlsx) or CSV file: one row per credit batch to change (not needed with --resume)' })
        .options({ ...sendOptions, ...readingOptions, ...reportOptions, ...operatorOptions, ...configOption })
        .example('TI_API_KEY=ti_live_… $0 apply adjustments.xlsx --instance acme', 'Show the plan, ask to confirm it, then update the batches listed in the workbook on https://acme.thoughtindustries.com')
        .example('$0 apply quarter.xlsx --sheet "Q3 rollover" --instance acme --excel', 'Read one sheet of a workbook with several; write report.xlsx and failed.xlsx too')
        .example('$0 apply rollover.csv --instance acme --timezone America/New_York --yes', 'Quarterly rollover: dates alone expire at the end of the day in New York; no question asked (cron, CI)')
        .example('$0 apply export.csv --instance acme --encoding windows-1252 --date-format DD/MM/YYYY', "Excel's plain CSV from a European locale")
        .example('$0 apply adjustments.csv --instance acme --dry-run', 'Validate, check the key and show the requests; change nothing')
        .example('$0 apply migration.csv --base-url https://learn.example.com --rate 600 --burst 100', 'A custom domain on an Enterprise plan (600 requests/min, bursts of 100)')
        .example('$0 apply reports/<run>/failed.csv --instance acme', 'Send again the rows an earlier run did not update')
        .example('$0 apply --resume reports/<run>', 'Continue an interrupted run, with the file and options it was started with')
        .epilogue(epilogue('apply', FILE_NOTE, KEY_NOTE)),
    )
    .command('plan [csv]', 'Make a saved plan of the file against the live values, for a second person to approve and apply --plan to send', (y) =>
      y
        .usage('$0 plan <csv> [options]')
        .positional('csv', { type: 'string', describe: 'Excel workbook (.xlsx) or CSV file of changes' })
        .options({ ...sendOptions, ...readingOptions, ...reportOptions, ...configOption })
        .example('$0 plan adjustments.csv --instance acme', 'Write plan.json, plan.html and plan.csv in a new folder; send nothing')
        .example('$0 apply --plan reports/<time>-adjustments --instance acme', 'Once approved: send exactly that plan')
        .epilogue(epilogue('plan', FILE_NOTE, KEY_NOTE)),
    )
    .command('validate [csv]', 'Check every row of the file and write the report; needs no API key', (y) =>
      y
        .usage('$0 validate <csv> [options]')
        .positional('csv', { type: 'string', describe: 'Excel workbook (.xlsx) or CSV file to check' })
        .options({ ...readingOptions, ...reportOptions, ...configOption })
        .example('$0 validate adjustments.xlsx', 'Report every problem in the workbook, naming each cell (C7)')
        .example('$0 validate adjustments.csv', 'Report every problem in the file, with its line number')
        .example('$0 validate export.csv --delimiter semicolon --thousands-separator .', 'A semicolon-separated export with balances grouped like 1.250')
        .epilogue(epilogue('validate', FILE_NOTE)),
    )
    .command('snapshot', "Write every credit batch of the clients named to snapshot.csv, ready to edit and give to apply", (y) =>
      y
        .options({ ...targetOptions, ...pacingOptions, ...snapshotOptions, ...configOption })
        .example('$0 snapshot --client 92276658-1e27-41c0-8a6a-63ec24ede6a4 --instance acme', "Write the client's credit batches, with their live values repeated as before.* columns")
        .example('$0 apply reports/<time>-snapshot/snapshot.csv --instance acme', 'Once edited: send the cells changed, checking first that each batch still holds its before.* values')
        .epilogue(epilogue('snapshot', KEY_NOTE)),
    )
    .command('verify [folder]', 'Read back every row a run updated and check that its batch still holds what was written', (y) =>
      y
        .usage('$0 verify <run folder> [options]')
        .positional('folder', { type: 'string', describe: 'The folder of a finished apply run' })
        .options({ ...targetOptions, ...pacingOptions, ...verifyOptions, ...configOption })
        .example('$0 verify reports/<run>', 'Check the run against the instance it sent to; writes verify.csv in its folder')
        .epilogue(epilogue('verify', KEY_NOTE)),
    )
    .command('mock', 'Serve a local Thought Industries-compatible API to try ti-credits on', (y) =>
      y
        .options(mockOptions)
        .example('$0 mock --seed fixtures/sample-seed.json', 'Serve the credit batches of the bundled example on http://127.0.0.1:4010')
        .example('$0 mock --port 0 --auto-create --error-rate 0.1', 'Accept any id, and fail one request in ten with a 5xx')
        .example('$0 mock --auto-create --rate-limit 120 --burst 20', 'Throttle like a Standard plan: 429 with Retry-After beyond 120 requests/min')
        .example('$0 mock --auto-create --error-rate 1 --error-retry-after 5', 'Play an API that is down: every request answered 5xx with Retry-After: 5')
        .epilogue(epilogue('mock', 'Then, in another terminal: TI_API_KEY=<the key it prints> ti-credits apply <csv> --base-url <the address it prints>')),
    )
    .completion('completion', 'Print a script that completes ti-credits commands and options in bash or zsh: ti-credits completion >> ~/.bashrc')
    .example('$0 validate adjustments.csv', 'Check a file; no API key needed')
    .example('TI_API_KEY=ti_live_… $0 apply adjustments.csv --instance acme', 'Check the file, then update every batch it lists')
    .example('$0 help apply', 'All the options of apply (or: $0 apply --help)')
    .demandCommand(1, 'Name a command: apply, validate, snapshot or mock.')
    .strict()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .epilogue(epilogue('apply', FILE_NOTE, KEY_NOTE))
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false);
}

/** Parses `args` and runs the command; returns the exit code. Never exits the process itself. */
export async function runCli(given: readonly string[], io: CliIo): Promise<number> {
  // `ti-credits help apply` is `ti-credits apply --help`, as in git and npm.
  const args = given[0] === 'help' ? [...given.slice(1, 2), '--help'] : given;
  const debug = args.some((arg, index) => arg === '--log-level=debug' || (arg === '--log-level' && args[index + 1] === 'debug'));
  try {
    refuseKeyFlag(args);
    const command = args.find((arg) => !arg.startsWith('-'));
    if (command !== undefined && command === args[0]) refuseUnknownCommand(command);
    const config = command !== undefined && command in COMMAND_OPTIONS ? await loadConfig(configFlag(args), io.cwd, COMMAND_OPTIONS.apply ?? []) : undefined;
    let failure: Error | undefined;
    let argv: Record<string, unknown> = {};
    let output = '';
    buildParser(args, config, command).parse([...args], {}, (error, parsed, text) => {
      failure = error ?? undefined;
      argv = parsed as Record<string, unknown>;
      output = text;
    });
    if (failure !== undefined) {
      const named = command !== undefined && (COMMANDS as readonly string[]).includes(command) ? ` ${command}` : '';
      throw new TiError('invalid', (failure as Error).message, { hint: `${suggestFlags(args, command)}Run ti-credits${named} --help for the options.` });
    }
    if (output !== '') {
      io.stdout.write(`${output}\n`);
      return EXIT.ok;
    }
    // Each command loads only what it runs: validating a million rows need not carry the progress bar or the mock's server.
    switch ((argv._ as unknown[])[0]) {
      case 'apply':
        return await (await import('./commands/apply.js')).applyCommand(argv, io, config, typedOptions(args));
      case 'plan':
        return await (await import('./commands/plan.js')).planCommand(argv, io, config, typedOptions(args));
      case 'validate':
        return await (await import('./commands/validate.js')).validateCommand(argv, io);
      case 'snapshot':
        return await (await import('./commands/snapshot.js')).snapshotCommand(argv, io, config);
      case 'verify':
        return await (await import('./commands/verify.js')).verifyCommand(argv, io, config);
      case 'mock':
        return await (await import('./commands/mock.js')).mockCommand(argv, io);
      default:
        throw new TiError('invalid', `Unknown command ${String((argv._ as unknown[])[0])}.`, { hint: 'Run ti-credits --help.' });
    }
  } catch (error) {
    if (error instanceof TiError) {
      io.stderr.write(formatError(error));
      return exitCodeForError(error.kind);
    }
    io.stderr.write(formatInternalError(error, debug));
    return EXIT.internal;
  }
}

/** A mistyped command, named back with the one meant, before yargs calls it and the file "unknown arguments". */
function refuseUnknownCommand(command: string): void {
  if ((COMMANDS as readonly string[]).includes(command) || OTHER_NAMES.includes(command)) return;
  const near = closestName(command, COMMANDS);
  throw new TiError('invalid', `There is no ti-credits command "${command}".`, {
    hint: `${near === undefined ? '' : `Did you mean ti-credits ${near}? `}The commands are ${COMMANDS.join(', ')}; run ti-credits --help.`,
  });
}

function configFlag(args: readonly string[]): string | undefined {
  const index = args.indexOf('--config');
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith('--config='))?.slice('--config='.length);
}

/** "Did you mean --rate?" for each flag the command does not know but nearly does. */
function suggestFlags(args: readonly string[], command: string | undefined): string {
  const own = command === 'mock' ? Object.keys(mockOptions) : command === undefined ? [] : (COMMAND_OPTIONS[command] ?? []);
  const known = [...own, ...(command !== undefined && command in COMMAND_OPTIONS ? ['config'] : []), 'help', 'version'];
  const suggestions = args
    .filter((arg) => arg.startsWith('--'))
    .map((arg) => arg.slice(2).split('=')[0] ?? '')
    .filter((name) => !known.includes(name) && !known.includes(name.replace(/^no-/, '')))
    .map((name) => [name, closestName(name, known)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
  return suggestions.map(([typed, near]) => `--${typed}: did you mean --${near}? `).join('');
}

import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, FILE_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { resolveValidateRun } from '../file-run.js';
import { reportsFlags } from '../flags/ledger.js';
import { configFlags, reportFlags } from '../flags/output.js';
import { readingFlags } from '../flags/reading.js';
import { runResult } from './run-result.js';

export const validate: Command = {
  name: 'validate',
  summary: 'Check every row of the file and write the report; needs no API key',
  usage: ['ti-credits validate <file> [options]'],
  positional: { name: 'csv', describe: 'Excel workbook (.xlsx) or CSV file to check' },
  flags: { ...readingFlags, ...reportFlags, ...reportsFlags, ...configFlags },
  examples: [
    ['ti-credits validate adjustments.xlsx', 'Report every problem in the workbook, naming each cell (C7)'],
    ['ti-credits validate adjustments.csv', 'Report every problem in the file, with its line number'],
    ['ti-credits validate export.csv --delimiter semicolon --thousands-separator .', 'A semicolon-separated export with balances grouped like 1.250'],
  ],
  notes: [FILE_NOTE],
  exits: [
    [EXIT.ok, 'every row is valid'],
    [EXIT.refused, 'some rows are invalid, or the file or the options cannot be used'],
    [EXIT.interrupted, 'interrupted (Ctrl-C)'],
    [EXIT.unwritable, 'the run folder could not be written (disk full, read-only): the report is incomplete'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runValidate,
};

async function runValidate(input: CommandInput): Promise<CommandResult> {
  const { runFile } = await import('../../pipeline/run.js');
  const { mode, options } = resolveValidateRun(input.flags, new Date(), input.io.cwd);
  return runResult(await runFile(mode, options, { cwd: input.io.cwd, shutdown: input.io.shutdown }), input.io.cwd);
}

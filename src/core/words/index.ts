import { LEDGER_WORDS } from './ledger.js';
import { PROFILE_WORDS } from './profiles.js';
import { SELECTION_WORDS } from './selection.js';
import { API_WORDS } from './api.js';
import { RUN_WORDS } from './run.js';
import { RUN_FOLDER_WORDS } from './run-folder.js';
import { MOCK_WORDS } from './mock.js';
import { FILE_WORDS } from './files.js';
import { OUTCOME_WORDS } from './outcomes.js';
import { ROW_WORDS } from './rows.js';
import type { WordEntry } from '../words.js';
import { OPTION_WORDS } from './options.js';
import { CONFIG_WORDS } from './config.js';
import { TARGET_WORDS } from './target.js';

/**
 * Every catalogue of words, in the order the table of codes lists them
 * (docs/guide/exit-codes-and-error-codes.md is generated from this list).
 * A catalogue not listed here is a code no one can look up.
 */
export const CATALOGUES: readonly { readonly name: string; readonly words: Readonly<Record<string, WordEntry<never>>> }[] = [
  { name: 'The run ledger, approvals and files applied once', words: LEDGER_WORDS },
  { name: 'Profiles and keys', words: PROFILE_WORDS },
  { name: 'Selecting batches and rollovers', words: SELECTION_WORDS },
  { name: 'The command line: commands, flags and their values', words: OPTION_WORDS },
  { name: 'The config file', words: CONFIG_WORDS },
  { name: 'Where requests go, and the text of the key', words: TARGET_WORDS },
  { name: 'The API: statuses, answers, network', words: API_WORDS },
  { name: 'A run: refusals, resumes, saved plans, guardrails', words: RUN_WORDS },
  { name: 'The run folder and the files it holds', words: RUN_FOLDER_WORDS },
  { name: 'The local mock API', words: MOCK_WORDS },
  { name: 'The input file: its encoding, workbook and header', words: FILE_WORDS },
  { name: 'Row problems (report.csv and failed.csv, code column)', words: ROW_WORDS },
  { name: 'Rows not updated: drifted, uncertain, skipped', words: OUTCOME_WORDS },
];

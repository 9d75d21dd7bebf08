import { LEDGER_WORDS } from './ledger.js';
import { PROFILE_WORDS } from './profiles.js';
import { SELECTION_WORDS } from './selection.js';
import type { WordEntry } from '../words.js';

/**
 * Every catalogue of words, in the order the table of codes lists them
 * (docs/guide/exit-codes-and-error-codes.md is generated from this list).
 * A catalogue not listed here is a code no one can look up.
 */
export const CATALOGUES: readonly { readonly name: string; readonly words: Readonly<Record<string, WordEntry<never>>> }[] = [
  { name: 'The run ledger, approvals and files applied once', words: LEDGER_WORDS },
  { name: 'Profiles and keys', words: PROFILE_WORDS },
  { name: 'Selecting batches and rollovers', words: SELECTION_WORDS },
];

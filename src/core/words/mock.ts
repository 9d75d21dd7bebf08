import { defineWords } from '../words.js';

/** The words of the local mock API's own errors (src/mock): its seed file of credit batches. */
export const MOCK_WORDS = defineWords({
  'TIC-MOCK-SEED-UNREADABLE': {
    kind: 'invalid',
    title: "the mock's seed file cannot be read, or is not JSON",
    message: (facts: { readonly path: string; readonly detail: string }) => `the mock seed ${facts.path} cannot be read: ${facts.detail}`,
    hint: () => 'Give a JSON file holding an array of credit batches.',
  },
  'TIC-MOCK-SEED-NOT-ARRAY': {
    kind: 'invalid',
    title: "the mock's seed file is not a JSON array of credit batches",
    message: (facts: { readonly path: string }) => `the mock seed ${facts.path} is not a JSON array of credit batches`,
  },
  'TIC-MOCK-SEED-NO-ID': {
    kind: 'invalid',
    title: "a credit batch of the mock's seed without an id",
    message: () => 'every credit batch in the mock seed needs an id',
  },
  'TIC-MOCK-SEED-DUPLICATE': {
    kind: 'invalid',
    title: "a credit batch twice in the mock's seed",
    message: (facts: { readonly id: string }) => `the mock seed holds credit batch ${facts.id} more than once`,
  },
});

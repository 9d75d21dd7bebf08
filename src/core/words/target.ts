import { defineWords } from '../words.js';

/**
 * The words of where requests go and of the key's text (cli/flags/target.ts):
 * the instance or address given by a flag, the environment or a config file,
 * and a key held to what a key may look like. What was refused is named by
 * where it came from, never repeated: a key pasted in the wrong place must
 * not reach a terminal's scrollback, a CI log or a cron mail.
 */

const NOT_ECHOED = 'the value is not repeated here, in case it is a key pasted by mistake';

/** Why an address is not one requests may go to. */
export type AddressProblem = 'not-an-address' | 'scheme' | 'credentials' | 'not-alone';

/** Why a key's text is not a key. */
export type KeyTextProblem =
  { readonly problem: 'empty' | 'bearer' | 'characters' } | { readonly problem: 'short'; readonly length: number; readonly min: number };

export const TARGET_WORDS = defineWords({
  'TIC-TARGET-TWICE': {
    kind: 'invalid',
    title: 'Both an instance and an address given at the same level (environment or config file)',
    message: (facts: { readonly config: string | undefined }) =>
      facts.config === undefined ? 'Both TI_INSTANCE and TI_BASE_URL are set.' : `${facts.config} sets both instance and base-url.`,
    hint: (facts: { readonly config: string | undefined }) =>
      facts.config === undefined ? 'Unset one of them, or pass --instance or --base-url to choose.' : 'Keep one of them.',
  },
  'TIC-NO-INSTANCE': {
    kind: 'invalid',
    title: 'No instance or address to send to',
    message: () => 'No Thought Industries instance was given.',
    hint: () =>
      'Pass --instance <name> for https://<name>.thoughtindustries.com, or --base-url <address> for a custom domain (or set TI_INSTANCE / TI_BASE_URL).',
  },
  'TIC-KEY-AS-FLAG': {
    kind: 'invalid',
    title: 'The API key given as a command-line flag',
    message: () => 'ti-credits does not take the API key as a command-line flag, where shell history and the process list would keep it.',
    hint: () => 'Set the TI_API_KEY environment variable, or put the key in a file and pass --api-key-file <path>.',
  },
  'TIC-INSTANCE-INVALID': {
    kind: 'invalid',
    title: 'An instance name that is not one',
    message: (facts: { readonly source: string }) => `${facts.source} is not an instance name.`,
    hint: () => `Give only the name, e.g. acme for https://acme.thoughtindustries.com; for any other address use --base-url (${NOT_ECHOED}).`,
  },
  'TIC-BASE-URL-INVALID': {
    kind: 'invalid',
    title: "An address that is not an instance's origin (https://host, optionally /incoming/v2)",
    message: (facts: { readonly source: string; readonly problem: AddressProblem }) => {
      switch (facts.problem) {
        case 'not-an-address':
          return `${facts.source} is not a web address.`;
        case 'scheme':
          return `${facts.source} must start with https://.`;
        case 'credentials':
          return `${facts.source} must not contain a user name or password.`;
        case 'not-alone':
          return `${facts.source} must be the instance's address alone, with no query (?…), fragment (#…) or other path.`;
      }
    },
    hint: (facts: { readonly problem: AddressProblem; readonly apiPath: string }) => {
      switch (facts.problem) {
        case 'not-an-address':
        case 'scheme':
          return `Write it in full, e.g. https://learn.example.com (${NOT_ECHOED}).`;
        case 'credentials':
          return 'The API key is the only credential; set it with TI_API_KEY.';
        case 'not-alone':
          return `e.g. https://learn.example.com, optionally followed by ${facts.apiPath}; the key is read from TI_API_KEY or --api-key-file, never from the address (${NOT_ECHOED}).`;
      }
    },
  },
  'TIC-BASE-URL-INSECURE': {
    kind: 'invalid',
    title: 'Plain http:// to another machine than this one',
    message: (facts: { readonly source: string }) => `${facts.source} uses plain http://, which would send the API key across the network unencrypted.`,
    hint: () => 'Use https://; plain http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), e.g. the local mock.',
  },
  'TIC-KEY-MALFORMED': {
    kind: 'invalid',
    title: 'The text given as the API key cannot be one (empty, "Bearer …", spaces, too short)',
    message: (facts: { readonly source: string } & KeyTextProblem) => {
      switch (facts.problem) {
        case 'empty':
          return `${facts.source} is empty.`;
        case 'bearer':
          return `${facts.source} starts with "Bearer".`;
        case 'characters':
          return `${facts.source} contains spaces or characters an API key cannot have.`;
        case 'short':
          return `${facts.source} holds ${facts.length} characters, too few for an API key (ti-credits takes keys of ${facts.min} characters or more; Thought Industries keys are longer).`;
      }
    },
    hint: (facts: KeyTextProblem) => {
      switch (facts.problem) {
        case 'empty':
          return 'Put the API key from Thought Industries there.';
        case 'bearer':
          return 'Give the key alone; ti-credits adds "Bearer" itself.';
        case 'characters':
          return 'Copy the key again from Thought Industries.';
        case 'short':
          return 'Copy the whole key from Thought Industries (Settings › Security).';
      }
    },
  },
});

import { defineWords } from '../words.js';

/**
 * The words of the config file (cli/config-file.ts): reading it, and each of
 * its keys held to what the command registry allows a file to set. `where`
 * is the file, or a profile in it.
 */

const EXAMPLE = '{"instance": "acme", "rate": 600}';

export const CONFIG_WORDS = defineWords({
  'TIC-CONFIG-UNREADABLE': {
    kind: 'invalid',
    title: 'The config file named cannot be read',
    message: (facts: { readonly path: string; readonly reason: string }) => `The config file ${facts.path} cannot be read: ${facts.reason}.`,
    hint: () => 'Check the path given to --config.',
  },
  'TIC-CONFIG-NOT-JSON': {
    kind: 'invalid',
    title: 'The config file is not valid JSON',
    message: (facts: { readonly path: string; readonly reason: string }) => `The config file ${facts.path} is not valid JSON: ${facts.reason}.`,
    hint: () => `It holds one JSON object, e.g. ${EXAMPLE}.`,
  },
  'TIC-CONFIG-NOT-OBJECT': {
    kind: 'invalid',
    title: 'The config file holds JSON other than one object',
    message: (facts: { readonly path: string }) => `The config file ${facts.path} must hold one JSON object.`,
    hint: () => `e.g. ${EXAMPLE}.`,
  },
  'TIC-CONFIG-HOLDS-KEY': {
    kind: 'invalid',
    title: 'The config file holds an API key',
    message: (facts: { readonly where: string; readonly key: string }) =>
      `${facts.where} holds an API key ("${facts.key}"); ti-credits never reads a key from a config file.`,
    hint: () => 'Remove it, and store the key with ti-credits login, or name a keyCommand or a file readable only by you ("apiKeyFile"); or set TI_API_KEY.',
  },
  'TIC-CONFIG-PER-RUN': {
    kind: 'invalid',
    title: 'The config file sets an option that belongs to one run (yes, out, resume…)',
    message: (facts: { readonly where: string; readonly key: string }) => `${facts.where} sets "${facts.key}", which belongs to one run, not to a config file.`,
    hint: (facts: { readonly flag: string }) => `Remove it and pass --${facts.flag} on the command line when needed.`,
  },
  'TIC-CONFIG-UNKNOWN-OPTION': {
    kind: 'invalid',
    title: 'The config file sets something that is not an option',
    message: (facts: { readonly where: string; readonly key: string }) => `${facts.where} sets "${facts.key}", which is not a ti-credits option.`,
    hint: (facts: { readonly near: string | undefined }) =>
      facts.near === undefined ? 'Run ti-credits apply --help for the options.' : `Did you mean "${facts.near}"?`,
  },
  'TIC-CONFIG-VALUE': {
    kind: 'invalid',
    title: 'The config file sets an option to a value of a type options do not take',
    message: (facts: { readonly where: string; readonly key: string; readonly value: string; readonly list: boolean }) =>
      `${facts.where} sets "${facts.key}" to ${facts.value}; an option takes a string, a number or true/false${facts.list ? ', or a list of strings' : ''}.`,
  },
});

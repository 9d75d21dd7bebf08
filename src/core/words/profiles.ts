import { defineWords } from '../words.js';

/**
 * The words of profiles, key sources, live targets and unattended runs
 * (issue 27). A value that could be a key pasted in the wrong place is never
 * repeated: only names, paths, kinds and exit codes are.
 */

/** The kinds of key, as a person reads them. */
export const KEY_KIND_WORDS = {
  live: 'a production key (ti_live_…)',
  test: 'a sandbox key (ti_test_…)',
  unknown: 'a key that is neither ti_live_ nor ti_test_',
} as const;

/** Said wherever no keyring can be used, in one sentence, with the other ways. */
export const NO_KEYRING_SENTENCE =
  'There is no OS keyring service here (a server or CI usually has none): give the key through TI_API_KEY, a keyCommand (e.g. ["op", "read", "op://vault/ti/credential"]) or an apiKeyFile readable only by you.';

export const PROFILE_WORDS = defineWords({
  'TIC-PROFILE-UNKNOWN': {
    kind: 'invalid',
    title: 'The profile named is not in the config file',
    message: (facts: { readonly name: string; readonly from: string; readonly config: string; readonly known: readonly string[] }) =>
      `${facts.from} names the profile "${facts.name}", which ${facts.config} does not define${facts.known.length === 0 ? ' (it defines none)' : ` (it defines ${facts.known.map((name) => `"${name}"`).join(', ')})`}.`,
    hint: (facts: { readonly near: string | undefined }) =>
      facts.near === undefined ? 'Add it under "profiles" in the config file, or name one it defines.' : `Did you mean "${facts.near}"?`,
  },
  'TIC-PROFILE-WITHOUT-CONFIG': {
    kind: 'invalid',
    title: 'A profile was named but no config file was found',
    message: (facts: { readonly name: string; readonly from: string }) =>
      `${facts.from} names the profile "${facts.name}", but there is no config file to define it.`,
    hint: () => 'Profiles live under "profiles" in ti-credits.config.json (or the file --config names); see docs/guide/profiles.md.',
  },
  'TIC-PROFILE-NEEDED': {
    kind: 'invalid',
    title: 'Several profiles and none chosen',
    message: (facts: { readonly config: string; readonly known: readonly string[] }) =>
      `${facts.config} defines ${facts.known.length} profiles (${facts.known.map((name) => `"${name}"`).join(', ')}) and none was chosen.`,
    hint: (facts: { readonly known: readonly string[] }) =>
      `Choose one with --profile ${facts.known[0] ?? '<name>'} (or TI_PROFILE); a file with a single profile needs no choice.`,
  },
  'TIC-PROFILE-INVALID': {
    kind: 'invalid',
    title: 'A profile in the config file cannot be read',
    message: (facts: { readonly config: string; readonly name: string; readonly why: string }) =>
      `The profile "${facts.name}" in ${facts.config} ${facts.why}.`,
    hint: () =>
      'A profile is an object such as {"instance": "acme", "live": true, "keyCommand": ["op", "read", "op://vault/ti/credential"]}; see docs/guide/profiles.md.',
  },
  'TIC-PROFILES-INVALID': {
    kind: 'invalid',
    title: '"profiles" in the config file is not an object of profiles',
    message: (facts: { readonly config: string }) => `The config file ${facts.config} sets "profiles" to something other than an object of profiles by name.`,
    hint: () => 'e.g. "profiles": {"sandbox": {"instance": "acme-sandbox", "live": false}, "live": {"instance": "acme", "live": true}}.',
  },
  'TIC-WRONG-ENVIRONMENT-KEY': {
    kind: 'invalid',
    title: 'A sandbox key for a live profile, or a live key for a sandbox one',
    message: (facts: { readonly profile: string; readonly live: boolean; readonly keyKind: 'live' | 'test'; readonly source: string }) =>
      `The key from ${facts.source} is ${KEY_KIND_WORDS[facts.keyKind]}, but the profile "${facts.profile}" is ${facts.live ? 'a live one (live: true)' : 'a sandbox one (live: false)'}: a key for the wrong environment. Nothing was sent.`,
    hint: (facts: { readonly profile: string }) =>
      `Give the profile its own key (ti-credits login --profile ${facts.profile}), or choose the profile this key belongs to; TI_API_KEY, if set, is used before any other source.`,
  },
  'TIC-LIVE-NEEDS-CONFIRM-INSTANCE': {
    kind: 'invalid',
    title: '--yes on a live target without --confirm-instance',
    message: (facts: { readonly name: string; readonly why: string }) => `Nothing was sent: ${facts.why}, and --yes alone does not send to a live target.`,
    hint: (facts: { readonly name: string }) =>
      `Add --confirm-instance ${facts.name} to say which instance is meant, or leave out --yes and type the name when asked.`,
  },
  'TIC-CONFIRM-INSTANCE-MISMATCH': {
    kind: 'invalid',
    title: '--confirm-instance names another instance than the target',
    message: (facts: { readonly given: string; readonly name: string; readonly target: string }) =>
      `Nothing was sent: --confirm-instance says "${facts.given}", but the target is ${facts.target} ("${facts.name}").`,
    hint: () => 'Check --profile, --instance, --base-url and TI_INSTANCE / TI_BASE_URL: the command would have sent somewhere else than meant.',
  },
  'TIC-LIVE-NOT-CONFIRMED': {
    kind: 'invalid',
    title: 'The name typed to confirm a live target did not match',
    message: (facts: { readonly name: string }) => `Nothing was sent: the name typed is not "${facts.name}".`,
    hint: () => 'Run the command again and type the instance name exactly as shown to send the plan.',
  },
  'TIC-NO-API-KEY': {
    kind: 'invalid',
    title: 'No API key from any source',
    message: (facts: { readonly keyring: string }) =>
      `No API key was given: TI_API_KEY is not set, ${facts.keyring}, and no keyCommand or apiKeyFile is configured.`,
    hint: () =>
      'Store the key with ti-credits login, set TI_API_KEY, or name a keyCommand or an apiKeyFile in the config file (there is no flag for the key itself, to keep it out of shell history).',
  },
  'TIC-KEY-FILE-UNREADABLE': {
    kind: 'invalid',
    title: 'The key file cannot be read',
    message: (facts: { readonly source: string; readonly code: string }) => `${facts.source} cannot be read (${facts.code}).`,
    hint: () => 'Check the path: it names a file holding the key, not the key itself (the value is not repeated here, in case it is a key pasted by mistake).',
  },
  'TIC-KEY-FILE-OPEN': {
    kind: 'invalid',
    title: 'The key file may be read by other users',
    message: (facts: { readonly source: string; readonly path: string; readonly mode: string }) =>
      `${facts.source} (${facts.path}) may be read by other users (mode ${facts.mode}); ti-credits reads a key only from a file readable by its owner alone.`,
    hint: (facts: { readonly path: string }) => `Run chmod 600 ${facts.path}, or keep the key in the OS keyring (ti-credits login).`,
  },
  'TIC-KEY-COMMAND-INVALID': {
    kind: 'invalid',
    title: 'keyCommand is not a command ti-credits can run',
    message: (facts: { readonly where: string; readonly why: string }) => `keyCommand in ${facts.where} ${facts.why}.`,
    hint: () =>
      'Give the program and its arguments as a list, e.g. ["op", "read", "op://vault/ti/credential"]; it is run without a shell, so quotes, pipes and $variables mean nothing to it.',
  },
  'TIC-KEY-COMMAND-FAILED': {
    kind: 'invalid',
    title: 'keyCommand did not give a key',
    message: (facts: { readonly command: string; readonly why: string }) => `The keyCommand (${facts.command}) ${facts.why}; nothing was sent.`,
    hint: () => 'Run the command yourself to see what it needs (signing in, unlocking a vault); what it prints on stdout is never shown or logged.',
  },
  'TIC-NO-KEYRING': {
    kind: 'invalid',
    title: 'No OS keyring service on this machine',
    message: (facts: { readonly detail: string }) => `${NO_KEYRING_SENTENCE}${facts.detail === '' ? '' : ` (${facts.detail})`}`,
    hint: () => 'docs/guide/profiles.md shows each way.',
  },
  'TIC-KEYRING-FAILED': {
    kind: 'invalid',
    title: 'The OS keyring refused the request',
    message: (facts: { readonly action: string; readonly detail: string }) => `The OS keyring could not ${facts.action}: ${facts.detail}.`,
    hint: () => 'Unlock the keyring (your desktop session, or gnome-keyring-daemon --unlock) and try again.',
  },
  'TIC-LOGIN-NEEDS-INPUT': {
    kind: 'invalid',
    title: 'login has nowhere to read the key from',
    message: () => 'login reads the key from the terminal, without echoing it, and there is no terminal here.',
    hint: () => 'Pipe the key in with --stdin (e.g. op read op://vault/ti/credential | ti-credits login --stdin), or run login at a terminal.',
  },
  'TIC-LOGIN-NO-KEY': {
    kind: 'invalid',
    title: 'login was given no key',
    message: (facts: { readonly from: string }) => `No key was ${facts.from}; nothing was stored.`,
    hint: () => 'Run ti-credits login again and paste the key from Thought Industries, then press Enter.',
  },
  'TIC-NOT-APPROVED': {
    kind: 'invalid',
    title: '--non-interactive without an approved plan',
    message: (facts: { readonly what: string }) => `Nothing was sent: --non-interactive sends only an approved plan, and ${facts.what}.`,
    hint: () =>
      'Make a plan with ti-credits plan <file>, have it approved, then schedule ti-credits apply --plan <plan folder> --non-interactive (an interrupted one is finished with --resume).',
  },
  'TIC-FOLDER-STILL-BUSY': {
    kind: 'invalid',
    title: 'A run folder was still in use after --lock-timeout',
    message: (facts: { readonly busy: string; readonly waited: string }) => `${facts.busy.replace(/\.$/, '')}; waited ${facts.waited} (--lock-timeout).`,
    hint: () => 'Wait for that process to end, or give a longer --lock-timeout; a folder held by a process that is gone is taken over at once.',
  },
  'TIC-FOLDER-UNLOCKABLE': {
    kind: 'invalid',
    title: 'A folder where run.lock cannot be made',
    message: (facts: { readonly folder: string; readonly code: string }) =>
      `${facts.folder} cannot be written (${facts.code}): its run.lock, which keeps a second process out while this one works there, cannot be made.`,
    hint: () => 'Work on a copy of the folder in a place you can write to.',
  },
  'TIC-NOTIFY-URL': {
    kind: 'invalid',
    title: '--notify is not an address ti-credits posts to',
    message: (facts: { readonly why: string }) => `--notify ${facts.why} (the value is not repeated here: a webhook address is a secret of its own).`,
    hint: () => 'Give the full https:// address of the webhook, e.g. a Slack or Teams incoming webhook; plain http:// only to this machine.',
  },
});

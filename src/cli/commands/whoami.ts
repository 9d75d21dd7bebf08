import { keyScrubber } from '../../core/secret.js';
import { KEY_KIND_WORDS } from '../../core/words/profiles.js';
import { keyKind } from '../../send/api-target.js';
import type { Command, CommandInput, CommandResult } from '../command.js';
import { EXIT, exitCodeForError, KEY_NOTE, STANDARD_EXITS } from '../exit-codes.js';
import { configFlags, reportFlags } from '../flags/output.js';
import { pacingFlags, resolveSendOptions } from '../flags/pacing.js';
import { targetFlags } from '../flags/target.js';
import { confirmationName, isLiveTarget } from '../live-target.js';

export const whoami: Command = {
  name: 'whoami',
  summary: 'Check the key with one GET /ping, and say the target, the profile, the kind of key and where it came from (never the key)',
  usage: ['ti-credits whoami [--profile <name>] [options]'],
  flags: { ...targetFlags, ...pacingFlags, json: { ...reportFlags.json, describe: 'Print what was found as JSON instead of lines' }, ...configFlags },
  examples: [
    ['ti-credits whoami --profile live', 'Which instance the live profile sends to, with which kind of key, from where, and whether the API accepts it'],
    ['TI_PROFILE=sandbox ti-credits whoami --json', 'The same for the sandbox profile, for a script'],
  ],
  notes: [KEY_NOTE],
  exits: [
    [EXIT.ok, 'the API accepted the key'],
    [EXIT.refused, 'no key or no target: configuration (a missing profile, a key file others may read, a keyCommand failing, a key for the wrong environment)'],
    [EXIT.stopped, 'the API refused the key (401/403), or could not be reached to check it'],
    [EXIT.interrupted, 'interrupted (Ctrl-C)'],
    STANDARD_EXITS.internal,
  ],
  configurable: true,
  run: runWhoami,
};

async function runWhoami(input: CommandInput): Promise<CommandResult> {
  const { flags, io, config } = input;
  flags.checkRelations();
  const { send, keySource } = await resolveSendOptions(flags, io.env, config?.target ?? {}, io.cwd, undefined);
  const { origin, apiKey } = send.target;
  const { checkKeyAlone } = await import('../../pipeline/operations/check-key.js');
  const refused = await checkKeyAlone(send, io.shutdown);
  const profile = config?.profile;
  const kind = keyKind(apiKey);
  const live = isLiveTarget(profile, apiKey);
  const facts = {
    target: origin,
    instance: confirmationName(origin),
    live,
    profile: profile === undefined ? null : { name: profile.name, live: profile.live, config: config?.path ?? null },
    keyKind: kind,
    keySource: { kind: keySource.kind, where: keySource.label, file: keySource.file ?? null },
    accepted: refused === undefined,
  };
  const lines = [
    `Target:   ${origin} (instance "${facts.instance}"; ${live ? 'live: sending there asks for its name' : 'not live'})`,
    `Profile:  ${profile === undefined ? 'none' : `${profile.name} (live: ${String(profile.live)}) from ${config?.path ?? 'the config file'}`}`,
    `Key:      ${KEY_KIND_WORDS[kind]}, from ${keySource.label.replace(/^The /, 'the ')}`,
    `Checked:  ${refused === undefined ? 'the API accepted the key (GET /incoming/v2/ping)' : 'the API did not accept the key (the error above says why)'}`,
  ];
  const exit = io.shutdown.aborted ? EXIT.interrupted : refused === undefined ? EXIT.ok : exitCodeForError(refused.kind);
  return { exit, error: refused, text: `${lines.join('\n')}\n`, json: facts, scrub: keyScrubber(apiKey) };
}

import { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { PROFILE_WORDS } from '../core/words/profiles.js';
import { keyKind } from '../send/api-target.js';
import { askLine } from './confirm.js';
import type { KeySource } from './flags/key-source.js';
import type { Terminal } from './io.js';

/**
 * A live target is production: a profile marked `live: true`, or any
 * production key (`ti_live_`). Sending there asks for more than `y`: the
 * person types the instance's name (as GitHub asks before a repository is
 * deleted), and a command with --yes names it with --confirm-instance, so
 * that a command meant for the sandbox, run with the wrong profile or the
 * wrong TI_INSTANCE, stops before it sends.
 */

export interface ProfileFacts {
  readonly name: string;
  readonly live: boolean;
}

export function isLiveTarget(profile: ProfileFacts | undefined, apiKey: string): boolean {
  return profile?.live === true || keyKind(apiKey) === 'live';
}

/** The name a person types for a target: the instance of `<name>.thoughtindustries.com`, else the host of a custom domain. */
export function confirmationName(origin: string): string {
  const host = new URL(origin).hostname;
  const instance = /^([a-z0-9-]+)\.thoughtindustries\.com$/i.exec(host);
  return (instance?.[1] ?? host).toLowerCase();
}

/** A sandbox key given to a live profile, or a production key to a sandbox one, is refused before any request. */
export function checkKeyEnvironment(profile: ProfileFacts | undefined, apiKey: string, source: KeySource): void {
  const kind = keyKind(apiKey);
  if (profile === undefined || kind === 'unknown' || (kind === 'live') === profile.live) return;
  throw failure(PROFILE_WORDS, 'TIC-WRONG-ENVIRONMENT-KEY', {
    profile: profile.name,
    live: profile.live,
    keyKind: kind,
    source: source.label.replace(/^The /, 'the '),
  });
}

/** What makes a target live, in words, for a refusal. */
function whyLive(profile: ProfileFacts | undefined): string {
  return profile?.live === true ? `the profile "${profile.name}" is live` : 'the key is a production key (ti_live_…)';
}

/**
 * The checks made before anything is read or sent: --confirm-instance, when
 * given, must name the target (live or not: it is a check the command line
 * asked for); on a live target, sending without a question (--yes,
 * --non-interactive) needs it.
 */
export function checkConfirmInstance(
  given: string | undefined,
  withoutQuestion: boolean,
  origin: string,
  profile: ProfileFacts | undefined,
  apiKey: string,
): void {
  const name = confirmationName(origin);
  if (given !== undefined && given.toLowerCase() !== name) throw failure(PROFILE_WORDS, 'TIC-CONFIRM-INSTANCE-MISMATCH', { given, name, target: origin });
  if (given === undefined && withoutQuestion && isLiveTarget(profile, apiKey))
    throw failure(PROFILE_WORDS, 'TIC-LIVE-NEEDS-CONFIRM-INSTANCE', { name, why: whyLive(profile) });
}

/** The question of a live target: the name is typed back, and nothing else sends. */
export async function askInstanceName(terminal: Terminal, origin: string, signal: AbortSignal): Promise<TiError | undefined> {
  const name = confirmationName(origin);
  const typed = await askLine(terminal, `This is a live target. Type the instance name (${name}) to send these changes: `, signal);
  if (typed !== undefined && typed.trim().toLowerCase() === name) return undefined;
  return failure(PROFILE_WORDS, 'TIC-LIVE-NOT-CONFIRMED', { name });
}

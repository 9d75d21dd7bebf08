import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TiError } from '../core/errors.js';
import { failure } from '../core/words.js';
import { PROFILE_WORDS } from '../core/words/profiles.js';
import type { Command, CommandResult } from './command.js';
import type { ConfigFile } from './config-file.js';
import { exitCodeForError } from './exit-codes.js';
import type { Flags } from './flags/spec.js';
import { isLoopback, resolveOrigin } from './flags/target.js';
import type { CliIo } from './io.js';
import { formatDuration, rowCounts } from './messages.js';

/**
 * `--notify <url>`: when a run ends, whatever its status (refused and
 * interrupted included), a JSON summary is posted to each webhook, with a
 * `text` Slack and Teams show as it is. Sending it is tried a few times;
 * whether it arrived is written in run.log and summary.json and, when it did
 * not, said on stderr; it never changes the run's outcome or exit code. The
 * document passes through the run's key scrubber: the key, in any form, is
 * never in it. A webhook's address is a secret too (Slack's holds its
 * token): only its origin is ever written down.
 */

/** What a webhook receives. */
export interface RunNotice {
  readonly text: string;
  readonly runId: string | null;
  readonly command: string;
  readonly profile: string | null;
  readonly target: string | null;
  readonly status: string;
  readonly exitCode: number;
  readonly rows: Readonly<Record<string, number>> | null;
  /** Credits, as exact integer text: what the updated rows moved (null when unknown: a blind run, or none sent), and what the plan would move. */
  readonly netBalanceChange: { readonly applied: string | null; readonly planned: string | null };
  readonly durationMs: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly folder: string | null;
  readonly report: string | null;
  readonly error: { readonly code: string | null; readonly message: string } | null;
}

/** The webhooks of a command that notifies, each checked before the run: https, or plain http to this machine. */
export function notifyUrls(command: Command, flags: Flags): string[] {
  if (!('notify' in command.flags)) return [];
  return flags.list('notify').map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw failure(PROFILE_WORDS, 'TIC-NOTIFY-URL', { why: 'is not a web address' });
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
      throw failure(PROFILE_WORDS, 'TIC-NOTIFY-URL', { why: 'must start with https:// (plain http:// only to this machine)' });
    if (url.username !== '' || url.password !== '') throw failure(PROFILE_WORDS, 'TIC-NOTIFY-URL', { why: 'must not hold a user name or password' });
    return url.href;
  });
}

/**
 * Runs the command, then tells the webhooks how it ended; a refusal thrown
 * before the run is told too, then thrown on.
 */
export async function runNotified(
  command: Command,
  flags: Flags,
  io: CliIo,
  config: ConfigFile | undefined,
  run: () => Promise<CommandResult>,
): Promise<CommandResult> {
  const urls = notifyUrls(command, flags);
  if (urls.length === 0) return run();
  const startedAt = new Date();
  const base = { command: command.name, profile: config?.profile?.name ?? null, startedAt, targetGuess: () => guessTarget(flags, io, config) };
  let result: CommandResult;
  try {
    result = await run();
  } catch (error) {
    if (error instanceof TiError) await notifyAll(urls, await noticeOf(base, { exit: exitCodeForError(error.kind), error }), io, undefined);
    throw error;
  }
  await notifyAll(urls, await noticeOf(base, { exit: result.exit, result }), io, result.scrub);
  return result;
}

/** Where a run refused before it resolved its target would have sent, if that can be said. */
function guessTarget(flags: Flags, io: CliIo, config: ConfigFile | undefined): string | null {
  try {
    return resolveOrigin(flags, io.env, config?.target ?? {});
  } catch {
    return null;
  }
}

interface Ending {
  readonly exit: number;
  readonly result?: CommandResult;
  readonly error?: TiError;
}

/** summary.json as the notice reads it; every field checked, since each command's document differs. */
interface SummaryLike {
  readonly command?: string;
  readonly dryRun?: boolean;
  readonly status?: string;
  readonly target?: string | null;
  readonly folder?: string;
  readonly rows?: Record<string, number> & { total: number };
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly wallTimeMs?: number;
  readonly error?: { readonly message: string; readonly code?: string | null } | null;
  readonly plan?: { readonly changes?: { readonly balance?: { readonly net?: string } } | null } | null;
  readonly options?: { readonly blind?: boolean };
}

async function noticeOf(
  base: { command: string; profile: string | null; startedAt: Date; targetGuess: () => string | null },
  ending: Ending,
): Promise<RunNotice> {
  const summary = (ending.result?.json ?? {}) as SummaryLike;
  const finishedAt = new Date();
  const folder = typeof summary.folder === 'string' ? summary.folder : null;
  const status = summary.status ?? (ending.error === undefined ? 'completed' : ending.error.kind === 'invalid' ? 'refused' : 'stopped');
  const message = ending.error?.message ?? ending.result?.error?.message ?? summary.error?.message ?? null;
  const report =
    folder === null
      ? null
      : (['report.html', 'report.csv', 'verify.csv', 'snapshot.csv'].map((file) => join(folder, file)).find((path) => existsSync(path)) ?? null);
  const applied =
    folder !== null && summary.command === 'apply' && summary.dryRun === false && summary.options?.blind !== true ? await appliedNet(folder) : null;
  const notice: Omit<RunNotice, 'text'> = {
    runId: folder === null ? null : basename(folder),
    command: base.command,
    profile: base.profile,
    target: summary.target ?? base.targetGuess(),
    status,
    exitCode: ending.exit,
    rows: summary.rows ?? null,
    netBalanceChange: { applied, planned: summary.plan?.changes?.balance?.net ?? null },
    durationMs: summary.wallTimeMs ?? finishedAt.getTime() - base.startedAt.getTime(),
    startedAt: summary.startedAt ?? base.startedAt.toISOString(),
    finishedAt: summary.finishedAt ?? finishedAt.toISOString(),
    folder,
    report,
    error: message === null ? null : { code: ending.error?.code ?? ending.result?.error?.code ?? summary.error?.code ?? null, message },
  };
  return { text: noticeText(notice), ...notice };
}

/** The net change of balances the run's updated rows made: what each wrote less what it replaced, from report.csv. */
async function appliedNet(folder: string): Promise<string | null> {
  const { updatedRows } = await import('../report/report-rows.js');
  let net = 0n;
  try {
    for await (const row of updatedRows(folder)) {
      const after = row.written.currentBalance;
      const before = row.baseline.currentBalance;
      if (typeof after === 'number' && typeof before === 'number') net += BigInt(after) - BigInt(before);
    }
  } catch {
    return null;
  }
  return net.toString();
}

const signed = (text: string): string => (text.startsWith('-') ? `−${text.slice(1)}` : text === '0' ? '±0' : `+${text}`);

/** One paragraph a chat shows as it is. */
export function noticeText(notice: Omit<RunNotice, 'text'>): string {
  const where = [notice.target === null ? '' : ` on ${notice.target}`, notice.profile === null ? '' : ` (profile ${notice.profile})`].join('');
  const parts = [`ti-credits ${notice.command}${where}: ${notice.status}, exit ${notice.exitCode}`];
  if (notice.rows !== null) {
    const counts = rowCounts({ rows: notice.rows as { total: number } });
    const named = (['updated', 'unchanged', 'valid', 'drifted', 'uncertain', 'failed', 'invalid', 'skipped', 'holds', 'changed'] as const)
      .filter((outcome) => counts[outcome] > 0)
      .map((outcome) => `${counts[outcome].toLocaleString('en-US')} ${outcome}`);
    parts.push(`${named.length === 0 ? 'no row' : named.join(', ')} of ${counts.total.toLocaleString('en-US')} rows`);
  }
  const net = notice.netBalanceChange.applied ?? notice.netBalanceChange.planned;
  if (net !== null) parts.push(`net ${signed(net)} credits${notice.netBalanceChange.applied === null ? ' planned' : ''}`);
  parts.push(formatDuration(notice.durationMs));
  const text = `${parts.join('; ')}.`;
  const error = notice.error === null ? '' : ` ${notice.error.message}`;
  return `${text}${error}${notice.report === null ? '' : ` Report: ${notice.report}`}`;
}

/** A webhook as it may be written down: its origin alone. */
export function webhookOrigin(url: string): string {
  return `${new URL(url).origin}/…`;
}

async function notifyAll(urls: readonly string[], notice: RunNotice, io: CliIo, scrub: ((text: string) => string) | undefined): Promise<void> {
  const { postWebhook } = await import('../send/webhook.js');
  const body = (scrub ?? ((text: string) => text))(JSON.stringify(notice));
  const outcomes = await Promise.all(
    urls.map(async (url) => {
      const sent = await postWebhook(url, body, undefined, io.hardStop);
      return { url: webhookOrigin(url), delivered: sent.delivered, attempts: sent.attempts, status: sent.status ?? null, error: sent.error ?? null };
    }),
  );
  // verify adds to the folder of the run it checks: its own summary is verify.json.
  const recorded =
    notice.folder === null
      ? false
      : await (await import('../report/run-notes.js')).recordNotifications(notice.folder, outcomes, notice.command === 'verify' ? 'verify.json' : undefined);
  for (const outcome of outcomes.filter((item) => !item.delivered)) {
    io.stderr.write(
      `warning: the notification to ${outcome.url} failed after ${outcome.attempts} ${outcome.attempts === 1 ? 'try' : 'tries'} (${outcome.error ?? 'unknown'}); the run is as it ended${recorded ? ', and run.log and summary.json say so' : ''}.\n`,
    );
  }
}

import { join, relative } from 'node:path';
import type { LeftOutBatch, RolloverResult } from '../../pipeline/rollover.js';
import type { LeftOutReason } from '../../report/rollover-file.js';
import { shellWord } from '../flags/recorded.js';
import { formatDuration, plural } from '../messages.js';
import { localMoment } from './moments.js';
import { printable } from './selection.js';
import { targetFlag } from './summary.js';

const shortId = (id: string): string => `${id.slice(0, 8)}…`;

/** A client as a line names it: its name and the start of its id, or its id alone. */
export function clientLabel(clientId: string, name: string | undefined): string {
  return name === undefined ? clientId : `${printable(name)} (${shortId(clientId)})`;
}

const LEFT_OUT_WORDS: Readonly<Record<LeftOutReason, (n: number) => string>> = {
  earlier: (n) => `${plural(n, 'batch', 'batches')} already expiring later (a rollover never moves an expiry earlier)`,
  inactive: (n) => `${plural(n, 'batch', 'batches')} whose status is not active (--include-inactive moves ${n === 1 ? 'it' : 'them'} too)`,
  already: (n) => `${plural(n, 'batch', 'batches')} already expiring then`,
};

/**
 * What `rollover` found, as a plan reads: how many batches of each client
 * move, from which expiries to which, what was left out and why, and the
 * command that makes the plan of the file against the live values.
 */
export function formatRollover(result: RolloverResult, cwd: string): string {
  const { summary, facts } = result;
  const { timezone, to, expiringBetween } = summary.options;
  const requests = `${plural(summary.requests.sent, 'request')} in ${formatDuration(summary.wallTimeMs)}`;
  if (facts === undefined) return `No rollover.csv was written (${requests}); run log: ${relative(cwd, join(result.folder, 'run.log'))}\n`;
  const where = (path: string): string => relative(cwd, path) || path;
  const target = localMoment(facts.target, timezone);
  const window = `expiring from ${expiringBetween[0]} to ${expiringBetween[1]} (${timezone})`;
  const lines = [
    facts.moved === 0
      ? `Rollover: no credit batch ${window} is to move to ${to}.`
      : `Rollover: ${plural(facts.moved, 'credit batch', 'credit batches')} of ${plural(facts.clients.length, 'client')} ${window} move to the end of ${to}: ${target} ${timezone} (${facts.target}).`,
    ...facts.clients.map((move) => {
      const from =
        move.earliest === move.latest
          ? localMoment(move.earliest, timezone)
          : `${localMoment(move.earliest, timezone)} … ${localMoment(move.latest, timezone)}`;
      return `  ${clientLabel(move.clientId, move.name)}: ${plural(move.batches, 'batch', 'batches')}, expiring ${from} → ${target}`;
    }),
  ];
  const reasons = (['earlier', 'inactive', 'already'] as const).filter((reason) => facts.leftOut[reason] > 0);
  if (reasons.length > 0) {
    lines.push(`  Left out, not moved: ${reasons.map((reason) => LEFT_OUT_WORDS[reason](facts.leftOut[reason])).join('; ')}.`);
    lines.push(...facts.leftOut.first.map((batch) => `    ${leftOutLine(batch, timezone)}`));
    const total = reasons.reduce((sum, reason) => sum + facts.leftOut[reason], 0);
    if (total > facts.leftOut.first.length) lines.push(`    … and ${plural(total - facts.leftOut.first.length, 'more')}.`);
  }
  lines.push(`  Read ${plural(facts.listed, 'credit batch', 'credit batches')} of ${plural(facts.clientsRead, 'client')} with ${requests}; nothing was sent.`);
  if (facts.file !== null) lines.push(`File: ${where(facts.file)}`);
  if (facts.leftOutFile !== null) lines.push(`Left out: ${where(facts.leftOutFile)}`);
  if (facts.file !== null && summary.target !== null) {
    const zone = timezone === 'UTC' ? '' : ` --timezone ${shellWord(timezone)}`;
    lines.push(
      'Next, the plan of the file against the live values (it sends nothing; apply --plan sends it once approved):',
      `  ti-credits plan ${shellWord(where(facts.file))} ${targetFlag(summary.target)}${zone}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function leftOutLine(batch: LeftOutBatch, timezone: string): string {
  const name = batch.name === undefined ? shortId(batch.id) : `${printable(batch.name)} (${shortId(batch.id)})`;
  const why = batch.reason === 'inactive' ? `status ${printable(batch.status ?? '(none)')}` : batch.reason === 'earlier' ? 'later already' : 'then already';
  return `${clientLabel(batch.clientId, batch.clientName)}: ${name} expires ${localMoment(batch.expiresOn, timezone)}, ${why}`;
}

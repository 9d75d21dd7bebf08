import { join, relative } from 'node:path';
import { say } from '../../core/words.js';
import { SELECTION_WORDS } from '../../core/words/selection.js';
import type { ClientList } from '../../pipeline/clients.js';
import type { RunResult } from '../../pipeline/run.js';
import { REPORT_FILE } from '../../report/report-writer.js';
import type { SnapshotSettings } from '../../pipeline/snapshot.js';
import { plural } from '../messages.js';

/**
 * The words of choosing what to change: the client list, and names as the
 * terminal shows them beside ids.
 */

/** Characters a name from the API must not send to a terminal as they are: controls, and the marks that reorder a line. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAME_SHOWN = 80;

/** A name as a terminal line shows it: controls escaped, cut to 80 characters. */
export function printable(name: string): string {
  const escaped = name.replace(UNPRINTABLE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > NAME_SHOWN ? `${escaped.slice(0, NAME_SHOWN - 1)}…` : escaped;
}

/** `clients`: one line per client, by name, its id first so that it lines up. */
export function formatClients(list: ClientList): string {
  const matching = list.query === null ? '' : ` matching ${JSON.stringify(list.query)}`;
  const head = `${plural(list.clients.length, 'client')}${matching} on ${list.target} (${plural(list.requests, 'request')})${list.clients.length === 0 ? '.' : ':'}`;
  const sorted = [...list.clients].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'en', { sensitivity: 'base' }) || (a.id < b.id ? -1 : 1));
  return `${[head, ...sorted.map((client) => `  ${client.id}  ${client.name === undefined ? '(no name)' : printable(client.name)}`)].join('\n')}\n`;
}

/** What the filters of a snapshot kept, in words: `, those expiring from … to … (zone) with status active`; empty without filters. */
export function selectionWords(options: Pick<SnapshotSettings, 'expiringBetween' | 'statuses' | 'timezone'>): string {
  const parts = [
    options.expiringBetween === undefined || options.expiringBetween === null
      ? ''
      : ` expiring from ${options.expiringBetween[0]} to ${options.expiringBetween[1]} (${options.timezone ?? 'UTC'})`,
    options.statuses === undefined || options.statuses === null ? '' : ` with status ${options.statuses.join(' or ')}`,
  ].join('');
  return parts === '' ? '' : `, those${parts}`;
}

/** A run the operator ended at the question, by answering no or with Ctrl-C: that nothing was sent, and where the report is; never a command that sends. */
export function formatCancelled(result: RunResult, cwd: string): string {
  const report = (result.summary.rows.total ?? 0) > 0 ? `Report: ${relative(cwd, join(result.folder, REPORT_FILE)) || REPORT_FILE} (every row skipped)\n` : '';
  return `${say(SELECTION_WORDS, 'TIC-CANCELLED', {}).message}\n${report}`;
}

import { stripVTControlCharacters } from 'node:util';
import type { PacingStats } from '../../core/run-facts.js';
import type { ReadProgress } from '../../pipeline/live/live-batches.js';
import { count, formatDuration, plural } from '../messages.js';

/** Where sending stands, as one line: the progress bar's words, and what is printed every --progress-interval off a terminal. */
export interface ProgressFacts {
  readonly done: number;
  readonly total: number;
  readonly rowsPerMinute: number;
  readonly timeLeftMs: number | undefined;
  readonly updated: number;
  readonly failed: number;
  readonly retrying: number;
  readonly pauseLeftMs: number;
  /** The pace sending keeps now, and what set it. */
  readonly pacing: Pick<PacingStats, 'ratePerMinute' | 'learnedRatePerMinute' | 'throttled'>;
}

export function formatProgressCounts(facts: ProgressFacts): string {
  const left = facts.timeLeftMs === undefined ? 'time left unknown' : `about ${formatDuration(facts.timeLeftMs)} left`;
  return `${count(Math.round(facts.rowsPerMinute))} rows/min (${formatPace(facts.pacing)}), ${left}; ${count(facts.updated)} updated, ${count(facts.failed)} failed, ${count(facts.retrying)} retrying`;
}

/** The pace in force and what set it: the API's stated limit, its 429s, or neither yet. */
export function formatPace(pacing: ProgressFacts['pacing']): string {
  if (pacing.ratePerMinute <= 0) return 'unpaced';
  const source = pacing.throttled ? ', learned from 429s' : pacing.learnedRatePerMinute !== null ? ", the API's limit" : '';
  return `pace ${count(pacing.ratePerMinute)}/min${source}`;
}

/** The parts of the progress bar's line that a narrow terminal can do without, least important first. */
const DROPPED_FIRST = ['pace', 'retrying', 'updated', 'bar', 'timeLeft', 'pause', 'failed'] as const;
type ProgressPart = (typeof DROPPED_FIRST)[number];

/** How the bar and the pause are drawn: the display's business (colour, the bar's characters). */
export interface ProgressDrawing {
  bar(fraction: number): string;
  pause(text: string): string;
}

/**
 * The progress bar's line, no wider than `width` columns: parts are left out,
 * least important first, until it fits, so that the rows done, the failed
 * count and a rate-limit pause are the last to go, where a line cut at the
 * terminal's edge would lose them first.
 */
export function formatProgressBar(facts: ProgressFacts, width: number, draw: ProgressDrawing): string {
  const pause = formatPause(facts.pauseLeftMs);
  const kept = new Set<ProgressPart>(DROPPED_FIRST.filter((part) => part !== 'pause' || pause !== ''));
  let line = progressBarLine(facts, kept, pause, draw);
  for (const part of DROPPED_FIRST) {
    if (stripVTControlCharacters(line).length <= width) break;
    kept.delete(part);
    line = progressBarLine(facts, kept, pause, draw);
  }
  return line;
}

function progressBarLine(facts: ProgressFacts, kept: ReadonlySet<ProgressPart>, pause: string, draw: ProgressDrawing): string {
  const part = (name: ProgressPart, text: string): string => (kept.has(name) ? text : '');
  const joined = (separator: string, ...parts: string[]): string => parts.filter((text) => text !== '').join(separator);
  const left = facts.timeLeftMs === undefined ? 'time left unknown' : `about ${formatDuration(facts.timeLeftMs)} left`;
  return joined(
    ' | ',
    joined(' ', part('bar', draw.bar(facts.total > 0 ? facts.done / facts.total : 0)), `${count(facts.done)}/${count(facts.total)} rows`),
    joined(
      '; ',
      joined(', ', part('pace', `${count(Math.round(facts.rowsPerMinute))} rows/min (${formatPace(facts.pacing)})`), part('timeLeft', left)),
      joined(
        ', ',
        part('updated', `${count(facts.updated)} updated`),
        part('failed', `${count(facts.failed)} failed`),
        part('retrying', `${count(facts.retrying)} retrying`),
      ),
    ),
    part('pause', pause === '' ? '' : draw.pause(pause)),
  );
}

export function formatPause(pauseLeftMs: number): string {
  return pauseLeftMs > 0 ? `paused by rate limit, resuming in ${Math.ceil(pauseLeftMs / 1000)} s` : '';
}

export function formatProgressLine(facts: ProgressFacts): string {
  const share = facts.total > 0 ? ` (${Math.floor((facts.done * 100) / facts.total)}%)` : '';
  const pause = formatPause(facts.pauseLeftMs);
  return `progress: ${count(facts.done)}/${plural(facts.total, 'row')}${share}, ${formatProgressCounts(facts)}${pause === '' ? '' : `; ${pause}`}\n`;
}

/** Where reading the live values stands, as one line: what was read, and the time left at the pace when the lists' totals tell it. */
export function formatReading(progress: ReadProgress, ratePerMinute: number): string {
  const { scopes, scopesRead, pages, batches, pagesKnown } = progress;
  const left =
    pagesKnown > pages && ratePerMinute > 0
      ? `; about ${formatDuration(((pagesKnown - pages) / ratePerMinute) * 60_000)} left${scopesRead + 1 < scopes ? ' for the lists begun' : ''}`
      : '';
  return `Reading the live values: ${count(scopesRead)}/${plural(scopes, 'list')} read, ${plural(pages, 'page')}, ${plural(batches, 'credit batch', 'credit batches')}${left}`;
}

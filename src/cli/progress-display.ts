import { styleText } from 'node:util';
import cliProgress from 'cli-progress';
import type { ReadProgress } from '../pipeline/live/live-batches.js';
import type { SendProgress } from '../pipeline/send-progress.js';
import type { Terminal } from './io.js';
import { formatProgressBar, formatProgressLine, formatReading, type ProgressDrawing, type ProgressFacts } from './views/progress.js';
import { PaceEstimate } from './pace-estimate.js';

/** Shows sending as it goes: a bar on a terminal, a plain line now and then anywhere else. */
export interface ProgressDisplay {
  start(progress: SendProgress): void;
  /** Writes a message of whole lines where it can be read, not under a bar that is redrawn over it. */
  note(text: string): void;
  stop(): void;
}

/** How often the bar's figures are refreshed. */
const BAR_REFRESH_MS = 250;

export function createProgressDisplay(
  where: { readonly terminal?: Terminal | undefined; readonly stderr: { write(text: string): unknown } },
  options: { readonly intervalMs: number; readonly color: boolean },
): ProgressDisplay {
  return where.terminal === undefined ? new LineDisplay(where.stderr, options.intervalMs) : new BarDisplay(where.terminal, options.color);
}

function readFacts(progress: SendProgress, estimate: PaceEstimate): ProgressFacts {
  const done = progress.updated + progress.failed;
  estimate.observe(performance.now(), done);
  const { pacing } = progress;
  const rowsPerMinute = estimate.rowsPerMinute(pacing.ratePerMinute);
  return {
    done,
    total: progress.total,
    rowsPerMinute,
    timeLeftMs: PaceEstimate.timeLeftMs(progress.total - done, rowsPerMinute),
    updated: progress.updated,
    failed: progress.failed,
    retrying: progress.retrying,
    pauseLeftMs: progress.pauseLeftMs,
    pacing,
  };
}

/** Off a terminal (cron, CI, a pipe): a line every interval, which a log file keeps readable. */
class LineDisplay implements ProgressDisplay {
  readonly #out: { write(text: string): unknown };
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(out: { write(text: string): unknown }, intervalMs: number) {
    this.#out = out;
    this.#intervalMs = intervalMs;
  }

  start(progress: SendProgress): void {
    const estimate = new PaceEstimate();
    readFacts(progress, estimate);
    this.#timer = setInterval(() => this.#out.write(formatProgressLine(readFacts(progress, estimate))), this.#intervalMs);
    this.#timer.unref();
  }

  note(text: string): void {
    this.#out.write(text);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The bar's length in characters, when the terminal is wide enough to show it. */
const BAR_SIZE = 24;

/** On a terminal: a bar redrawn in place, fitted to the terminal's width, with the pause after a 429 shown while it lasts. */
class BarDisplay implements ProgressDisplay {
  readonly #terminal: Terminal;
  readonly #color: boolean;
  #bar: cliProgress.SingleBar | undefined;
  #timer: NodeJS.Timeout | undefined;
  #refresh: (() => void) | undefined;

  constructor(terminal: Terminal, color: boolean) {
    this.#terminal = terminal;
    this.#color = color;
  }

  start(progress: SendProgress): void {
    // The choice is made (OperatorOptions.color); styleText would otherwise judge process.stdout, not the terminal drawn on.
    const paint = (style: Parameters<typeof styleText>[0], text: string): string =>
      this.#color && text !== '' ? styleText(style, text, { validateStream: false }) : text;
    const drawing: ProgressDrawing = {
      bar: (fraction) => {
        const filled = Math.round(fraction * BAR_SIZE);
        return paint('green', `${'\u2588'.repeat(filled)}${'\u2591'.repeat(BAR_SIZE - filled)}`);
      },
      pause: (text) => paint('yellow', text),
    };
    const estimate = new PaceEstimate();
    let facts = readFacts(progress, estimate);
    const output = this.#terminal.output;
    // One column spare: a line that fills the last one makes some terminals wrap before the bar is redrawn.
    const bar = new cliProgress.SingleBar({
      stream: output,
      format: () => formatProgressBar(facts, (output.columns ?? 80) - 1, drawing),
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(progress.total, facts.done);
    this.#bar = bar;
    this.#refresh = () => {
      facts = readFacts(progress, estimate);
      bar.update(facts.done);
    };
    this.#timer = setInterval(this.#refresh, BAR_REFRESH_MS);
    this.#timer.unref();
  }

  /**
   * The bar ends first. Left running, it would be redrawn below the message,
   * and on stopping cli-progress puts the cursor back where the bar began,
   * above the message, so that what follows is written over it.
   */
  note(text: string): void {
    this.stop();
    this.#terminal.output.write(text);
  }

  stop(): void {
    clearInterval(this.#timer);
    // The last rows finish between two refreshes: the bar ends on the final count.
    this.#refresh?.();
    this.#refresh = undefined;
    this.#bar?.stop();
    this.#bar = undefined;
  }
}

/** How often the line saying where the reading stands is redrawn on a terminal. */
const READ_REFRESH_MS = 250;

/**
 * Shows the live values being read for the plan: on a terminal, one line
 * redrawn in place, cleared once they are read (the plan says what they
 * cost); off a terminal, a line every interval, for a read that is long.
 */
export function showReading(
  where: { readonly terminal?: Terminal | undefined; readonly stderr: { write(text: string): unknown } },
  intervalMs: number,
  progress: ReadProgress,
  pace: () => number,
): () => void {
  const terminal = where.terminal;
  if (terminal === undefined) {
    const timer = setInterval(() => where.stderr.write(`${formatReading(progress, pace())}\n`), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
  const draw = (): void => void terminal.output.write(`\r\x1b[2K${formatReading(progress, pace()).slice(0, (terminal.output.columns ?? 80) - 1)}`);
  const timer = setInterval(draw, READ_REFRESH_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    terminal.output.write('\r\x1b[2K');
  };
}

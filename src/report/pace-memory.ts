import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The pace each target's last run learned, kept in the reports root (where
 * the run folders and the run ledger are: --reports) so that the next run
 * against the same target starts from it: a --rate told too high, or an API
 * that states no limit, costs one run a few seconds of 429s, not every run.
 * Keyed by the target's origin; it never holds the key, nor anything of it.
 *
 * A memory, not a record: a file that cannot be read, or an entry that does
 * not make sense, is as if absent, and a write that fails is left at that.
 * Pacing never depends on it, only starts better with it.
 */
export const PACE_FILE = 'pace.json';

export interface RememberedPace {
  /** Requests per minute the API allowed (its X-RateLimit-Limit, or as its 429s showed it). */
  readonly ratePerMinute: number;
  /** Its burst as learned; null when unknown. */
  readonly burst: number | null;
  /** Whether the API stated that limit in its headers, rather than let its 429s show it. */
  readonly stated: boolean;
  readonly learnedAt: string;
}

interface PaceFile {
  readonly targets: Readonly<Record<string, RememberedPace>>;
}

/** What the last run against `origin` learned; undefined when nothing usable is remembered. */
export async function recallPace(root: string, origin: string): Promise<RememberedPace | undefined> {
  const entry = (await readPaceFile(root)).targets[origin];
  return entry !== undefined && isRememberedPace(entry) ? entry : undefined;
}

/** Remembers what a run against `origin` learned, beside the other targets'; never fails. */
export async function rememberPace(root: string, origin: string, pace: RememberedPace): Promise<void> {
  const path = join(root, PACE_FILE);
  // A name of its own: two runs ending at once must not write into the same temporary file.
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const { targets } = await readPaceFile(root);
    await writeFile(temporary, `${JSON.stringify({ targets: { ...targets, [origin]: pace } } satisfies PaceFile, null, 2)}\n`);
    await rename(temporary, path);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}

async function readPaceFile(root: string): Promise<PaceFile> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(root, PACE_FILE), 'utf8'));
    const targets = (parsed as { targets?: unknown } | null)?.targets;
    if (typeof targets !== 'object' || targets === null || Array.isArray(targets)) return { targets: {} };
    return { targets: Object.fromEntries(Object.entries(targets).filter(([, entry]) => isRememberedPace(entry))) as Record<string, RememberedPace> };
  } catch {
    return { targets: {} };
  }
}

function isRememberedPace(entry: unknown): entry is RememberedPace {
  const pace = entry as Partial<RememberedPace> | null;
  const positive = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 1_000_000;
  return (
    typeof pace === 'object' &&
    pace !== null &&
    positive(pace.ratePerMinute) &&
    (pace.burst === null || positive(pace.burst)) &&
    typeof pace.stated === 'boolean' &&
    typeof pace.learnedAt === 'string'
  );
}

import { editDistance } from '../core/edit-distance.js';

/** The known name closest to a mistyped one, if it is close enough to be what was meant. */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(typed.length / 3));
  if (best !== undefined && bestDistance <= allowed) return best;
  // A prefix of exactly one option (--rat for --rate) is what was meant too.
  const prefixed = known.filter((name) => name.startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

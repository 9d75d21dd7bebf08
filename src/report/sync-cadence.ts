import { fdatasyncSync } from 'node:fs';

/**
 * Forces what was appended to a file onto the disk at most once per
 * `intervalMs` for each file. Every append already reaches the operating
 * system, so a crash of ti-credits (even kill -9) loses nothing; what the
 * cadence bounds is what a power cut could lose, at the cost of one fsync per
 * interval rather than per row.
 */
export function syncEvery(intervalMs: number): (fd: number) => void {
  const last = new Map<number, number>();
  return (fd) => {
    const now = performance.now();
    if (now - (last.get(fd) ?? Number.NEGATIVE_INFINITY) < intervalMs) return;
    fdatasyncSync(fd);
    last.set(fd, now);
  };
}

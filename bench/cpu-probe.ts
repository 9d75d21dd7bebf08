import { writeFileSync } from 'node:fs';

/**
 * Loaded with `node --import` into a measured process: as it exits, writes
 * the CPU it used (user + system, µs) and its peak RSS (bytes) to the file
 * BENCH_CPU_FILE names, so that a benchmark can compare the CPU per request
 * of two programs, or measure a run that leaves no summary.json.
 */
process.on('exit', () => {
  const path = process.env.BENCH_CPU_FILE;
  if (path === undefined) return;
  const { user, system } = process.cpuUsage();
  writeFileSync(path, JSON.stringify({ cpuMicros: user + system, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
});

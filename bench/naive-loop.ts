import { readFile } from 'node:fs/promises';
import http from 'node:http';
import got, { HTTPError } from 'got';
import pLimit from 'p-limit';
import pRetry from 'p-retry';

/**
 * The plainest client that does the job: the CSV read whole, split on commas,
 * each row PUT through got under p-limit and p-retry with their defaults,
 * nothing validated, paced, logged or reported. It is the baseline twice
 * over: what got itself costs (bench/apply.ts), and what a client that does
 * not pace itself suffers against a rate limit (bench/rate.ts).
 * Usage: naive-loop.js <csv> <origin> <concurrency>; prints, as JSON, the rows
 * sent, the requests made, how many were answered 429, and the sending time.
 */
const [path, origin, concurrency] = process.argv.slice(2) as [string, string, string];
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const client = got.extend({
  prefixUrl: `${origin}/incoming/v2/`,
  headers: { authorization: `Bearer ${process.env.TI_API_KEY ?? ''}` },
  agent: { http: agent },
  timeout: { request: 30_000 },
  retry: { limit: 0 },
});
const limit = pLimit(Number(concurrency));
const rows = (await readFile(path, 'utf8')).trim().split('\n').slice(1);
let requests = 0;
let throttled = 0;
const started = performance.now();
await Promise.all(
  rows.map((line) =>
    limit(() =>
      pRetry(async () => {
        const [id, name, expiresOn, currentBalance] = line.split(',') as [string, string, string, string];
        requests++;
        try {
          await client.put(`clients/creditBatches/${id}`, { json: { name, expiresOn, currentBalance: Number(currentBalance) } });
        } catch (error) {
          if (error instanceof HTTPError && error.response.statusCode === 429) throttled++;
          throw error;
        }
      }),
    ),
  ),
);
const sendingMs = performance.now() - started;
process.stdout.write(JSON.stringify({ rows: rows.length, requests, throttled, sendingMs }));
agent.destroy();

import { readFile } from 'node:fs/promises';
import http from 'node:http';
import got from 'got';
import pLimit from 'p-limit';
import pRetry from 'p-retry';

/**
 * The plainest client that does the job: the CSV read whole, split on commas,
 * each row PUT through got under p-limit and p-retry, nothing validated,
 * logged or reported. It shows what got itself costs, the ceiling for apply.
 * Usage: naive-loop.js <csv> <origin> <concurrency>; prints the number of rows sent.
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
await Promise.all(
  rows.map((line) =>
    limit(() =>
      pRetry(async () => {
        const [id, name, expiresOn, currentBalance] = line.split(',') as [string, string, string, string];
        await client.put(`clients/creditBatches/${id}`, { json: { name, expiresOn, currentBalance: Number(currentBalance) } });
      }),
    ),
  ),
);
process.stdout.write(String(rows.length));
agent.destroy();

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, ids, readReport, tempDir, writeCsv } from '../helpers.js';
import { hostileServer } from '../hostile-server.js';

async function csvOf(dir: string, rows: readonly string[]): Promise<string> {
  return writeCsv(dir, `id,currentBalance\n${rows.map((id) => `${id},5`).join('\n')}\n`);
}

describe('a 429 that asks for no wait (issue 13, point 11)', { concurrency: true }, () => {
  const past = new Date(Date.now() - 3_600_000).toUTCString();
  for (const retryAfter of ['0', '1.5', past]) {
    it(`Retry-After: ${retryAfter} still waits the API's pace, each retry counts against --max-throttle-wait, and the run ends`, async () => {
      const server = await hostileServer((_request, response) => {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
        response.end(JSON.stringify({ error: 'rate_limit_exceeded', message: 'Too many requests' }));
      });
      const rows = ids(4);
      const dir = await tempDir();
      const concurrency = 4;
      const args = ['apply', '--blind', '--yes', await csvOf(dir, rows), '--base-url', server.origin, '--rate', '100000', '--max-throttle-wait', '2', '--concurrency', String(concurrency)];
      const run = await cli(args, { cwd: dir });
      assert.equal(run.code, 1, run.stderr);

      const report = await readReport(dir);
      assert.deepEqual(report.map((row) => row.outcome), ['failed', 'failed', 'failed', 'failed']);
      for (const row of report) assert.match(row.error ?? '', /kept throttling requests \(429\).*longer than --max-throttle-wait allows one row \(2 s\)/);
      // A pause of at least a second per 429, charged to the row: at most 1 + 2 s / 1 s requests for each.
      assert.ok(server.requests.length <= rows.length * 3, `${server.requests.length} requests for ${rows.length} rows`);
      for (const row of report) assert.ok(Number(row.attempts) <= 3, `line ${row.line}: ${row.attempts} attempts`);
      // Requests come in one round per pause, never faster: no second holds more than two rounds.
      const times = server.requests.map((request) => request.at).sort((a, b) => a - b);
      const busiestSecond = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length));
      assert.ok(busiestSecond <= 2 * concurrency, `${busiestSecond} requests in one second`);
    });
  }
});

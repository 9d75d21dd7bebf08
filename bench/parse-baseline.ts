import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/**
 * The floor for `validate`: csv-parse alone streaming the same file, nothing
 * validated or written. Prints its row count, time and peak RSS as JSON.
 */
const started = performance.now();
let rows = 0;
for await (const record of createReadStream(process.argv[2] as string).pipe(parse({ bom: true, relax_column_count: true }))) {
  if ((record as string[]).length > 0) rows++;
}
process.stdout.write(JSON.stringify({ rows: rows - 1, ms: performance.now() - started, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));

import { readCsvBatches } from '../src/read/csv-records.js';
import { sniffLayout } from '../src/read/layout.js';
import { chooseSheet, readWorkbookBatches } from '../src/read/workbook.js';

/**
 * Reads a file as `validate` will, and nothing else: every record of a
 * workbook's sheet (`workbook`) or of a CSV file (`csv`), counted. Prints
 * its row count, time and peak RSS as JSON, for bench/workbook.ts.
 */
const [kind, path = ''] = process.argv.slice(2);
const started = performance.now();
let records = 0;
if (kind === 'workbook') {
  const sheet = await chooseSheet(path, { isHeader: (cells) => cells.includes('id') });
  for await (const batch of readWorkbookBatches(path, { sheet })) records += batch.length;
} else {
  for await (const batch of readCsvBatches(path, await sniffLayout(path, {}))) records += batch.length;
}
process.stdout.write(JSON.stringify({ rows: records - 1, ms: performance.now() - started, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));

import ExcelJS from 'exceljs';

/**
 * The floor for `validate` of a workbook: exceljs's streaming reader alone
 * reading every row of the first sheet, nothing validated or written. Its
 * defaults, but for the styles, which it needs (as ti-credits does) to
 * tell a date cell from a number; its shared strings resolved, as
 * ti-credits resolves them. Prints its row count, time and peak RSS as JSON.
 */
const started = performance.now();
let rows = 0;
const reader = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2] as string, {
  sharedStrings: 'cache',
  hyperlinks: 'ignore',
  styles: 'cache',
  worksheets: 'emit',
  entries: 'ignore',
});
for await (const sheet of reader) {
  for await (const row of sheet) if ((row as ExcelJS.Row).cellCount > 0) rows++;
  break;
}
process.stdout.write(JSON.stringify({ rows: rows - 1, ms: performance.now() - started, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));

import { XmlReader } from './dist/src/read/xml-reader.js';
import { SheetXmlReader } from './dist/src/read/sheet-xml.js';
function run(label, unit, count, prefix='<worksheet><sheetData>', suffix='</sheetData></worksheet>') {
  const chunk = unit.repeat(Math.ceil(65536 / unit.length));
  const total = count * unit.length;
  const xml = new SheetXmlReader();
  const r = new XmlReader(xml);
  const t = performance.now();
  r.write(prefix);
  let n = 0;
  for (let done = 0; done < total; done += chunk.length) { for (let at=0; at<chunk.length; at+=16384) { r.write(chunk.slice(at, at+16384)); n += xml.rows.length; xml.rows = []; } }
  r.write(suffix); r.end();
  const ms = performance.now() - t;
  console.log(label, (total/1e6).toFixed(0), 'MB', ms.toFixed(0), 'ms', (total/1e3/ms).toFixed(1), 'MB/s rows', n, 'rss', (process.memoryUsage().rss/1e6).toFixed(0));
}
run('empty rows <row/>', '<row/>', 10_000_000);
run('ws', '          ', 5_000_000, '<worksheet>', '</worksheet>');
run('cells no value', '<row><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/></row>', 1_000_000);
run('x elems', '<x/>', 20_000_000);

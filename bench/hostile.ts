import { once } from 'node:events';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, createDeflateRaw } from 'node:zlib';
import { mulberry32 } from '../src/mock/faults.js';
import { MOCK_API_KEY } from '../src/mock/server.js';
import { CLI, cpuProbe, mb, median, readProbe, round, runNode, RUNS, spawnMock, writeWorkbookRows } from './common.js';

/**
 * Hostile workbooks of under 2 MB (issue 26), each handed to `ti-credits
 * validate` in a process of its own, next to a real workbook of the same
 * size measured in the same run: the files the adversarial run found (a
 * stray cell at ZZZZZ4, a gigabyte of elements, a 2 GB part of spaces, a 1 GB
 * shared string) and the worst that pass every bound (a sheet or shared
 * strings inflating just under 25 times, a shared string used by every cell
 * up to the sheet's allowance, a value at XFD on every row). Target: any of
 * them handled within 300 MB and 10 s, medians of the runs on a machine
 * other work shares.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE = 'http://schemas.openxmlformats.org/package/2006/relationships';
const HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>currentBalance</t></is></c></row>';
const ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const VALID_ROW = `<row r="2"><c r="A2" t="inlineStr"><is><t>${ID}</t></is></c><c r="B2"><v>5</v></c></row>`;

interface Entry {
  readonly name: string;
  readonly data: Buffer;
  readonly crc: number;
  readonly size: number;
}

/** An entry deflated as its chunks are made: a part of gigabytes never held whole. */
async function entry(name: string, chunks: Iterable<Buffer | string>): Promise<Entry> {
  const deflate = createDeflateRaw();
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  let crc = 0;
  let size = 0;
  for (const piece of chunks) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { name, data: Buffer.concat(out), crc, size };
}

async function writeZip(path: string, entries: readonly Entry[]): Promise<void> {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const { name, data, crc, size } of entries) {
    const fileName = Buffer.from(name);
    const fields = (header: Buffer, at: number): void => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(0x0800, at + 2);
      header.writeUInt16LE(8, at + 4);
      header.writeUInt16LE(0, at + 6);
      header.writeUInt16LE(0x21, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(data.length, at + 14);
      header.writeUInt32LE(size, at + 18);
      header.writeUInt16LE(fileName.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    directory.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(path, Buffer.concat([...locals, directoryBytes, end]));
}

/** A workbook of one sheet, `changes`, whose sheetData and shared strings are made of the chunks given. */
async function workbook(path: string, rows: Iterable<Buffer | string>, strings: Iterable<Buffer | string> = []): Promise<{ inflated: number }> {
  const sheet = await entry(
    'xl/worksheets/sheet1.xml',
    chain([`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>`], rows, ['</sheetData></worksheet>']),
  );
  const shared = await entry('xl/sharedStrings.xml', chain([`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}">`], strings, ['</sst>']));
  const small = await Promise.all([
    entry('[Content_Types].xml', ['<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>']),
    entry('_rels/.rels', [
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PACKAGE}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ]),
    entry('xl/workbook.xml', [
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><sheets><sheet name="changes" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ]),
    entry('xl/_rels/workbook.xml.rels', [
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PACKAGE}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ]),
  ]);
  await writeZip(path, [...small, sheet, shared]);
  return { inflated: sheet.size + shared.size };
}

function* chain(...parts: Iterable<Buffer | string>[]): Generator<Buffer | string> {
  for (const part of parts) yield* part;
}

/** `bytes` of `unit` repeated, in chunks of about 1 MB. */
function* repeated(unit: string, bytes: number): Generator<Buffer> {
  const chunk = Buffer.from(unit.repeat(Math.max(1, Math.floor((1024 * 1024) / unit.length))));
  for (let done = 0; done < bytes; done += chunk.length) yield chunk;
}

/** Empty elements, `<y/>` among `<x/>` once in `1 / rare`: XML that deflates about 24 times, just within the ratio allowed. */
function* elements(bytes: number, rare: number): Generator<Buffer> {
  const random = mulberry32(1);
  for (let done = 0; done < bytes; done += 1024 * 1024) {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < chunk.length; at += 4) chunk.write(random() < rare ? '<y/>' : '<x/>', at);
    yield chunk;
  }
}

/** Shared strings of 32,000 characters, `b` among `a` once in `1 / rare`: text that deflates about 24 times. */
function* longStrings(bytes: number, rare: number): Generator<Buffer> {
  const random = mulberry32(7);
  for (let done = 0; done < bytes; done += 32_000) {
    const text = Buffer.alloc(32_000, 'a');
    for (let at = 0; at < text.length; at++) if (random() < rare) text[at] = 0x62;
    yield Buffer.concat([Buffer.from('<si><t>'), text, Buffer.from('</t></si>')]);
  }
}

function* rows(count: number, row: (line: number) => string): Generator<string> {
  let batch = '';
  for (let line = 3; line < count + 3; line++) {
    batch += row(line);
    if (batch.length > 1024 * 1024) {
      yield batch;
      batch = '';
    }
  }
  yield batch;
}

const columnsOf = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => (index < 26 ? String.fromCharCode(65 + index) : `A${String.fromCharCode(65 + index - 26)}`));

interface Case {
  readonly name: string;
  readonly what: string;
  /** Makes the file; absent, the case reads the file of the case `file` names. */
  readonly make?: (path: string) => Promise<{ inflated: number }>;
  readonly file?: string;
  /** Sent with `apply --blind` to the mock rather than validated: the sheet read for each pass. */
  readonly apply?: boolean;
}

const ROWS = Number(process.env.BENCH_ROWS ?? 60_000);

const CASES: readonly Case[] = [
  {
    name: 'baseline',
    what: `a real workbook of ${round(ROWS)} rows (writeWorkbookRows)`,
    make: async (path) => {
      await writeWorkbookRows(path, ROWS);
      return { inflated: 0 };
    },
  },
  {
    name: 'stray-ZZZZZ4',
    what: 'one stray cell at ZZZZZ4 (12 million columns)',
    make: (path) => workbook(path, [HEADER_ROW, VALID_ROW, '<row r="4"><c r="ZZZZZ4"><v>1</v></c></row>']),
  },
  {
    name: 'stray-ZZZZZZZZZ4',
    what: 'one stray cell at ZZZZZZZZZ4',
    make: (path) => workbook(path, [HEADER_ROW, VALID_ROW, '<row r="4"><c r="ZZZZZZZZZ4"><v>1</v></c></row>']),
  },
  { name: 'elements-1GB', what: '1 GB of empty elements', make: (path) => workbook(path, chain([HEADER_ROW], repeated('<x/>', 1024 ** 3))) },
  { name: 'spaces-1.9GB', what: '1.9 GB of spaces in the sheet', make: (path) => workbook(path, chain([HEADER_ROW], repeated(' ', 1.9 * 1024 ** 3))) },
  {
    name: 'string-1GB',
    what: 'one shared string of 1 GB',
    make: (path) => workbook(path, [HEADER_ROW], chain(['<si><t>'], repeated('a', 1024 ** 3), ['</t></si>'])),
  },
  {
    name: 'elements-at-limit',
    what: 'empty elements inflating 24 times, after the header',
    make: (path) => workbook(path, chain([HEADER_ROW, VALID_ROW], elements(45 * 1024 * 1024, 0.17))),
  },
  {
    name: 'elements-first',
    what: 'the same elements before the header and a valid row (read to choose the sheet, then to validate)',
    make: (path) => workbook(path, chain(elements(45 * 1024 * 1024, 0.17), [HEADER_ROW.replaceAll('1"', '999999"'), VALID_ROW.replaceAll('2"', '1000000"')])),
  },
  {
    name: 'elements-first, apply',
    what: 'the same file sent with apply --blind: read to choose the sheet, to validate and to send',
    file: 'elements-first',
    apply: true,
  },
  {
    name: 'strings-at-limit',
    what: 'shared strings of 32,000 characters inflating 24 times',
    make: (path) => workbook(path, [HEADER_ROW, VALID_ROW], longStrings(45 * 1024 * 1024, 0.028)),
  },
  {
    name: 'amplified',
    what: 'a 30,000-character shared string used by 30 cells a row, until the sheet allowance',
    make: (path) => {
      const cells = (line: number): string =>
        columnsOf(30)
          .map((column) => `<c r="${column}${line}" t="s"><v>0</v></c>`)
          .join('');
      return workbook(
        path,
        chain(
          [HEADER_ROW],
          rows(200, (line) => `<row r="${line}">${cells(line)}</row>`),
        ),
        [`<si><t>${'z'.repeat(30_000)}</t></si>`],
      );
    },
  },
  {
    name: 'value-at-XFD',
    what: `${round(ROWS)} rows, each with a stray value at XFD`,
    make: (path) =>
      workbook(
        path,
        chain(
          [HEADER_ROW],
          rows(
            ROWS,
            (line) =>
              `<row r="${line}"><c r="A${line}" t="inlineStr"><is><t>${ID}</t></is></c><c r="B${line}"><v>5</v></c><c r="XFD${line}"><v>1</v></c></row>`,
          ),
        ),
      ),
  },
];

interface Measured {
  readonly size: number;
  readonly inflated: number;
  readonly outcome: string;
  readonly wallMs: number[];
  readonly cpuMs: number[];
  readonly rss: number[];
}

const dir = await mkdtemp(join(tmpdir(), 'ti-credits-bench-hostile-'));
try {
  const measured = new Map<string, Measured>();
  const fileOf = (each: Case): string => join(dir, `${each.file ?? each.name}.xlsx`);
  for (const each of CASES) {
    const started = performance.now();
    const { inflated } = each.make === undefined ? { inflated: (measured.get(each.file ?? '') as Measured).inflated } : await each.make(fileOf(each));
    process.stderr.write(`${each.name}: written in ${round(performance.now() - started)} ms\n`);
    measured.set(each.name, { size: (await stat(fileOf(each))).size, inflated, outcome: '', wallMs: [], cpuMs: [], rss: [] });
  }
  const mock = await spawnMock(['--auto-create', '--rate-limit', '0']);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const each of CASES) {
        const probe = join(dir, `${each.name}.probe.json`);
        const { nodeArgs, env } = cpuProbe(probe);
        const out = join(dir, `${each.name}-run${run}`);
        const command = each.apply === true ? ['apply', '--blind', '--yes', '--base-url', mock.origin, '--rate', '0'] : ['validate'];
        const child = await runNode([...nodeArgs, CLI, ...command, fileOf(each), '--out', out], { ...env, TI_API_KEY: MOCK_API_KEY });
        const { cpuMicros, peakRssBytes } = await readProbe(probe);
        const entry = measured.get(each.name) as Measured;
        const said =
          child.stderr
            .split('\n')
            .find((line) => line.startsWith('error: '))
            ?.replace(/^error: .*?cannot be read as an Excel workbook: /, '') ??
          child.stdout.split('\n')[0] ??
          '';
        measured.set(each.name, {
          ...entry,
          outcome: `exit ${child.code}: ${said}`,
          wallMs: [...entry.wallMs, child.wallMs],
          cpuMs: [...entry.cpuMs, cpuMicros / 1000],
          rss: [...entry.rss, peakRssBytes],
        });
        await rm(out, { recursive: true, force: true });
      }
      process.stderr.write(`run ${run + 1}/${RUNS} done\n`);
    }
  } finally {
    mock.stop();
  }
  const baseline = measured.get('baseline') as Measured;
  const lines = [
    `ti-credits validate on each file (apply --blind where said), median of ${RUNS} runs (wall time of the whole process, start-up included)`,
    '| file | size | XML it inflates to | wall | CPU | peak RSS | wall / baseline | what it said |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  let met = true;
  let slowest = { ms: 0, name: '' };
  for (const each of CASES) {
    const entry = measured.get(each.name) as Measured;
    const wall = median(entry.wallMs);
    const rss = median(entry.rss);
    if (entry.size < 2 * 1024 * 1024 && (wall > 10_000 || rss > 300 * 1024 * 1024)) met = false;
    if (Math.max(...entry.wallMs) > slowest.ms) slowest = { ms: Math.max(...entry.wallMs), name: each.name };
    const said = entry.outcome.length > 140 ? `${entry.outcome.slice(0, 140)}…` : entry.outcome;
    lines.push(
      `| ${each.name}: ${each.what} | ${(entry.size / 1024 / 1024).toFixed(2)} MB | ${entry.inflated === 0 ? '' : mb(entry.inflated)} | ${(wall / 1000).toFixed(2)} s | ${(median(entry.cpuMs) / 1000).toFixed(2)} s | ${mb(rss)} | ${(wall / median(baseline.wallMs)).toFixed(2)} | ${said.replaceAll('|', '\\|')} |`,
    );
  }
  lines.push(
    `target: every file under 2 MB handled within 300 MB and 10 s (medians): ${met ? 'met' : 'MISSED'}; the slowest single run: ${(slowest.ms / 1000).toFixed(2)} s (${slowest.name})`,
    '',
  );
  process.stdout.write(lines.join('\n'));
} finally {
  await rm(dir, { recursive: true, force: true });
}

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, openSync, rmSync, writeSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeEmbedded } from './html-page.js';
import { canonicalAround, canonicalJson, PLAN_JSON, type PlanDocument, type PlanRow } from './plan-document.js';
import { planHtmlAround } from './plan-html.js';
import { pastRowGuardrail } from './plan-warnings.js';

/** Where the rows wait, one JSON text a line, until the plan's head is known. */
const ROWS_FILE = 'plan-rows.tmp';
const FLUSH_AT = 64 * 1024;

/**
 * plan.json's rows, written to the plan folder as the plan pass makes them
 * rather than held: a plan of a million rows took more memory as objects
 * than all the rest of the run. `writePlanFiles` then writes plan.json and
 * plan.html from them, exactly as they were written from a whole document.
 */
export class PlanRows {
  readonly #path: string;
  readonly #fd: number;
  #pending = '';
  #count = 0;

  constructor(folder: string) {
    this.#path = join(folder, ROWS_FILE);
    this.#fd = openSync(this.#path, 'w');
  }

  get count(): number {
    return this.#count;
  }

  add(row: PlanRow): void {
    this.#pending += `${JSON.stringify(row)}\n`;
    this.#count++;
    if (this.#pending.length >= FLUSH_AT) this.#flush();
  }

  /** Every row written, then the file closed: ready to be read. */
  close(): void {
    this.#flush();
    closeSync(this.#fd);
  }

  /** The rows, in the order written, as JSON texts. */
  async *lines(): AsyncGenerator<string> {
    let rest = '';
    for await (const chunk of createReadStream(this.#path, { encoding: 'utf8' })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop() ?? '';
      yield* lines;
    }
  }

  async remove(): Promise<void> {
    await rm(this.#path, { force: true });
  }

  /** The file removed at once, for a plan pass that failed. */
  discard(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // Closed already.
    }
    rmSync(this.#path, { force: true });
  }

  #flush(): void {
    if (this.#pending === '') return;
    writeSync(this.#fd, this.#pending);
    this.#pending = '';
  }
}

/**
 * plan.json (whole or not at all) and plan.html, from the plan's other
 * fields and its rows, a row at a time: the same bytes as
 * `JSON.stringify(document, null, 2)` and `renderPlanHtml(document)`, and the
 * same id as `planId`, without the document ever held whole. Returns the
 * plan's id. The rows file is removed.
 */
export async function writePlanFiles(folder: string, content: Omit<PlanDocument, 'id' | 'rows'>, rows: PlanRows): Promise<string> {
  const hash = createHash('sha256');
  const [canonicalBefore, canonicalAfter] = canonicalAround(content, 'rows');
  hash.update(`${canonicalBefore}[`);
  let first = true;
  let guardrailed = 0;
  for await (const line of rows.lines()) {
    const row = JSON.parse(line) as PlanRow;
    hash.update(first ? canonicalJson(row) : `,${canonicalJson(row)}`);
    if (pastRowGuardrail(row)) guardrailed++;
    first = false;
  }
  hash.update(`]${canonicalAfter}`);
  const id = hash.digest('hex');

  const head: Omit<PlanDocument, 'rows'> = { id, ...content };
  // rows is the document's last field: what comes before its items, and after them, as JSON.stringify writes it.
  const pretty = JSON.stringify({ ...head, rows: [] }, null, 2);
  const compact = JSON.stringify({ ...head, rows: [] });
  const page = planHtmlAround(head, guardrailed);
  const jsonPath = join(folder, PLAN_JSON);
  const json = createWriteStream(`${jsonPath}.tmp`);
  const html = createWriteStream(join(folder, 'plan.html'));
  try {
    await write(json, pretty.slice(0, -'[]\n}'.length));
    await write(html, `${page.before}${escapeEmbedded(compact.slice(0, -']}'.length))}`);
    let count = 0;
    for await (const line of rows.lines()) {
      const separator = count === 0 ? '[\n    ' : ',\n    ';
      await write(json, `${separator}${JSON.stringify(JSON.parse(line), null, 2).replaceAll('\n', '\n    ')}`);
      await write(html, count === 0 ? escapeEmbedded(line) : `,${escapeEmbedded(line)}`);
      count++;
    }
    await write(json, count === 0 ? '[]\n}\n' : '\n  ]\n}\n');
    await write(html, `]}${page.after}`);
    await Promise.all([end(json), end(html)]);
  } catch (error) {
    json.destroy();
    html.destroy();
    throw error;
  }
  await rename(`${jsonPath}.tmp`, jsonPath);
  await rows.remove();
  return id;
}

/** Writes `text`, waiting while the stream's buffer is full. */
async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function end(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

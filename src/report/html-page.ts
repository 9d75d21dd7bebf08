import { createHash } from 'node:crypto';
import type { PageData } from './page/data.js';
import { pageScript, type PageName } from './page-script.js';

/**
 * The frame shared by plan.html and report.html: one self-contained file an
 * approver opens from a mail or a shared folder, offline, or prints to PDF.
 * Everything it shows comes from the document embedded in it as JSON; the
 * summary is written out here so that it reads (and prints) even with
 * scripts off, and the script adds what must be computed in the reader's own
 * browser: the tie-out checks and the tables, a page of rows at a time.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value, as HTML: nothing in it can open a tag or close an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}

/**
 * JSON for a `<script type="application/json">`. The HTML parser ends such a
 * script at the first `</script` and treats `<!--` in it specially, whatever
 * the JSON means, so `<`, `>` and `&` go as \u escapes (JSON.parse reads them
 * back as the same characters); U+2028 and U+2029 too, since an older
 * JavaScript parser takes them for line ends.
 */
export function embedJson(value: unknown): string {
  return escapeEmbedded(JSON.stringify(value));
}

/** JSON text made safe to embed, as embedJson does: the escapes are of single characters, so a text may be escaped a piece at a time. */
export function escapeEmbedded(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A whole number as exact decimal text, its digits grouped by thousands: `-1234567` → `-1,234,567`. */
export function groupDigits(value: string | number): string {
  const match = /^([+-]?)(\d+)$/.exec(String(value));
  return match === null ? String(value) : `${match[1] ?? ''}${(match[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** `1 row`, `2,000 rows`. */
export function plural(count: number, noun: string): string {
  return `${groupDigits(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** An ISO 8601 UTC time as people read it, to the second: `2026-11-24 14:03:09 UTC`. */
export function displayTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return match === null ? iso : `${match[1] ?? ''} ${match[2] ?? ''} UTC`;
}

/** A figure in a box, its value marked for the browser tests. */
export function card(label: string, value: string, testid: string, className = ''): string {
  return `<div class="card ${className}"><div class="label">${escapeHtml(label)}</div><div class="value" data-testid="${testid}">${escapeHtml(value)}</div></div>`;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const PAGE_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; --link: #0969da; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1680px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.eyebrow { margin: 0; color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
.lede { font-size: 15px; }
.muted, .hint { color: var(--muted); }
.hint { font-size: 13px; }
.code, code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; }
.id-box { margin: 6px 0; padding: 10px 14px; border: 2px solid var(--fg); border-radius: 6px; background: var(--soft); font: 600 18px/1.35 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid var(--line); background: var(--soft); vertical-align: 2px; }
.badge.live, .badge.bad { background: var(--bad); border-color: var(--bad); color: #fff; }
.badge.ok { background: var(--ok); border-color: var(--ok); color: #fff; }
.badge.warn { background: var(--warn-bg); border-color: var(--warn); color: var(--warn); }
.verdict { margin: 16px 0 8px; padding: 12px 16px; border-radius: 6px; font-size: 16px; font-weight: 600; }
.verdict.pending { border: 2px dashed var(--line); background: var(--soft); }
.verdict.ties { border: 2px solid var(--ok); background: var(--ok-bg); color: #0f5323; }
.verdict.does-not-tie { border: 4px solid var(--bad); background: var(--bad-bg); color: var(--bad); font-size: 22px; text-transform: uppercase; letter-spacing: .02em; }
.verdict.does-not-tie::before { content: "\\26A0  "; }
.checks { margin: 6px 0 0; padding-left: 0; list-style: none; font-size: 13px; }
.checks li { padding: 2px 0; font-variant-numeric: tabular-nums; }
.checks li::before { display: inline-block; width: 1.4em; font-weight: 700; }
.checks li[data-ok="true"]::before { content: "\\2713"; color: var(--ok); }
.checks li[data-ok="false"] { color: var(--bad); font-weight: 700; }
.checks li[data-ok="false"]::before { content: "\\2717"; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; margin: 8px 0; }
.card { padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card.key { border-width: 2px; border-color: var(--fg); }
.card.attention .value { color: var(--warn); }
.card.bad .value { color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 24em; }
td.name { white-space: normal; min-width: 7em; max-width: 16em; overflow-wrap: anywhere; }
ul.warnings { margin: 6px 0; padding-left: 0; list-style: none; }
li.warning { margin: 6px 0; padding: 6px 10px; border-left: 6px solid var(--warn); background: var(--warn-bg); }
li.warning.bad { border-left-color: var(--bad); background: var(--bad-bg); }
thead th { position: sticky; top: 0; background: var(--soft); white-space: nowrap; }
th.number, td.number { text-align: right; }
td.code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 11.5px; }
td.after::before { content: "\\2192  "; color: var(--muted); }
td.after:empty::before { content: none; }
td .up { color: var(--ok); }
td .down { color: var(--bad); }
tbody tr:hover { background: var(--soft); }
tr.empty td { color: var(--muted); font-style: italic; }
table.small { width: auto; min-width: 50%; }
th button.sort { all: unset; cursor: pointer; font-weight: 600; }
th button.sort:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
th[aria-sort="ascending"] button.sort::after { content: " \\25B2"; font-size: 10px; }
th[aria-sort="descending"] button.sort::after { content: " \\25BC"; font-size: 10px; }
.tag { margin-left: 4px; padding: 0 4px; border: 1px solid var(--line); border-radius: 3px; color: var(--muted); font-size: 11px; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
.tools, .pager { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; padding: 8px 0; }
.pager input { width: 6em; }
.pager.single button, .pager.single label { display: none; }
button.link { all: unset; color: var(--link); cursor: pointer; text-decoration: underline; }
.set-apart { margin-top: 32px; padding: 2px 0 8px 14px; border-left: 6px solid var(--warn); }
.set-apart.bad { border-left-color: var(--bad); }
.set-apart h2 { margin-top: 8px; }
.error-banner { padding: 12px 16px; border: 4px solid var(--bad); background: var(--bad-bg); color: var(--bad); font-weight: 700; }
footer { margin-top: 40px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media print {
  @page { margin: 12mm; }
  @page rows { size: landscape; margin: 10mm; }
  body { font-size: 10.5px; }
  main { max-width: none; padding: 0; }
  .tools, .pager button, .pager label, noscript, button.link { display: none !important; }
  .scroll { overflow: visible; border: none; }
  thead th { position: static; }
  .verdict, .cards, dl.facts, .checks, table.small { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .id-box { font-size: 14px; }
  /* The tables go on landscape pages of their own, where two ids and the values fit on a line. */
  section.rows { page: rows; }
  th, td { padding: 2px 4px; white-space: normal; }
  td.code { font-size: 8.5px; white-space: nowrap; }
  td.wrap { min-width: 0; }
  details:not([open]) { display: none; }
}
`;

export interface PageParts<P extends PageName> {
  readonly title: string;
  /** The page's HTML, every value in it escaped. */
  readonly body: string;
  /** Which page it is: its script is the entry of that name in src/report/page/. */
  readonly page: P;
  /** The document the page shows, of the type its script reads. */
  readonly data: PageData[P];
}

/**
 * A whole HTML document. Its Content-Security-Policy allows nothing from
 * anywhere (`default-src 'none'`) and only this page's own script and style,
 * by their hashes: the page can make no request even if a value in the data
 * were to get past the escaping, nor run a script injected that way.
 */
export function renderPage<P extends PageName>(parts: PageParts<P>): string {
  const { before, after } = pageAround(parts);
  return `${before}${embedJson(parts.data)}${after}`;
}

/** The page of renderPage around its data's JSON, for a page whose data is written a piece at a time. */
export function pageAround<P extends PageName>(parts: Omit<PageParts<P>, 'data'>): { readonly before: string; readonly after: string } {
  const script = pageScript(parts.page);
  const policy = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(PAGE_CSS)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const before = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(parts.title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${parts.body}
</main>
<script type="application/json" id="page-data">`;
  const after = `</script>
<script>${script}</script>
</body>
</html>
`;
  return { before, after };
}

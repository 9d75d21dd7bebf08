import type { BatchValues } from './data.js';

/**
 * What plan.html and report.html share of their script. It runs in the
 * reader's browser, embedded in the page (report/page-script.ts), and
 * imports nothing but its siblings, so that the page works offline from a
 * file. It builds every element from data with textContent and attributes,
 * never with innerHTML, so that no value in a document can become markup.
 * The browser tests (test/report/*-html.test.ts) exercise it in Chromium.
 *
 * `pagedTable` is why a plan of 100,000 rows stays usable: the rows live in
 * an array and only one page of them (200) is ever in the DOM; sorting and
 * filtering reorder the array, then the page is drawn again.
 */

const PAGE_SIZE = 200;

/** A value of the document as the page shows it: its text, whatever its type. */
export type Value = string | number | bigint | null | undefined;
/** What an element holds: a node, or text. */
export type Child = Node | string | null | undefined;
type Attribute = string | number | boolean | null | undefined;
type Listener = (event: Event) => void;
/** An element's attributes (null, undefined and false leave one out), `text` its text, an `on…` key's function a listener. */
export type Props = Readonly<Record<string, Attribute | Listener>>;

/** An element: props set as attributes (text: its text, on*: a listener), children appended as nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** The page's element of this id: the page's frame holds each one its script looks for. */
export function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error('the page has no element #' + id);
  return found;
}

/** Exact decimal text (a number, a bigint or digits), grouped by thousands. */
export function grouped(value: Value): string {
  const match = /^([+-]?)(\d+)$/.exec(String(value));
  return match === null ? String(value) : (match[1] ?? '') + (match[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function signed(value: Value): string {
  const text = String(value);
  return (/^[1-9]/.test(text) ? '+' : '') + grouped(text);
}

/** A whole number as a BigInt, so that sums of any size stay exact; null when the value is not one. */
export function big(value: unknown): bigint | null {
  if (typeof value === 'number' ? !Number.isSafeInteger(value) : !/^-?\d+$/.test(String(value))) return null;
  return BigInt(typeof value === 'number' ? value : String(value));
}

/** An ISO 8601 UTC time to the second, for a table whose heading says UTC: 2026-11-24 14:03:09. */
export function stamp(iso: Value): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(String(iso));
  return match === null ? String(iso) : (match[1] ?? '') + ' ' + (match[2] ?? '');
}

/** The same where no heading says UTC, as in the summary. */
export function when(iso: Value): string {
  return stamp(iso) === String(iso) ? String(iso) : stamp(iso) + ' UTC';
}

/** A batch's values in one line: currentBalance 1,000 · expiresOn … · name "…". */
export function values(update: BatchValues | null | undefined): string {
  if (update === null || update === undefined) return '';
  const parts: string[] = [];
  if (update.currentBalance !== undefined) parts.push('currentBalance ' + grouped(update.currentBalance));
  if (update.expiresOn !== undefined) parts.push('expiresOn ' + when(update.expiresOn));
  if (update.name !== undefined) parts.push('name "' + update.name + '"');
  return parts.join(' · ');
}

/** A check a page makes of its own figures, written out with its sums. */
export interface Check {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The checks, each shown with its sums; the verdict is the loud banner above them. */
export function showChecks(checks: readonly Check[], words: { readonly ties: string; readonly doesNotTie: string }): void {
  const ok = checks.every((check) => check.ok);
  const verdict = element('verdict');
  verdict.className = 'verdict ' + (ok ? 'ties' : 'does-not-tie');
  verdict.dataset.verdict = ok ? 'ties' : 'does-not-tie';
  verdict.textContent = ok ? words.ties : words.doesNotTie;
  element('checks').replaceChildren(
    ...checks.map((check) => h('li', { 'data-testid': 'check', 'data-ok': String(check.ok), text: check.label + ': ' + check.detail })),
  );
}

/** a + b = c, or with minus a − b = c: checked exactly and written out with its figures either way. */
export function sumCheck(label: string, a: Value, b: Value, c: Value, minus = false): Check {
  const [x, y, z] = [big(a), big(b), big(c)];
  if (x === null || y === null || z === null) return { label, ok: false, detail: 'not whole numbers: ' + [a, b, c].join(', ') };
  const term = minus ? -y : y;
  const ok = x + term === z;
  const shown = grouped(x) + (term < 0n ? ' \u2212 ' + grouped(-term) : ' + ' + grouped(term));
  return { label, ok, detail: shown + (ok ? ' = ' + grouped(z) : ' = ' + grouped(x + term) + ', not ' + grouped(z)) };
}

/** A figure the document states, against the same figure added up here from its rows. */
export function sameCheck(label: string, stated: Value, counted: Value): Check {
  const ok = big(stated) !== null && big(stated) === big(counted);
  return { label, ok, detail: ok ? grouped(stated) : 'stated ' + grouped(stated) + ', counted here ' + grouped(counted) };
}

/** What a column sorts by; null, undefined and '' sort last. */
export type SortKey = string | number | bigint | null | undefined;

/**
 * A column of a paged table: `value` is what it sorts by, and what it shows
 * unless `cell` says otherwise.
 */
export interface Column<R> {
  readonly key: string;
  readonly label: string;
  readonly kind: 'number' | 'code' | 'text';
  readonly className?: string;
  readonly value: (row: R) => SortKey;
  readonly cell?: (row: R) => Node | Value;
}

export interface PagedTable<R> {
  readonly root: HTMLElement;
  /** Keeps only the rows the filter keeps (all, with null), back on the first page. */
  setFilter(next: ((row: R) => boolean) | null): void;
}

/** Code-point order: ids, dates in one UTC form and codes sort as text, without the cost of a collator. */
function compareValues(a: string | number | bigint, b: string | number | bigint, collator: Intl.Collator | null): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (collator !== null) return collator.compare(String(a), String(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The line in the file of a row that has one, for the tests' data-line; a client's entry has none. */
function lineOf(row: object): number | undefined {
  return 'line' in row && typeof row.line === 'number' ? row.line : undefined;
}

/**
 * A table of many rows, PAGE_SIZE at a time, sortable by any column (a click
 * on its heading; again for the other way) and filterable by the page.
 * Hooks for tests: data-testid table-NAME on the root, with data-total,
 * data-page and data-pages; row, sort-KEY, page-first/prev/next/last,
 * page-status, page-input inside.
 */
export function pagedTable<R extends object>(name: string, columns: readonly Column<R>[], rows: readonly R[], empty: string): PagedTable<R> {
  const collator = new Intl.Collator('en', { numeric: true });
  let filter: ((row: R) => boolean) | null = null;
  let sorted: { readonly column: Column<R>; readonly direction: 1 | -1 } | null = null;
  let view = rows;
  let page = 0;
  const body = h('tbody');
  const headings = columns.map((column) =>
    h('th', { scope: 'col', class: column.kind, 'aria-sort': 'none' }, [
      h('button', { type: 'button', class: 'sort', 'data-testid': 'sort-' + column.key, title: 'Sort by ' + column.label, onclick: () => sortBy(column) }, [
        column.label,
      ]),
    ]),
  );
  const status = h('span', { 'data-testid': 'page-status', 'aria-live': 'polite' });
  const control = (label: string, testid: string, target: () => number): HTMLButtonElement =>
    h('button', { type: 'button', 'data-testid': testid, onclick: () => show(target()) }, [label]);
  const firstPage = control('\u00ab First', 'page-first', () => 0);
  const previousPage = control('\u2039 Previous', 'page-prev', () => page - 1);
  const nextPage = control('Next \u203a', 'page-next', () => page + 1);
  const lastPage = control('Last \u00bb', 'page-last', () => pages() - 1);
  const input = h('input', { type: 'number', min: 1, 'data-testid': 'page-input', onchange: () => show(Number(input.value) - 1) });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of ' + name }, [
    firstPage,
    previousPage,
    status,
    nextPage,
    lastPage,
    h('label', {}, ['Page ', input]),
  ]);
  const root = h('div', { class: 'paged', 'data-testid': 'table-' + name }, [
    h('div', { class: 'scroll' }, [h('table', {}, [h('thead', {}, [h('tr', {}, headings)]), body])]),
    pager,
  ]);

  function pages(): number {
    return Math.max(1, Math.ceil(view.length / PAGE_SIZE));
  }

  function show(target: number): void {
    page = Math.min(Math.max(0, Number.isFinite(target) ? Math.trunc(target) : 0), pages() - 1);
    const start = page * PAGE_SIZE;
    const end = Math.min(view.length, start + PAGE_SIZE);
    const drawn: HTMLTableRowElement[] = [];
    for (let index = start; index < end; index++) {
      const row = view[index] as R;
      drawn.push(
        h(
          'tr',
          { 'data-testid': 'row', 'data-line': lineOf(row) },
          columns.map((column) => {
            const shown = column.cell ? column.cell(row) : column.value(row);
            return h('td', { class: [column.kind, column.className].filter(Boolean).join(' ') }, [
              shown === null || shown === undefined ? '' : typeof shown === 'object' ? shown : String(shown),
            ]);
          }),
        ),
      );
    }
    if (drawn.length === 0) drawn.push(h('tr', { class: 'empty' }, [h('td', { colspan: columns.length, text: empty })]));
    body.replaceChildren(...drawn);
    status.textContent =
      view.length === 0
        ? 'No rows'
        : 'Rows ' +
          grouped(start + 1) +
          '\u2013' +
          grouped(end) +
          ' of ' +
          grouped(view.length) +
          ' \u00b7 page ' +
          grouped(page + 1) +
          ' of ' +
          grouped(pages());
    root.dataset.total = String(view.length);
    root.dataset.page = String(page + 1);
    root.dataset.pages = String(pages());
    firstPage.disabled = previousPage.disabled = page === 0;
    nextPage.disabled = lastPage.disabled = page >= pages() - 1;
    input.value = String(page + 1);
    input.max = String(pages());
    pager.classList.toggle('single', pages() === 1);
  }

  /** The view again: the rows the filter keeps, in file order or the chosen column's. */
  function refresh(): void {
    const kept = filter === null ? rows : rows.filter(filter);
    if (sorted === null) view = kept;
    else {
      const { column, direction } = sorted;
      const collation = column.kind === 'text' ? collator : null;
      // Sort keys read once per row; the row's place in the file breaks ties, so equal values keep file order both ways.
      const keyed = kept.map((row, index) => ({ row, index, key: column.value(row) }));
      keyed.sort((a, b) => {
        const x = a.key;
        const y = b.key;
        const xNone = x === null || x === undefined || x === '';
        const yNone = y === null || y === undefined || y === '';
        if (xNone || yNone) return xNone === yNone ? a.index - b.index : xNone ? 1 : -1;
        return direction * compareValues(x, y, collation) || a.index - b.index;
      });
      view = keyed.map((entry) => entry.row);
    }
  }

  function sortBy(column: Column<R>): void {
    const direction = sorted !== null && sorted.column === column && sorted.direction === 1 ? -1 : 1;
    sorted = { column, direction };
    headings.forEach((heading, index) =>
      heading.setAttribute('aria-sort', columns[index] === column ? (direction === 1 ? 'ascending' : 'descending') : 'none'),
    );
    refresh();
    show(0);
  }

  refresh();
  show(0);
  return {
    root,
    setFilter(next) {
      filter = next;
      refresh();
      show(0);
    },
  };
}

/** A paged table of the rows in its slot, or a word that there are none; the table, or null. */
export function place<R extends object>(slot: string, name: string, columns: readonly Column<R>[], rows: readonly R[], none: string): PagedTable<R> | null {
  const target = element(slot);
  if (rows.length === 0) {
    target.replaceChildren(h('p', { class: 'muted', 'data-testid': 'none-' + name, text: none }));
    return null;
  }
  const table = pagedTable(name, columns, rows, 'No row matches.');
  target.replaceChildren(table.root);
  return table;
}

/**
 * Runs the page's own part with its document; anything it cannot read is
 * said on the page, loudly. The document is the JSON the page was written
 * with (html-page.ts), of the type its writer passed: D is that type.
 */
export function run<D>(main: (data: D) => void): void {
  try {
    main(JSON.parse(element('page-data').textContent ?? '') as D);
    document.documentElement.dataset.ready = 'true';
  } catch (error) {
    document.documentElement.dataset.ready = 'error';
    const banner = h('p', {
      class: 'error-banner',
      'data-testid': 'page-error',
      text: 'This page could not show its data: ' + (error instanceof Error && error.message ? error.message : String(error)),
    });
    document.querySelector('main')?.prepend(banner);
    const verdict = document.getElementById('verdict');
    if (verdict !== null) {
      verdict.className = 'verdict does-not-tie';
      verdict.dataset.verdict = 'does-not-tie';
      verdict.textContent = 'Not checked: the page could not read its data';
    }
  }
}

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { CODES_PAGE, withCodes } from '../../scripts/reference.js';
import { CATALOGUES } from '../../src/core/words/index.js';

const CODE = /^TIC-[A-Z0-9]+(-[A-Z0-9]+)*$/;

/** Whether an export of a module under core/words/ is a catalogue: entries with a kind, a title and words. */
function isCatalogue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const entries = Object.values(value);
  return (
    entries.length > 0 &&
    entries.every((entry: any) => typeof entry?.kind === 'string' && typeof entry?.title === 'string' && typeof entry?.message === 'function')
  );
}

describe('the table of codes (docs/guide/exit-codes-and-error-codes.md)', () => {
  it('is the catalogues as they stand (npm run docs:reference writes it)', async () => {
    const page = await readFile(CODES_PAGE, 'utf8');
    assert.equal(page, withCodes(page));
    for (const { words } of CATALOGUES) for (const code of Object.keys(words)) assert.ok(page.includes(`| \`${code}\` |`), code);
  });

  it('gives each code one meaning: the format, one catalogue, a title', () => {
    const seen = new Map<string, string>();
    for (const { name, words } of CATALOGUES) {
      for (const [code, entry] of Object.entries(words)) {
        assert.match(code, CODE);
        assert.equal(seen.get(code), undefined, `${code} is in "${seen.get(code)}" and in "${name}"`);
        seen.set(code, name);
        assert.ok(entry.title.trim() !== '', `${code} has no title`);
      }
    }
    assert.equal(new Set(CATALOGUES.map(({ name }) => name)).size, CATALOGUES.length);
  });

  it('lists every catalogue under src/core/words/: a code not in the table is one no one can look up', async () => {
    const folder = new URL('../../src/core/words/', import.meta.url);
    for (const file of (await readdir(folder)).filter((name) => name.endsWith('.js') && name !== 'index.js')) {
      const module = (await import(new URL(file, folder).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module).filter(([, value]) => isCatalogue(value))) {
        assert.ok(
          CATALOGUES.some(({ words }) => words === value),
          `${name} (core/words/${file}) is not in CATALOGUES (core/words/index.ts)`,
        );
      }
    }
  });

  it('refuses a page that lost its markers rather than writing the table anywhere', () => {
    assert.throws(() => withCodes('# Exit codes and error codes\n'), /lost the markers/);
  });
});

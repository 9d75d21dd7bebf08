/**
 * The direction dependencies point in (see ARCHITECTURE.md): each floor of
 * src/ may import only the floors below it, and nothing may import in a
 * circle. `npm run check:deps` checks it; `npm test` runs the same rules over
 * the same folders (test/dependency-rules.test.ts).
 *
 *   core ← read ← validate ←┐
 *   core ← send             ├─ pipeline ← cli
 *   core ← report ──────────┘
 *   core ← mock (an edge: only the CLI and the tests start it)
 *
 * src/report/page/ is the pages' script, run in the browser: it imports only
 * its siblings, and the rest imports only its types.
 */
const floors = {
  core: ['core'],
  read: ['core', 'read'],
  validate: ['core', 'read', 'validate'],
  send: ['core', 'send'],
  report: ['core', 'report'],
  pipeline: ['core', 'read', 'validate', 'send', 'report', 'pipeline'],
  mock: ['core', 'mock'],
};

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'An import cycle ties stages together that must stay apart.', severity: 'error', from: {}, to: { circular: true } },
    ...Object.entries(floors).map(([floor, allowed]) => ({
      name: `${floor}-imports-only-${allowed.join('-')}`,
      comment: `src/${floor}/ may import only src/{${allowed.join(',')}}/: dependencies point one way.`,
      severity: 'error',
      from: { path: `^src/${floor}/` },
      to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` },
    })),
    {
      name: 'page-imports-only-page',
      comment:
        "src/report/page/ is the pages' script, run by the reader's browser from the page itself: it may import only its siblings, never Node nor a package.",
      severity: 'error',
      from: { path: '^src/report/page/' },
      to: { pathNot: '^src/report/page/' },
    },
    {
      name: 'only-types-from-page',
      comment: "Node's code may import only types from src/report/page/: its modules run in the browser, embedded by report/page-script.ts.",
      severity: 'error',
      from: { pathNot: '^src/report/page/' },
      to: { path: '^src/report/page/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API to parse with; swc reads the sources, type-only imports included.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

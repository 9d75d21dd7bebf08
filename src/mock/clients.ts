import type { PagingFaults } from './faults.js';
import { metaOf, pageOf } from './paging.js';
import type { MockClient } from './store.js';

/**
 * The client list (`GET /incoming/v2/clients`) as its page documents it:
 * `{"data":{"Clients":{"pageInfo":{"perPage","currentPage","total","hasMore"},
 * "aggregations":[…],"clients":[…]}}}`, each client a large record with its
 * courses, learning paths, licenses, appearance settings and feature flags,
 * so that a client reading it must keep only what it needs. The Pagination
 * page says resource lists are paged with a `meta` object instead; the mock
 * answers that way when told to (`meta`).
 */
/** How a list is paged: as its own page documents it, or with the Pagination page's `meta` (the client list and a client's batches alike). */
export type ListPaging = 'documented' | 'meta';

/** The most clients a page holds, whatever `count` asks: the Pagination page's maximum. */
export const MOCK_MAX_CLIENTS_PER_PAGE = 100;

export interface ClientsQuery {
  readonly page: number;
  readonly count: number | undefined;
  readonly query: string | undefined;
  readonly sort: string | undefined;
}

/** The query of a client list, or why it is refused: `page` and `count` whole numbers of 1 or more, each given once. */
export function clientsQuery(params: URLSearchParams): ClientsQuery | string {
  const numbers: Record<'page' | 'count', number | undefined> = { page: undefined, count: undefined };
  for (const name of ['page', 'count'] as const) {
    const given = params.getAll(name);
    if (given.length > 1) return `${name} may be given only once`;
    if (given[0] === undefined) continue;
    const value = /^\d+$/.test(given[0]) ? Number(given[0]) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1) return `${name} must be a whole number of 1 or more, not "${given[0]}"`;
    numbers[name] = value;
  }
  const query = params.getAll('query');
  if (query.length > 1) return 'query may be given only once';
  return { page: numbers.page ?? 1, count: numbers.count, query: query[0] === '' ? undefined : query[0], sort: params.get('sort') ?? undefined };
}

/** The answer to a client list query, paged as `paging` says, `perPage` clients a page at most. */
export function clientsAnswer(all: readonly MockClient[], query: ClientsQuery, perPage: number, paging: ListPaging, faults: PagingFaults): unknown {
  const needle = query.query?.toLowerCase();
  let matching =
    needle === undefined ? [...all] : all.filter((client) => client.name.toLowerCase().includes(needle) || client.id.toLowerCase().includes(needle));
  if (query.sort === 'name') matching = matching.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const size = Math.min(query.count ?? perPage, perPage, MOCK_MAX_CLIENTS_PER_PAGE);
  const { items, pageInfo } = pageOf(matching, query.page, size, faults);
  const aggregations = [
    {
      key: 'type',
      label: 'Type',
      buckets: [{ query: 'type:client', value: 'client', label: 'Client', description: 'Clients of the instance', count: matching.length }],
    },
  ];
  const clients = items.map(clientRecord);
  if (paging === 'meta') return { data: { Clients: { aggregations, clients } }, meta: metaOf(query.page, pageInfo) };
  return {
    data: { Clients: { pageInfo: { perPage: size, currentPage: query.page, total: pageInfo.total, hasMore: pageInfo.hasMore }, aggregations, clients } },
  };
}

/** An id of something of the client's, made from its own id so that every answer is the same. */
function derivedId(clientId: string, n: number): string {
  return `${clientId.slice(0, 24)}${n.toString(16).padStart(12, '0')}`;
}

/** A client as the API lists it: some 6 KB of what ti-credits never reads. */
function clientRecord(client: MockClient): unknown {
  const stamp = '2026-01-01T00:00:00.000Z';
  const block = (n: number): string => derivedId(client.id, 0x100 + n);
  return {
    id: client.id,
    name: client.name,
    schoolName: client.name,
    courses: Array.from({ length: 4 }, (_, n) => ({
      id: derivedId(client.id, 0x200 + n),
      createdAt: stamp,
      updatedAt: stamp,
      slug: `course-${n + 1}`,
      status: n === 3 ? 'draft' : 'published',
      title: `${client.name}: course ${n + 1}`,
      sessionIsTitled: true,
      sampleLesson: null,
      sampleLessonId: null,
      sections: Array.from({ length: 3 }, (_, s) => ({
        id: derivedId(client.id, 0x300 + n * 8 + s),
        title: `Section ${s + 1}`,
        lessons: [{ id: derivedId(client.id, 0x400 + n * 8 + s), title: `Lesson ${s + 1}` }],
      })),
      appearanceBlock: block(n),
      appearanceHash: 'c'.repeat(40),
      paywallsBlock: block(n + 10),
      termsBlock: block(n + 20),
      confirmationBlock: block(n + 30),
      courseStartDate: stamp,
      courseEndDate: null,
      description: 'A course of the mock instance, listed with its client as the API lists it. '.repeat(3),
    })),
    learningPaths: Array.from({ length: 2 }, (_, n) => ({
      id: derivedId(client.id, 0x500 + n),
      name: `Path ${n + 1}`,
      slug: `path-${n + 1}`,
      courseIds: [derivedId(client.id, 0x200 + n)],
    })),
    licenses: Array.from({ length: 3 }, (_, n) => ({
      id: derivedId(client.id, 0x600 + n),
      name: `License ${n + 1}`,
      seats: 100 * (n + 1),
      expiresAt: null,
      courseIds: [derivedId(client.id, 0x200 + n)],
    })),
    appearance: {
      logo: `https://cdn.example.com/${client.id}/logo.png`,
      primaryColor: '#0969da',
      secondaryColor: '#1a7f37',
      font: 'system-ui',
      customCss: `.client-${client.id.slice(0, 8)} .header { color: #1b1f24; }\n`.repeat(12),
    },
    features: { catalog: true, credits: true, learningPaths: true, certificates: false, ecommerce: false, discussions: true },
  };
}

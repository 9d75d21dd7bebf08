import type { PagingFaults } from './faults.js';
import type { Listing } from './store.js';

/** Items per page of a list answer unless the mock is told otherwise. */
export const MOCK_PER_PAGE = 100;

/**
 * `pageInfo` of a list answer. `cursor` is the number of the next page, as a
 * string, while `hasMore` is true, and null on the last page: the API is paged
 * with `page=<n>`, so the only cursor a client can use is the page to ask for.
 */
export interface PageInfo {
  readonly perPage: number;
  readonly cursor: string | null;
  readonly total: number;
  readonly hasMore: boolean;
}

export interface Page<T> {
  readonly items: T[];
  readonly pageInfo: PageInfo;
}

/** Page `page` (1-based) of `items` in their order, `perPage` at a time, as the faults would have it answered. */
export function pageOf<T>(items: Listing<T>, page: number, perPage: number, faults: PagingFaults = {}): Page<T> {
  const start = (page - 1) * perPage;
  const end = start + perPage;
  let pageItems = items.slice(start, end);
  let hasMore = end < items.length;
  if (faults.repeatLastItem === true && page > 1 && pageItems.length > 0) pageItems = items.slice(start - 1, end);
  if (faults.emptyPage === page) {
    pageItems = [];
    hasMore = true;
  }
  if (faults.endlessHasMore === true) hasMore = true;
  return {
    items: pageItems,
    pageInfo: { perPage, cursor: hasMore ? String(page + 1) : null, total: Math.max(0, items.length + (faults.totalSkew ?? 0)), hasMore },
  };
}

/** A page's paging as the Pagination page's `meta` object says it, for the lists the mock answers that way when told to. */
export function metaOf(page: number, pageInfo: PageInfo): { page: number; perPage: number; totalCount: number; totalPages: number; nextCursor: string | null } {
  return {
    page,
    perPage: pageInfo.perPage,
    totalCount: pageInfo.total,
    totalPages: Math.max(1, Math.ceil(pageInfo.total / pageInfo.perPage)),
    nextCursor: pageInfo.hasMore ? String(page + 1) : null,
  };
}

import { QueryError } from '../../errors';
import type { BaseModel } from '../../models/base-model';
import type { QuerySet } from '../queryset';
import type { OrderKey } from '../typed-keys';
import { decodeCursor, encodeCursor } from './cursor';
import { keysetKeys, lastValues, orderKeysOf, readAfter, refuseSlice } from './keyset';

/** One page of `qs.paginate()`: its rows and where it stands among the pages (numbered from 1). */
export interface Page<T> {
  items: T[];
  /** Rows of the whole queryset (its filters applied). */
  total: number;
  page: number;
  pageSize: number;
  /** Number of pages: 0 when there are no rows. */
  pages: number;
  hasNext: boolean;
  hasPrevious: boolean;
}

/** One page of `qs.cursorPaginate()`: its rows and the cursor of the next page (null after the last). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** A positive safe integer option, else a `QueryError` naming the method, the option and the value given. */
export function positiveInteger(method: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new QueryError(`${method}(): ${name} must be an integer from 1 up, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`);
  }
  return value;
}

function optionsOf(method: string, options: unknown): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new QueryError(`${method}() takes an options object, got ${String(options)}.`);
  return options as Record<string, unknown>;
}

/** Page `page` (from 1) of `pageSize` rows, by offset; unordered querysets are ordered by key so pages never overlap. */
export async function paginate<T extends BaseModel>(qs: QuerySet<T>, options: { page: number; pageSize: number }): Promise<Page<T>> {
  const given = optionsOf('paginate', options);
  const page = positiveInteger('paginate', 'page', given.page);
  const pageSize = positiveInteger('paginate', 'pageSize', given.pageSize);
  refuseSlice(qs.state, 'paginate');
  if (!Number.isSafeInteger((page - 1) * pageSize)) throw new QueryError(`paginate(): page ${page} of ${pageSize} rows is past any table.`);
  const total = await qs.count();
  const pages = Math.ceil(total / pageSize);
  const ordered = qs.state.order.length ? qs : qs.orderBy(qs.state.meta.pkName as OrderKey<T>);
  const items =
    page > pages
      ? []
      : await ordered
          .offset((page - 1) * pageSize)
          .limit(pageSize)
          .fetch();
  return { items, total, page, pageSize, pages, hasNext: page < pages, hasPrevious: page > 1 };
}

/**
 * Up to `pageSize` rows after the row `after` names (from the start without it), in the queryset's order plus the
 * key: rows inserted or deleted between pages never make a row repeat or go missing.
 */
export async function cursorPaginate<T extends BaseModel>(qs: QuerySet<T>, options: { pageSize: number; after?: string | null }): Promise<CursorPage<T>> {
  const given = optionsOf('cursorPaginate', options);
  const pageSize = positiveInteger('cursorPaginate', 'pageSize', given.pageSize);
  refuseSlice(qs.state, 'cursorPaginate');
  const { meta } = qs.state;
  const keys = keysetKeys(qs.state, 'cursorPaginate');
  const orderKeys = orderKeysOf(keys);
  const after = given.after === undefined || given.after === null ? undefined : decodeCursor(meta, orderKeys, given.after);
  // One row more than the page tells whether another page follows, so the last page says null at once.
  const rows = await readAfter(qs, keys, after, pageSize + 1);
  if (rows.length <= pageSize) return { items: rows, nextCursor: null };
  const items = rows.slice(0, pageSize);
  return { items, nextCursor: encodeCursor(meta, orderKeys, await lastValues(qs, keys, items[pageSize - 1])) };
}

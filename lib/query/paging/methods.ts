import type { BaseModel } from '../../models/base-model';
import type { QuerySet } from '../queryset';
import { iterate } from './iterate';
import { cursorPaginate, paginate, type CursorPage, type Page } from './paginate';

/** Paging and streaming reads of a queryset; `QuerySet` merges this interface and takes `pagingMethods` onto its prototype. */
export interface PagingMethods<T extends BaseModel> {
  /** Page `page` (from 1) of `pageSize` rows, with the total and page count of the queryset's rows (ordered by key when unordered). */
  paginate(options: { page: number; pageSize: number }): Promise<Page<T>>;
  /**
   * Up to `pageSize` rows after the row of cursor `after`, keyset-based on the queryset's order plus the key, and the opaque
   * `nextCursor` (null at the end): rows inserted or deleted meanwhile never make a row repeat or go missing.
   */
  cursorPaginate(options: { pageSize: number; after?: string | null }): Promise<CursorPage<T>>;
  /**
   * The rows as an async iterable holding one chunk of `chunkSize` (default 1000) at a time: a server-side cursor on
   * PostgreSQL outside a transaction, keyset chunks (queryset order plus key) elsewhere. Leaving the loop early releases it.
   */
  iterate(options?: { chunkSize?: number }): AsyncIterable<T>;
}

/** The implementations `QuerySet` takes: thin calls into `paginate.ts` and `iterate.ts`. */
export const pagingMethods: PagingMethods<BaseModel> & ThisType<QuerySet<BaseModel>> = {
  paginate(options) {
    return paginate(this as QuerySet<BaseModel>, options);
  },
  cursorPaginate(options) {
    return cursorPaginate(this as QuerySet<BaseModel>, options);
  },
  iterate(options) {
    return iterate(this as QuerySet<BaseModel>, options);
  },
};

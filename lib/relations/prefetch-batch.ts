import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySet } from '../query/queryset';

/**
 * Where prefetch queries run (the alias and schema of the queryset that asked) and how to start one. The
 * queryset passes its own factory in, so the loaders need no runtime import of `queryset.ts` (which imports
 * them).
 */
export interface PrefetchContext {
  alias: string;
  schema?: string;
  /** Whether the queryset asked for the primary (`usingPrimary()`): its prefetches do too. */
  primary?: boolean;
  /** A queryset over every row of `meta`, on its own alias (`QuerySet.of`). */
  querySetOf(meta: ModelMeta): QuerySet<BaseModel>;
}

/** Splits keys into `IN` lists the dialect can bind. */
export function chunks<V>(values: V[], size: number): V[][] {
  const out: V[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

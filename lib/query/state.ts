import type { ModelMeta } from '../metadata/types';
import type { Lookups, Q } from './q';

/** One node of a queryset's where tree: a filter (or exclude) call's lookups or Q objects. */
export interface WhereNode {
  negated: boolean;
  clauses: (Q | Lookups)[];
}

/** The immutable description of a queryset; every chained call copies it with one change. */
export interface QuerySetState {
  meta: ModelMeta;
  /** Database alias the queryset runs on. */
  alias: string;
  schema?: string;
  where: readonly WhereNode[];
  order: readonly string[];
  limit?: number;
  offset?: number;
  distinct: boolean;
  selectRelated: readonly string[];
  prefetchRelated: readonly string[];
  only?: readonly string[];
  defer?: readonly string[];
  /**
   * Rows read with a lock (`FOR SHARE` / `FOR UPDATE`): a locking read sees rows other transactions
   * committed after this one's snapshot (under MySQL's REPEATABLE READ too); `update` when the row is
   * written next, so two readers never both hold a shared lock they each need to upgrade (a deadlock).
   */
  lock?: 'share' | 'update';
}

/** The state of a queryset over every row of a model, on its own alias. */
export function initialState(meta: ModelMeta): QuerySetState {
  return { meta, alias: meta.database, where: [], order: [], distinct: false, selectRelated: [], prefetchRelated: [] };
}

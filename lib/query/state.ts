import type { ModelMeta } from '../metadata/types';
import type { Lookups, Q } from './q';
import type { Expression, OrderBy } from './expressions/expression';
import type { Combination } from './set-operations';
import type { ForUpdate } from './lock';

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
  /** `-name` / `author__name` / an annotation's name, or an expression's `asc()` / `desc()`. */
  order: readonly (string | OrderBy)[];
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
  /** `selectForUpdate()`'s options, with `lock: 'update'`: checked when the SELECT is built (inside a transaction only). */
  forUpdate?: ForUpdate;
  /** `using()` named the alias: the registry's router is not asked. */
  pinned?: boolean;
  /** `usingPrimary()`: read from the database itself, never from one of its replicas. */
  primary?: boolean;
  /** Computed values by name (`annotate()`), in the order they were added. */
  annotations?: readonly (readonly [string, Expression])[];
  /**
   * Keys of `values(...keys).annotate(...)`: rows are grouped by them, one result per group (Django's
   * grouping); undefined when annotations are per instance.
   */
  groupBy?: readonly string[];
  /** The rows are a `union()` / `intersection()` / `difference()` of other querysets' (see `set-operations.ts`). */
  combined?: Combination;
}

/** Each model's initial state: states are never changed in place, so one serves every queryset that starts from it. */
const initialStates = new WeakMap<ModelMeta, QuerySetState>();

/** The state of a queryset over every row of a model, on its own alias. */
export function initialState(meta: ModelMeta): QuerySetState {
  const kept = initialStates.get(meta);
  if (kept !== undefined && kept.alias === meta.database) return kept;
  const state = withState(undefined, { meta, alias: meta.database, where: [], order: [], distinct: false, selectRelated: [], prefetchRelated: [] });
  initialStates.set(meta, state);
  return state;
}

/**
 * A copy of `state` with `change` applied. Every state has every property, in one order (absent ones
 * undefined): one hidden class for all of them keeps the property reads of the hot path monomorphic, where
 * `{ ...state, ...change }` made a new shape per combination of properties set.
 */
export function withState(state: QuerySetState | undefined, change: Partial<QuerySetState>): QuerySetState {
  const s = state ?? (change as QuerySetState);
  const next: QuerySetState = {
    meta: s.meta,
    alias: s.alias,
    schema: s.schema,
    where: s.where,
    order: s.order,
    limit: s.limit,
    offset: s.offset,
    distinct: s.distinct,
    selectRelated: s.selectRelated,
    prefetchRelated: s.prefetchRelated,
    only: s.only,
    defer: s.defer,
    lock: s.lock,
    forUpdate: s.forUpdate,
    pinned: s.pinned,
    primary: s.primary,
    annotations: s.annotations,
    groupBy: s.groupBy,
    combined: s.combined,
  };
  if (state) for (const key in change) (next as unknown as Record<string, unknown>)[key] = change[key as keyof QuerySetState];
  return next;
}

/**
 * `where` with `node` added last, as a new array of exactly that length. Not `concat` (it looks up
 * `Symbol.isConcatSpreadable` on its argument) nor a spread (its array grows by doubling): this runs for every
 * `filter()` and `get()`.
 */
export function whereWith(where: readonly WhereNode[], node: WhereNode): WhereNode[] {
  const out = new Array<WhereNode>(where.length + 1);
  for (let i = 0; i < where.length; i++) out[i] = where[i];
  out[where.length] = node;
  return out;
}

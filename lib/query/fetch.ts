import type { Database } from '../database/database';
import type { StatementRows } from '../dialects/dialect';
import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { checkPrefetchPaths, prefetchRelated } from '../relations/prefetch';
import type { Maybe } from '../maybe';
import { execute } from './executor';
import { resolveKey } from './path';
import { instancesOf, type RowColumns } from './instances';
import type { QuerySet } from './queryset';
import { splitSelectRelated } from './select-related';
import { selectCached } from './shapes/select-shape';
import type { Ran } from './shapes/cached';
import { withState, type QuerySetState } from './state';

/** Hands the rows read to `iterate()` before they become instances (it reads ahead from them). */
export type OnRows = (rows: readonly Record<string, unknown>[]) => void;

/** How a fetch reads its rows, when not as `fetch()` does: a keyset chunk of `iterate()`, or the one row of `get()` by key. */
export interface RowRead {
  /** Sees the rows as read, objects keyed by column, before they become instances. */
  onRows?: OnRows;
  /** Read as `stepped` rows: possibly short of the last ones, which `iterate()` then reads again. */
  stepped?: boolean;
  /** At most one row can match (the primary key's value): read it alone (`first`, `firstArray`: see `StatementResult`). */
  single?: boolean;
}

/** How `get()` reads the one row a primary key's value selects. */
export const SINGLE_ROW: RowRead = { single: true };

/**
 * The key of `lookups` when they (added to `state`'s filters) select at most one row by themselves: the
 * primary key's value alone (`{ pk: 5 }`, `{ id: 5 }`), on a queryset whose rows are the model's own (no union,
 * grouping or annotation). Undefined otherwise.
 */
export function byKey(state: QuerySetState, lookups: unknown): string | undefined {
  if (lookups === null || typeof lookups !== 'object' || Object.getPrototypeOf(lookups) !== Object.prototype) return undefined;
  const { meta } = state;
  if (meta.compositeKey || state.combined || state.groupBy || state.annotations) return undefined;
  let found: string | undefined;
  for (const key in lookups) {
    if (found !== undefined) return undefined;
    // Resolved as the filter resolves it (cached per model and key): `pk`, the key's own name, `__exact`.
    const { field, lookup, joined, jsonPath } = resolveKey(meta, key);
    if (joined || jsonPath || lookup !== 'exact' || !field.primaryKey) return undefined;
    const value = (lookups as Record<string, unknown>)[key];
    if (value === null || typeof value === 'object' || typeof value === 'function' || value === undefined) return undefined;
    found = key;
  }
  return found;
}

/** A queryset of any model (the one prefetched relations are read with). */
export type QuerySetOf = (meta: ModelMeta) => QuerySet<BaseModel>;

/**
 * The instances of `qs` read on `db`, with joined and prefetched relations: through the statement cache when its
 * SELECT is a plain shape (then now, as a value, on a synchronous driver), else compiled through Knex.
 */
export function fetchFrom<T extends BaseModel>(qs: QuerySet<T>, db: Database, read: RowRead | undefined, querySetOf: QuerySetOf): Maybe<T[]> {
  const { meta } = qs.state;
  // Relations on another database cannot be joined: they load like prefetchRelated, by a second query.
  const { joined, separate } = splitSelectRelated(meta, qs.state.selectRelated);
  const state = separate.length ? withState(qs.state, { selectRelated: joined, prefetchRelated: [...separate, ...qs.state.prefetchRelated] }) : qs.state;
  if (state.prefetchRelated.length) checkPrefetchPaths(meta, state.prefetchRelated);
  const onRows = read?.onRows;
  // The model's own columns alone, with no reader of the raw rows, are read as arrays where the driver can.
  const objects = onRows || state.selectRelated.length;
  const want = read?.stepped ? 'stepped' : read?.single ? (objects ? 'first' : 'firstArray') : objects ? 'rows' : 'arrays';
  const cached = selectCached(state, db, want);
  // No closure when the statement answered now (the common case on a synchronous driver).
  if (cached instanceof Promise) return cached.then((ran) => fromShape(ran, qs, state, db, onRows, querySetOf));
  return fromShape(cached, qs, state, db, onRows, querySetOf);
}

/** The instances of a cached shape's rows, or of the statement compiled through Knex when it had none. */
function fromShape<T extends BaseModel>(
  ran: Ran<RowColumns> | undefined,
  qs: QuerySet<T>,
  state: QuerySetState,
  db: Database,
  onRows: OnRows | undefined,
  querySetOf: QuerySetOf,
): Maybe<T[]> {
  return ran ? instancesFrom<T>(ran.result as StatementRows, ran.extra!, state, db, onRows, querySetOf) : fetchCompiled(qs, state, db, onRows, querySetOf);
}

/** The instances of a SELECT that is not a plain shape (or not cacheable), built through Knex. */
async function fetchCompiled<T extends BaseModel>(qs: QuerySet<T>, state: QuerySetState, db: Database, onRows: OnRows | undefined, querySetOf: QuerySetOf) {
  const { compiler } = await qs.compile(state);
  let columns!: RowColumns;
  const rows = await execute(db, (runner) => (columns = compiler.select(runner)).query);
  return instancesFrom<T>(rows, columns, state, db, onRows, querySetOf);
}

/** Instances of `rows`, with the relations of `prefetchRelated()` loaded (by one more query each; no promise when there are none). */
function instancesFrom<T extends BaseModel>(
  rows: StatementRows,
  columns: RowColumns,
  state: QuerySetState,
  db: Database,
  onRows: OnRows | undefined,
  querySetOf: QuerySetOf,
): Maybe<T[]> {
  // Objects: `onRows` asked for rows keyed by column.
  onRows?.(rows as Record<string, unknown>[]);
  const out = instancesOf<T>(rows, state, db.driver, columns);
  if (!state.prefetchRelated.length || !out.length) return out;
  return prefetchRelated(out, state.prefetchRelated, state, querySetOf).then(() => out);
}

import type { Knex } from 'knex';
import type { Database } from '../../database/database';
import type { Dialect } from '../../dialects';
import { QueryCompiler } from '../compiler';
import type { RowColumns } from '../instances';
import { tableSchema } from '../executor';
import { resolveKey } from '../path';
import type { QuerySetState } from '../state';
import { addList, addParts, runShape, shapeKey, type Built, type Ran } from './cached';
import { whereShape, type ShapeKey } from './where-shape';
import type { Maybe } from '../../maybe';

/**
 * The statement shape of a queryset's SELECT, or undefined when it is not a plain one (locks, annotations,
 * grouping, set operations, expression orders, and what `whereShape` refuses).
 */
export function selectShape(state: QuerySetState, dialect: Dialect): ShapeKey | undefined {
  if (state.lock || state.annotations || state.groupBy || state.combined) return undefined;
  const { meta } = state;
  const shape = shapeKey('select', meta, tableSchema(meta, state.schema, state.alias));
  if (!whereShape(meta, state.where, dialect, shape)) return undefined;
  for (const key of state.order) {
    if (typeof key !== 'string' || key === '' || key === '-') return undefined;
    const { lookup, joined, jsonPath } = resolveKey(meta, key.startsWith('-') ? key.slice(1) : key);
    // A lookup in an order key is an error the full compiler reports.
    if (lookup !== 'exact' || joined || jsonPath || key.endsWith('__exact')) return undefined;
  }
  addList(shape, '|o', state.order as string[]);
  addList(shape, '|r', state.selectRelated);
  if (state.only) addList(shape, '|only', state.only);
  if (state.defer) addList(shape, '|defer', state.defer);
  if (state.distinct) addParts(shape, '|distinct');
  // The limit is part of the SQL text (see the compiler's applyPage), the offset a bound value.
  if (state.limit !== undefined) addParts(shape, '|limit', state.limit);
  if (state.offset !== undefined) {
    addParts(shape, '|offset');
    shape.bindings.push(state.offset);
  }
  return shape;
}

/**
 * The rows of a plain SELECT through the statement cache (see `runShape`, which may answer now), and its columns;
 * undefined when the queryset is not a plain shape or its shape is not cacheable. `want: 'arrays'` reads them as
 * arrays where the driver can (see `StatementResult`).
 */
export function selectCached(
  state: QuerySetState,
  db: Database,
  want: 'rows' | 'arrays' | 'first' | 'firstArray' | 'stepped' = 'rows',
): Maybe<Ran<RowColumns> | undefined> {
  if (!db.statements.capacity) return undefined;
  const shape = selectShape(state, db.driver);
  if (!shape) return undefined;
  return runShape(db, shape, want, buildSelect, state);
}

function buildSelect(runner: Knex | Knex.Transaction, state: QuerySetState, db: Database): Built<RowColumns> {
  const { query, fields, selected } = new QueryCompiler(state, db.driver).select(runner);
  return { query, extra: { fields, selected } };
}

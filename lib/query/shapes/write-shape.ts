import type { Knex } from 'knex';
import type { Database } from '../../database/database';
import { QueryCompiler } from '../compiler';
import { tableSchema } from '../executor';
import type { QuerySetState } from '../state';
import { addParts, runShape, shapeKey, type Ran } from './cached';
import { andThen, type Maybe } from '../../maybe';
import { whereShape, type ShapeKey } from './where-shape';

/**
 * The statement shape of an UPDATE (of `row`'s columns, bound first) or DELETE of a queryset's rows, or
 * undefined when it is not a plain one. A limit or offset is the full path's error to report.
 */
function writeShape(kind: string, state: QuerySetState, db: Database, row: Record<string, unknown> | undefined): ShapeKey | undefined {
  if (!db.statements.capacity || state.limit !== undefined || state.offset !== undefined || state.annotations || state.combined) return undefined;
  const { meta } = state;
  const shape = shapeKey(kind, meta, tableSchema(meta, state.schema, state.alias));
  // The SET columns as `addList` walks a list (marker, names, count), their values bound first.
  addParts(shape, '|set');
  let count = 0;
  for (const column in row) {
    addParts(shape, column);
    shape.bindings.push(row[column]);
    count++;
  }
  // An UPDATE that sets nothing is the full path's to refuse.
  if (row && count === 0) return undefined;
  addParts(shape, count);
  return whereShape(meta, state.where, db.driver, shape) ? shape : undefined;
}

/** The number of rows a write through the statement cache changed; undefined when it was not a cacheable shape. */
const changed = (ran: Ran<unknown> | undefined) => ran && (ran.result as number);

const buildDelete = (runner: Knex | Knex.Transaction, state: QuerySetState, db: Database) => ({
  query: new QueryCompiler(state, db.driver).writeTarget(runner).delete(),
});

const buildUpdate = (runner: Knex | Knex.Transaction, [state, row]: readonly [QuerySetState, Record<string, unknown>], db: Database) => ({
  query: new QueryCompiler(state, db.driver).writeTarget(runner).update(row),
});

/** `DELETE` of a queryset's rows through the statement cache (now, on a synchronous driver): the number of rows deleted, or undefined when not a plain shape. */
export function deleteCached(state: QuerySetState, db: Database): Maybe<number | undefined> {
  const shape = writeShape('delete', state, db, undefined);
  if (!shape) return undefined;
  return andThen(runShape(db, shape, 'count', buildDelete, state), changed);
}

/** `UPDATE … SET row` of a queryset's rows through the statement cache (now, on a synchronous driver): the number of rows updated, or undefined when not a plain shape. */
export function updateCached(state: QuerySetState, db: Database, row: Record<string, unknown>): Maybe<number | undefined> {
  const shape = writeShape('update', state, db, row);
  if (!shape) return undefined;
  return andThen(runShape(db, shape, 'count', buildUpdate, [state, row] as const), changed);
}

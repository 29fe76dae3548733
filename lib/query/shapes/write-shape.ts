import type { Database } from '../../database/database';
import { QueryCompiler } from '../compiler';
import { tableSchema } from '../executor';
import type { QuerySetState } from '../state';
import { addList, runShape, shapeKey, type Ran } from './cached';
import { andThen, type Maybe } from '../../maybe';
import { whereShape, type ShapeKey } from './where-shape';

/**
 * The statement shape of an UPDATE or DELETE of a queryset's rows, with `leading` bound first (an UPDATE's
 * new values), or undefined when it is not a plain one. A limit or offset is the full path's error to report.
 */
function writeShape(kind: string, columns: readonly string[], state: QuerySetState, db: Database, leading: readonly unknown[]): ShapeKey | undefined {
  if (!db.statements.capacity || state.limit !== undefined || state.offset !== undefined || state.annotations || state.combined) return undefined;
  const { meta } = state;
  const shape = shapeKey(kind, meta, tableSchema(meta, state.schema, state.alias));
  addList(shape, '|set', columns);
  shape.bindings.push(...leading);
  return whereShape(meta, state.where, db.driver, shape) ? shape : undefined;
}

/** The number of rows a write through the statement cache changed; undefined when it was not a cacheable shape. */
const changed = (ran: Ran<unknown> | undefined) => ran && (ran.result as number);

/** `DELETE` of a queryset's rows through the statement cache (now, on a synchronous driver): the number of rows deleted, or undefined when not a plain shape. */
export function deleteCached(state: QuerySetState, db: Database): Maybe<number | undefined> {
  const shape = writeShape('delete', [], state, db, []);
  if (!shape) return undefined;
  return andThen(
    runShape(db, shape, 'count', (runner) => ({ query: new QueryCompiler(state, db.driver).writeTarget(runner).delete() })),
    changed,
  );
}

/** `UPDATE … SET row` of a queryset's rows through the statement cache (now, on a synchronous driver): the number of rows updated, or undefined when not a plain shape. */
export function updateCached(state: QuerySetState, db: Database, row: Record<string, unknown>): Maybe<number | undefined> {
  const columns = Object.keys(row);
  if (columns.length === 0) return undefined;
  const shape = writeShape('update', columns, state, db, Object.values(row));
  if (!shape) return undefined;
  return andThen(
    runShape(db, shape, 'count', (runner) => ({ query: new QueryCompiler(state, db.driver).writeTarget(runner).update(row) })),
    changed,
  );
}

import type { Knex } from 'knex';
import type { Database } from '../../database/database';
import type { StatementResult } from '../../dialects/dialect';
import type { ModelMeta } from '../../metadata/types';
import { onMetadataChange } from '../forget';
import type { ShapeKey } from './where-shape';

// Statement keys name a model by a number: a model whose metadata is rebuilt gets a new one, so statements
// compiled for its old fields are never found again (the cache's LRU drops them in time).
let ids = new WeakMap<ModelMeta, number>();
let nextId = 0;
onMetadataChange(() => (ids = new WeakMap()));

/** The start of a statement key for a model's table in `schema`: `kind` names the statement (select, update…). */
export function shapeKey(kind: string, meta: ModelMeta, schema: string | undefined): ShapeKey {
  let id = ids.get(meta);
  if (id === undefined) ids.set(meta, (id = ++nextId));
  return { key: `${kind}|${id}|${schema ?? ''}`, bindings: [] };
}

/** A statement built through Knex on a miss, and what its runner needs besides the SQL. */
export interface Built<E> {
  query: Knex.QueryBuilder;
  extra?: E;
}

/**
 * Runs the statement of a shape: on a repeat, its cached SQL with this call's values, straight on the driver
 * (no Knex builder); the first time, built by `build` through Knex, checked and cached. The check: Knex must
 * bind exactly the values the shape read, in the same order, or the shape is remembered as not cacheable.
 * Resolves undefined for such a shape: the caller runs it through Knex, as it does any other query.
 */
export async function runShape<E>(
  db: Database,
  shape: ShapeKey,
  want: StatementResult,
  build: (runner: Knex | Knex.Transaction) => Built<E>,
): Promise<{ result: Record<string, unknown>[] | number; extra: E | undefined } | undefined> {
  let cached = db.statements.get(shape.key);
  if (cached === null) return undefined;
  if (cached === undefined) {
    const built = build(await db.runner());
    const native = built.query.toSQL().toNative();
    cached = sameBindings(native.bindings, shape.bindings) ? { sql: native.sql, extra: built.extra } : null;
    db.statements.set(shape.key, cached);
    if (cached === null) return undefined;
  }
  return { result: await db.runStatement(cached.sql, shape.bindings, want), extra: cached.extra as E | undefined };
}

function sameBindings(knex: readonly unknown[], shape: readonly unknown[]): boolean {
  if (knex.length !== shape.length) return false;
  for (let i = 0; i < knex.length; i++) {
    const a = knex[i];
    const b = shape[i];
    if (a === b) continue;
    if (a instanceof Date && b instanceof Date && a.getTime() === b.getTime()) continue;
    if (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b)) continue;
    return false;
  }
  return true;
}

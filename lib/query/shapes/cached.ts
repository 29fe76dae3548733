import type { Knex } from 'knex';
import type { Database } from '../../database/database';
import type { StatementResult, StatementRows } from '../../dialects/dialect';
import type { ModelMeta } from '../../metadata/types';
import { onMetadataChange } from '../forget';
import { valueKey } from '../../dialects/common';
import type { ShapeKey } from './where-shape';
import { keyStep, rootKey, type StatementKey } from '../../database/statement-key';
import { andThen, type Maybe } from '../../maybe';

/** The longest `in` list a shape is cached for: each length is its own statement, so longer lists would crowd the cache. */
export const LONGEST_CACHED_LIST = 100;

// Statement keys name a model by a number: a model whose metadata is rebuilt gets a new one, so statements
// compiled for its old fields are never found again (the cache's LRU drops them in time).
let ids = new WeakMap<ModelMeta, number>();
let nextId = 0;
onMetadataChange(() => (ids = new WeakMap()));

/** The number that names a model (as it is now) in statement keys. */
export function modelId(meta: ModelMeta): number {
  let id = ids.get(meta);
  if (id === undefined) ids.set(meta, (id = ++nextId));
  return id;
}

/** The start of a statement key for a model's table in `schema`: `kind` names the statement (select, update…). */
export function shapeKey(kind: string, meta: ModelMeta, schema: string | undefined): ShapeKey {
  return { key: keyStep(keyStep(rootKey(), kind), modelId(meta)), bindings: [], schema: schema ?? '' };
}

/** Walks `shape`'s key on by up to three parts (no rest array: this runs for every clause of every query). */
export function addParts(shape: ShapeKey, first: string | number, second?: string | number, third?: string | number): void {
  let key = keyStep(shape.key, first);
  if (second !== undefined) key = keyStep(key, second);
  if (third !== undefined) key = keyStep(key, third);
  shape.key = key;
}

/** Walks `shape`'s key on by a list's items, after `marker` and followed by their count (so no two lists read alike). */
export function addList(shape: ShapeKey, marker: string, items: readonly (string | number)[]): void {
  let key = keyStep(shape.key, marker);
  for (const item of items) key = keyStep(key, item);
  shape.key = keyStep(key, items.length);
}

/** A statement built through Knex on a miss, and what its runner needs besides the SQL. */
export interface Built<E> {
  query: Knex.QueryBuilder;
  extra?: E;
}

/**
 * Builds a shape's statement on a miss from `context` (a plain function and its argument, not a closure: a
 * repeat, the common case, then allocates nothing for it).
 */
export type Build<E, C> = (runner: Knex | Knex.Transaction, context: C, db: Database) => Built<E>;

/** What `runShape` resolves to: the statement's result, and what its runner needed besides the SQL. */
export interface Ran<E> {
  result: StatementRows | number;
  extra: E | undefined;
}

/**
 * Runs the statement of a shape: on a repeat, its cached SQL with this call's values, straight on the driver
 * (no Knex builder); the first time, built by `build` through Knex, checked and cached. The check: Knex must
 * bind exactly the values the shape read, in the same order, or the shape is remembered as not cacheable.
 * Gives undefined for such a shape: the caller runs it through Knex, as it does any other query. A repeat on
 * a synchronous driver answers now, as a value (see `Database.runStatementNow`); otherwise a promise.
 */
export function runShape<E, C>(db: Database, shape: ShapeKey, want: StatementResult, build: Build<E, C>, context: C): Maybe<Ran<E> | undefined> {
  // The schema last: each tenant schema adds one leaf per shape (see `StatementKey`).
  const key = keyStep(shape.key, shape.schema);
  const cached = db.statements.get(key);
  if (cached === null) return undefined;
  if (cached === undefined) return compileAndRun(db, key, shape, want, build, context);
  const extra = cached.extra as E | undefined;
  return andThen(db.runStatementNow(cached.sql, shape.bindings, want), ranWith, extra);
}

const ranWith = <E>(result: StatementRows | number, extra: E | undefined): Ran<E> => ({ result, extra });

async function compileAndRun<E, C>(db: Database, key: StatementKey, shape: ShapeKey, want: StatementResult, build: Build<E, C>, context: C) {
  const built = build(await db.runner(), context, db);
  const native = built.query.toSQL().toNative();
  const cached = sameBindings(native.bindings, shape.bindings) ? { sql: native.sql, extra: built.extra } : null;
  db.statements.set(key, cached);
  if (cached === null) return undefined;
  return { result: await db.runStatement(cached.sql, shape.bindings, want), extra: cached.extra };
}

/** Whether Knex bound the shape's values, in order (a Date or Buffer by its value, as `valueKey` compares them). */
function sameBindings(knex: readonly unknown[], shape: readonly unknown[]): boolean {
  return knex.length === shape.length && knex.every((value, i) => value === shape[i] || valueKey(value) === valueKey(shape[i]));
}

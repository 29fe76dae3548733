import type { Knex } from 'knex';
import type { Database } from '../database/database';
import type { ModelMeta } from '../metadata/types';
import type { QuerySetState } from './state';
import { stateAlias } from './routing';
import { KeelsonError } from '../errors';
import { currentSchema } from '../database/transaction-context';
import type { Maybe } from '../maybe';

/** The database of a model's alias, after making sure every relation of the registry is bound. */
export function databaseOf(meta: ModelMeta, alias = meta.database): Database {
  meta.registry.ensureResolved();
  return meta.registry.databaseFor(alias);
}

/**
 * The database of a model's alias, about to be written: the reads of this async context then go to it for
 * a while, not to its replicas (`sticky`). Call it at a write's synchronous start, before any await.
 */
export function writing(meta: ModelMeta, alias = meta.database): Database {
  const db = databaseOf(meta, alias);
  db.noteWrite();
  return db;
}

/**
 * Runs a read of a queryset's rows where it should go: a replica of its database, unless the queryset asked
 * for the primary (`usingPrimary()`, a locking read) or `Database.read` keeps it there (transaction, sticky).
 * Without replicas this is `run(db)`, no promise added (a read that answers now stays a value).
 */
export function reading<R>(state: Pick<QuerySetState, 'meta' | 'alias' | 'pinned' | 'primary' | 'lock'>, run: (db: Database) => Promise<R>): Promise<R>;
export function reading<R>(state: Pick<QuerySetState, 'meta' | 'alias' | 'pinned' | 'primary' | 'lock'>, run: (db: Database) => Maybe<R>): Maybe<R>;
export function reading<R>(state: Pick<QuerySetState, 'meta' | 'alias' | 'pinned' | 'primary' | 'lock'>, run: (db: Database) => Maybe<R>): Maybe<R> {
  const db = databaseOf(state.meta, stateAlias(state, 'read'));
  return state.primary || state.lock ? run(db) : db.read(run);
}

/** The database a queryset's read runs on when no replica is in play (then decided now, see `reading`); else undefined. */
export function readsOn(state: Pick<QuerySetState, 'meta' | 'alias' | 'pinned' | 'primary' | 'lock'>): Database | undefined {
  const db = databaseOf(state.meta, stateAlias(state, 'read'));
  return state.primary || state.lock || db.readsOnItself() ? db : undefined;
}

/** Runs `build(runner)` on the current transaction or the pool, wrapping driver errors as `DatabaseError`. */
export async function execute<R>(db: Database, build: (runner: Knex | Knex.Transaction) => PromiseLike<R>): Promise<R> {
  const runner = await db.runner();
  try {
    return await build(runner);
  } catch (error) {
    // keelson's own errors (a bad lookup found while building) pass through: no SQL was sent.
    if (error instanceof KeelsonError) throw error;
    throw db.wrapError(error);
  }
}

/** A query builder on the model's table, in `schema` (else the model's own schema, else the registry's) when one applies. */
export function tableQuery(runner: Knex | Knex.Transaction, meta: ModelMeta, schema: string | undefined, alias?: string, database?: string): Knex.QueryBuilder {
  const table = alias ? `${meta.tablename} as ${alias}` : meta.tablename;
  schema = tableSchema(meta, schema, database);
  return schema ? runner.withSchema(schema).from(table) : runner.from(table);
}

/**
 * The schema of the model's table on `alias`: `schema` when given, else the tenant schema of `withSchema()`
 * (see `ambientSchema`), else the model's own (on its own database),
 * else the registry's for that alias.
 */
export function tableSchema(meta: ModelMeta, schema: string | undefined, alias = meta.database): string | undefined {
  return schema ?? ambientSchema(meta) ?? (alias === meta.database ? meta.schema : undefined) ?? meta.registry.schemaFor(alias);
}

/**
 * The tenant schema `registry.withSchema()` set for this async context, for a tenant model: not for a
 * `shared` model, nor for one whose own options name its schema.
 */
export function ambientSchema(meta: ModelMeta): string | undefined {
  return meta.shared || meta.schema !== undefined ? undefined : currentSchema(meta.registry);
}

/**
 * Adds a join to `target`'s table in its own schema. Knex puts joined tables in the builder's schema (the
 * queryset's); a `shared` model inside a tenant's schema lives in the default one, so the builder's schema
 * is switched for the join and back.
 */
export function inSchemaOf(qb: Knex.QueryBuilder, state: Pick<QuerySetState, 'meta' | 'schema' | 'alias'>, target: ModelMeta, join: () => unknown): void {
  const own = tableSchema(state.meta, state.schema, state.alias);
  const theirs = target.shared ? tableSchema(target, undefined, state.alias) : own;
  if (theirs === own) return void join();
  qb.withSchema(theirs as string);
  join();
  qb.withSchema(own as string);
}

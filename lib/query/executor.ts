import type { Knex } from 'knex';
import type { Database } from '../database/database';
import type { ModelMeta } from '../metadata/types';
import { KeelsonError } from '../errors';

/** The database of a model's alias, after making sure every relation of the registry is bound. */
export function databaseOf(meta: ModelMeta, alias = meta.database): Database {
  meta.registry.ensureResolved();
  return meta.registry.databaseFor(alias);
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
export function tableQuery(runner: Knex | Knex.Transaction, meta: ModelMeta, schema: string | undefined, alias?: string): Knex.QueryBuilder {
  const table = alias ? `${meta.tablename} as ${alias}` : meta.tablename;
  schema = tableSchema(meta, schema);
  return schema ? runner.withSchema(schema).from(table) : runner.from(table);
}

/**
 * The schema of the model's table on `alias`: `schema` when given, else the model's own (on its own database),
 * else the registry's for that alias.
 */
export function tableSchema(meta: ModelMeta, schema: string | undefined, alias = meta.database): string | undefined {
  return schema ?? (alias === meta.database ? meta.schema : undefined) ?? meta.registry.schemaFor(alias);
}

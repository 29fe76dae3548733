import knexFactory, { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { ModelDefinitionError, QueryError } from '../errors';
import { applyLookup, LOOKUPS } from '../query/lookups';
import type { FieldMeta, ModelMeta } from './types';

/**
 * The `condition` of a partial unique constraint, compiled by keelson's own lookup compiler into the WHERE of
 * `CREATE UNIQUE INDEX … WHERE …`. An index predicate takes no bound parameters, so the values are written
 * into it as SQL literals (strings quoted, numbers checked finite): never the user's text as SQL.
 */

/** One condition key taken apart: the field and its lookup (`deleted_at__isnull` → deleted_at, isnull). */
export function conditionKey(meta: ModelMeta, key: string): { field: FieldMeta; lookup: string } | string {
  const parts = key.split('__');
  const name = parts[0] === 'pk' ? meta.pkName : parts[0];
  const field = meta.fields.get(name);
  if (!field) return `"${key}" names no field of the model (fields: ${[...meta.fields.keys()].join(', ')})`;
  if (parts.length > 2 || (parts.length === 2 && !LOOKUPS.has(parts[1]))) {
    return `"${key}" is not a lookup on ${name}: an index condition cannot follow relations, and its lookups are ${[...LOOKUPS].join(', ')}`;
  }
  return { field, lookup: parts[1] ?? 'exact' };
}

/** A Knex without a connection per dialect: it only compiles. */
const compilers = new Map<string, Knex>();

function compilerFor(dialect: Dialect): Knex {
  let knex = compilers.get(dialect.client);
  if (!knex) {
    knex = knexFactory({ client: dialect.client, useNullAsDefault: true });
    compilers.set(dialect.client, knex);
  }
  return knex;
}

/** A bound value as an SQL literal; anything that is not a plain string, number, boolean or date is refused. */
function sqlLiteral(value: unknown, where: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date && !Number.isNaN(value.getTime())) return `'${value.toISOString()}'`;
  // Quotes doubled; PostgreSQL (standard_conforming_strings) and SQLite read backslashes literally.
  if (typeof value === 'string' && !value.includes('\0')) return `'${value.replace(/'/g, "''")}'`;
  throw new ModelDefinitionError(
    `${where}: the condition value ${String(value)} cannot be written into an index predicate (use strings, numbers, booleans or dates).`,
  );
}

/**
 * The SQL predicate of `condition` on `meta`'s table for `dialect` (`"deleted_at" is null and "status" = 'active'`).
 * `where` names the constraint in errors.
 */
export function conditionSql(meta: ModelMeta, condition: Record<string, unknown>, dialect: Dialect, where: string): string {
  const qb = compilerFor(dialect).queryBuilder();
  for (const [key, value] of Object.entries(condition)) {
    const parsed = conditionKey(meta, key);
    if (typeof parsed === 'string') throw new ModelDefinitionError(`${where}: condition ${parsed}.`);
    try {
      applyLookup(qb, parsed.field.column, parsed.field, parsed.lookup, value, dialect, key);
    } catch (error) {
      if (error instanceof QueryError) throw new ModelDefinitionError(`${where}: condition ${error.message}`);
      throw error;
    }
  }
  const { sql, bindings } = qb.toSQL();
  const predicate = sql.replace(/^select \* where /, '');
  let next = 0;
  // Knex writes identifiers quoted and values as `?`; the predicate holds no other `?`.
  return predicate.replace(/\?/g, () => sqlLiteral(bindings[next++], where));
}

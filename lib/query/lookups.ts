import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { QueryError } from '../errors';
import type { FieldMeta } from '../metadata/types';
import type { JsonStep } from '../dialects/json-sql';
import { applyJsonLookup } from './json-lookups';
import { noteSecret, noteSecretJson } from '../database/secret-bindings';

/** Every lookup a filter key may end with. */
export const LOOKUPS = new Set([
  'exact',
  'iexact',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'in',
  'gt',
  'gte',
  'lt',
  'lte',
  'isnull',
  'range',
]);

export const COMPARISONS: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Past this many values an `in` list goes to the dialect's one-parameter form, where it has one. */
const LONG_LIST = 1000;

// BaseModel's class brand (`metadata/inheritance.ts` BASE), read by its global key: importing BaseModel here
// would close the runtime cycle base-model → manager → queryset → compiler → lookups → base-model.
const BASE = Symbol.for('keelson:base-class');

/** Whether `value` is a model instance (its class extends one of keelson's base classes). */
const isModelInstance = (value: unknown): value is { pk: unknown } =>
  typeof value === 'object' && value !== null && (value.constructor as { [BASE]?: boolean } | undefined)?.[BASE] === true;

/** A lookup's value as the driver should bind it: instances become their key, then the dialect converts. */
export function bindable(field: FieldMeta, dialect: Dialect, value: unknown, key: string): unknown {
  if (isModelInstance(value)) value = value.pk;
  if (value === undefined) throw new QueryError(`Filter "${key}" has the value undefined; use null or the isnull lookup.`);
  if (
    typeof value === 'function' ||
    (typeof value === 'object' && value !== null && !(value instanceof Date) && !Buffer.isBuffer(value) && field.type !== 'json')
  ) {
    throw new QueryError(`Filter "${key}" cannot compare ${field.type} field to ${Object.prototype.toString.call(value)}.`);
  }
  const bound = dialect.toDb(field.type, value);
  if (field.secret) noteSecret(bound);
  return bound;
}

/** Adds one `column lookup value` condition to a where builder (`jsonPath`: at that path inside a JSON column). */
export function applyLookup(
  qb: Knex.QueryBuilder,
  column: string,
  field: FieldMeta,
  lookup: string,
  value: unknown,
  dialect: Dialect,
  key: string,
  jsonPath?: readonly JsonStep[],
): void {
  if (jsonPath) {
    if (field.secret) noteSecretJson(value);
    return applyJsonLookup(qb, column, jsonPath, lookup, value, dialect, key);
  }
  switch (lookup) {
    case 'exact':
      if (value === null) qb.whereNull(column);
      else qb.where(column, bindable(field, dialect, value, key) as Knex.Value);
      return;
    case 'isnull':
      if (typeof value !== 'boolean') throw new QueryError(`Filter "${key}" takes true or false.`);
      if (value) qb.whereNull(column);
      else qb.whereNotNull(column);
      return;
    case 'in': {
      if (!Array.isArray(value) && !(value instanceof Set)) throw new QueryError(`Filter "${key}" takes an array.`);
      const values = [...value].map((v) => bindable(field, dialect, v, key));
      // An empty IN matches nothing; say so without sending invalid SQL.
      if (values.length === 0) qb.whereRaw('1 = 0');
      else if (values.length > LONG_LIST && dialect.inList) {
        const { sql, bindings } = dialect.inList('??', values);
        qb.whereRaw(sql, [column, ...bindings] as Knex.Value[]);
      } else qb.whereIn(column, values as Knex.Value[]);
      return;
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) throw new QueryError(`Filter "${key}" takes [low, high].`);
      qb.whereBetween(column, [bindable(field, dialect, value[0], key), bindable(field, dialect, value[1], key)] as [Knex.Value, Knex.Value]);
      return;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      qb.where(column, COMPARISONS[lookup], bindable(field, dialect, value, key) as Knex.Value);
      return;
    default: {
      const insensitive = lookup.startsWith('i');
      const mode = (insensitive ? lookup.slice(1) : lookup) as 'exact' | 'contains' | 'startswith' | 'endswith';
      if (typeof value !== 'string') throw new QueryError(`Filter "${key}" takes a string.`);
      // `??` lets Knex quote the (already validated) column for the dialect.
      const { sql, bindings } = dialect.match('??', mode, value, insensitive);
      if (field.secret) noteSecret(bindings);
      qb.whereRaw(sql, [column, ...bindings] as Knex.Value[]);
    }
  }
}

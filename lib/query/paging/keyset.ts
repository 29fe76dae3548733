import type { Dialect } from '../../dialects';
import { QueryError } from '../../errors';
import type { FieldMeta, ModelMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { readAttribute } from '../../models/state';
import { resolveKey } from '../path';
import { Q, type Lookups } from '../q';
import type { QuerySetState } from '../state';
import type { QuerySet } from '../queryset';
import type { FieldPath, OrderKey } from '../typed-keys';
import { databaseOf } from '../executor';
import { hydratorFor } from '../hydrator';
import type { RowRead } from '../fetch';

/** One term of a keyset order: the `orderBy` key, its direction, and whether its value may be NULL. */
export interface KeysetKey {
  key: string;
  desc: boolean;
  field: FieldMeta;
  /** The key crosses a relation: its value is not on the instance and may be NULL (no related row). */
  joined: boolean;
  nullable: boolean;
}

/**
 * The queryset's order as keyset terms, the primary key (every column of a composite one) appended as the
 * tie-breaker unless a term already orders by it. Only field keys qualify: an expression or an annotation has
 * no value to resume from, and a path through a many-valued relation repeats rows.
 */
export function keysetKeys(state: QuerySetState, method: string): KeysetKey[] {
  const { meta } = state;
  const annotations = new Set((state.annotations ?? []).map(([name]) => name));
  const keys: KeysetKey[] = [];
  for (const raw of state.order) {
    if (typeof raw !== 'string' || raw === '' || raw === '-' || annotations.has(raw.replace(/^-/, ''))) {
      throw new QueryError(
        `${method}(): orders by field keys only ("name", "-created", "author__name"), not by ${typeof raw === 'string' ? `annotation "${raw}"` : 'an expression'}.`,
      );
    }
    keys.push(keysetKey(meta, raw, method));
  }
  const pkNames = meta.compositeKey ?? [meta.pkName];
  const ordersByPk = keys.some((k) => !k.joined && k.field.primaryKey && pkNames.length === 1);
  if (!ordersByPk) for (const name of pkNames) if (!keys.some((k) => !k.joined && k.field.name === name)) keys.push(keysetKey(meta, name, method));
  return keys;
}

function keysetKey(meta: ModelMeta, raw: string, method: string): KeysetKey {
  const desc = raw.startsWith('-');
  const key = desc ? raw.slice(1) : raw;
  const { field, lookup, jsonPath, multiValued, joined } = resolveKey(meta, key);
  if (lookup !== 'exact' || key.endsWith('__exact') || jsonPath) throw new QueryError(`${method}(): orderBy("${raw}") names a lookup, not a field.`);
  if (multiValued)
    throw new QueryError(
      `${method}(): orderBy("${raw}") crosses a many-valued relation, which repeats rows; order by a field of the model or of a foreign key.`,
    );
  if (field.type === 'json' || field.type === 'array')
    throw new QueryError(`${method}(): orderBy("${raw}") orders by a ${field.type} field, which has no keyset order.`);
  return { key, desc, field, joined, nullable: joined || field.nullable };
}

/** The order keys as `orderBy` takes them (the tie-breaker included), so every page reads in the keyset's order. */
export const orderKeysOf = (keys: readonly KeysetKey[]): string[] => keys.map((k) => (k.desc ? `-${k.key}` : k.key));

/**
 * The rows after `values` in the keyset order, as a Q: `k1 > v1 OR (k1 = v1 AND k2 > v2) OR …` (`<` for a
 * descending key). NULLs are placed where the dialect's ORDER BY places them: after a NULL comes every set
 * value when NULLs sort first (nothing when they sort last), and after a value come the NULLs when they sort last.
 */
export function keysetAfter(keys: readonly KeysetKey[], values: readonly unknown[], dialect: Dialect): Q | Lookups {
  const disjuncts: (Q | Lookups)[] = [];
  const equal: Lookups[] = [];
  for (let i = 0; i < keys.length; i++) {
    const { key, desc, nullable } = keys[i];
    const value = values[i];
    // Ascending with NULLs low, or descending with NULLs high: NULLs come first in this term's order.
    const nullsFirst = dialect.nullsSortFirst !== desc;
    let after: Q | Lookups | undefined;
    if (value === null) after = nullsFirst ? { [`${key}__isnull`]: false } : undefined;
    else {
      const beyond = { [`${key}__${desc ? 'lt' : 'gt'}`]: value };
      after = nullable && !nullsFirst ? Q.or(beyond, { [`${key}__isnull`]: true }) : beyond;
    }
    if (after) disjuncts.push(equal.length ? Q.and(...equal, after) : after);
    equal.push(value === null ? { [`${key}__isnull`]: true } : { [key]: value });
  }
  // The primary key is never NULL: the last term always adds a disjunct. One key alone (`pk > v`) stays plain
  // lookups, a shape whose compiled statement is cached (see `lib/query/shapes/`).
  return disjuncts.length === 1 ? disjuncts[0] : Q.or(...disjuncts);
}

/** The ordering values of `instance` read from its own fields (keys that cross a relation are read by the caller). */
export function ownValues(keys: readonly KeysetKey[], instance: BaseModel): unknown[] {
  return keys.map((k) => (k.joined ? undefined : (readAttribute(instance, k.field.attname) ?? null)));
}

/** The ordering values of the last row read: its own fields, and one small query for keys across relations. */
export async function lastValues<T extends BaseModel>(qs: QuerySet<T>, keys: readonly KeysetKey[], last: T): Promise<unknown[]> {
  const values = ownValues(keys, last);
  const across = keys.filter((k) => k.joined);
  if (across.length === 0) return values;
  const { meta } = qs.state;
  const pk: Record<string, unknown> = {};
  for (const name of meta.compositeKey ?? [meta.pkName]) pk[name] = readAttribute(last, meta.fields.get(name)!.attname);
  const rows = (await qs.filter(pk as Lookups<T>).valuesList(...(across.map((k) => k.key) as FieldPath<T>[]))) as unknown[][];
  if (rows.length === 0) throw new QueryError(`${meta.name}: the last row of the page was deleted while it was read; read the page again.`);
  let n = 0;
  return keys.map((k, i) => (k.joined ? (rows[0][n++] ?? null) : values[i]));
}

/**
 * Up to `n` rows of `qs` in keyset order, after the row whose keyset values are `after` (from the start when
 * undefined), read as `read` says (rows seen before they become instances, stepped).
 */
export function readAfter<T extends BaseModel>(
  qs: QuerySet<T>,
  keys: readonly KeysetKey[],
  after: readonly unknown[] | undefined,
  n: number,
  read?: RowRead,
): Promise<T[]> {
  const ordered = withKeyColumns(qs, keys).orderBy(...(orderKeysOf(keys) as OrderKey<T>[]));
  const page = after ? ordered.filter(keysetAfter(keys, after, databaseOf(qs.state.meta, qs.state.alias).driver) as Q<T> | Lookups<T>) : ordered;
  return page.limit(n).fetchRows(read);
}

/** `qs` reading the keyset's own columns even where `only()`/`defer()` leave them out: the next page starts after their values. */
function withKeyColumns<T extends BaseModel>(qs: QuerySet<T>, keys: readonly KeysetKey[]): QuerySet<T> {
  const { only, defer } = qs.state;
  const own = keys.filter((k) => !k.joined).map((k) => k.field.name);
  if (only && own.some((name) => !only.includes(name))) return qs.only(...([...only, ...own.filter((name) => !only.includes(name))] as FieldPath<T>[]));
  if (defer && own.some((name) => defer.includes(name))) {
    return qs.only(...([...qs.state.meta.fields.values()].map((f) => f.name).filter((name) => !defer.includes(name) || own.includes(name)) as FieldPath<T>[]));
  }
  return qs;
}

/**
 * The keyset values of a row as read, before the chunk becomes instances (that row alone is hydrated): undefined
 * when a key crosses a relation, is not selected, or the query joins relations (their values are then read from
 * the chunk's instances).
 */
export function rowValues(keys: readonly KeysetKey[], state: QuerySetState, row: Record<string, unknown>): unknown[] | undefined {
  if (state.selectRelated.length || keys.some((k) => k.joined || !(k.field.column in row))) return undefined;
  return ownValues(keys, hydratorFor<BaseModel>(state.meta, databaseOf(state.meta, state.alias).driver)(row));
}

/** Refuses a sliced queryset: keyset reads replace its limit, and an offset has no keyset equivalent. */
export function refuseSlice(state: QuerySetState, method: string): void {
  if (state.limit !== undefined || state.offset !== undefined) {
    throw new QueryError(`${method}() pages the whole queryset: remove limit()/offset() (narrow it with filter() instead).`);
  }
}

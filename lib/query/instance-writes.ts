import type { Dialect } from '../dialects';
import { ObjectNotFound, QueryError } from '../errors';
import type { FieldMeta, ModelClass, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { InstanceState, PERSISTED, RELATED } from '../models/state';
import { databaseOf, execute, tableQuery } from './executor';
import { hydratorFor } from './hydrator';

const metaOf = (instance: BaseModel): ModelMeta => (instance.constructor as ModelClass).meta;

/** A field's default for a new row: functions are called, objects copied so rows never share them. */
function defaultValue(field: FieldMeta): unknown {
  const d = field.default;
  if (typeof d === 'function') return (d as () => unknown)();
  if (d !== null && typeof d === 'object' && !(d instanceof Date)) return structuredClone(d);
  return d;
}

/** Fills defaults on a new instance and returns its row keyed by column, values converted for the dialect. */
export function insertRow(instance: BaseModel, meta: ModelMeta, dialect: Dialect): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const target = instance as unknown as Record<string, unknown>;
  for (const f of meta.fields.values()) {
    let value = target[f.attname];
    // A related instance assigned before it was saved: take its key now that it has one.
    if (value === undefined && f.relation) {
      const related = (instance as InstanceState)[RELATED]?.[f.name] as BaseModel | undefined;
      if (related) value = target[f.attname] = related.pk;
    }
    if (value === undefined && f.default !== undefined) value = target[f.attname] = defaultValue(f);
    if (value === undefined) {
      if (f.autoincrement) continue;
      if (f.nullable) value = target[f.attname] = null;
      else continue;
    }
    row[f.column] = dialect.toDb(f.type, value);
  }
  return row;
}

/** Inserts instances of one model and sets their primary keys. */
export async function insertMany(instances: BaseModel[], alias?: string, schema?: string): Promise<void> {
  if (instances.length === 0) return;
  const meta = metaOf(instances[0]);
  const db = databaseOf(meta, alias ?? meta.database);
  const pk = meta.fields.get(meta.pkName)!;
  const rows = instances.map((i) => insertRow(i, meta, db.driver));
  const ids = await execute(db, async (runner) => {
    const q = tableQuery(runner, meta, schema).insert(rows);
    if (db.driver.supportsReturning) return (await q.returning(pk.column)) as unknown[];
    const [first] = (await q) as number[];
    return rows.length === 1 ? [first] : rows.map((_, i) => first + i);
  });
  instances.forEach((instance, i) => {
    const target = instance as unknown as Record<string, unknown>;
    if (target[pk.attname] === undefined || target[pk.attname] === null) {
      const raw = ids[i];
      const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[pk.column] : raw;
      target[pk.attname] = db.driver.fromDb(pk.type, pk.jsKind, value);
    }
    target[PERSISTED as unknown as string] = true;
  });
}

/** Inserts one instance. */
export function insertInstance(instance: BaseModel): Promise<void> {
  return insertMany([instance]);
}

function requirePk(instance: BaseModel, meta: ModelMeta, action: string): unknown {
  const pk = instance.pk;
  if (pk === undefined || pk === null) throw new QueryError(`Cannot ${action} a ${meta.name} that has no primary key value: save() it first.`);
  return pk;
}

/** Writes `values` (or every field when omitted) of a saved instance. */
export async function updateInstance(instance: BaseModel, values: Record<string, unknown> | undefined): Promise<void> {
  const meta = metaOf(instance);
  const pk = requirePk(instance, meta, 'update');
  const db = databaseOf(meta);
  const target = instance as unknown as Record<string, unknown>;
  let fields: FieldMeta[];
  if (values) {
    fields = Object.keys(values).map((key) => {
      const field = meta.fields.get(key) ?? meta.attnames.get(key);
      if (!field) throw new QueryError(`${meta.name} has no field "${key}" (fields: ${[...meta.fields.keys()].join(', ')}).`);
      return field;
    });
    for (const key of Object.keys(values)) target[key] = values[key];
  } else {
    fields = [...meta.fields.values()].filter((f) => !f.primaryKey);
  }
  const row: Record<string, unknown> = {};
  for (const f of fields) row[f.column] = db.driver.toDb(f.type, target[f.attname] ?? null);
  if (Object.keys(row).length === 0) return;
  const pkField = meta.fields.get(meta.pkName)!;
  await execute(db, (runner) => tableQuery(runner, meta, undefined).where(pkField.column, db.driver.toDb(pkField.type, pk) as never).update(row));
}

/** Deletes the row of a saved instance; returns the number of rows deleted. */
export async function deleteInstance(instance: BaseModel): Promise<number> {
  const meta = metaOf(instance);
  const pk = requirePk(instance, meta, 'delete');
  const db = databaseOf(meta);
  const pkField = meta.fields.get(meta.pkName)!;
  const count = await execute(db, (runner) => tableQuery(runner, meta, undefined).where(pkField.column, db.driver.toDb(pkField.type, pk) as never).delete());
  (instance as unknown as Record<symbol, unknown>)[PERSISTED] = false;
  return Number(count);
}

/** Reloads every field of a saved instance from its row. */
export async function reloadInstance(instance: BaseModel): Promise<void> {
  const meta = metaOf(instance);
  const pk = requirePk(instance, meta, 'load');
  const db = databaseOf(meta);
  const pkField = meta.fields.get(meta.pkName)!;
  const rows: Record<string, unknown>[] = await execute(db, (runner) =>
    tableQuery(runner, meta, undefined).where(pkField.column, db.driver.toDb(pkField.type, pk) as never).select('*'),
  );
  if (rows.length === 0) throw new ObjectNotFound(`${meta.name} with ${meta.pkName}=${String(pk)} no longer exists.`);
  Object.assign(instance, hydratorFor(meta, db.driver)(rows[0]));
}

import { ObjectNotFound, QueryError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { InstanceState, LOCATION, PERSISTED, STUB } from '../models/state';
import { validateInstance } from '../validation';
import { databaseOf, execute, tableQuery, writing } from './executor';
import { hydratorFor } from './hydrator';
import { insertMany } from './insert';
import { rowOf } from './row';
import { touchOnSave, withAutoNow } from './auto-values';
import { metaOf } from '../metadata/types';
import { routedAlias } from './routing';

/** Inserts one instance (where a `using()` queryset may have placed it). */
export function insertInstance(instance: BaseModel): Promise<void> {
  return insertMany([instance], { ...(instance as InstanceState)[LOCATION] });
}

function requirePk(instance: BaseModel, meta: ModelMeta, action: string): unknown {
  const pk = instance.pk;
  if (pk === undefined || pk === null) throw new QueryError(`Cannot ${action} a ${meta.name} that has no primary key value: save() it first.`);
  return pk;
}

/** The row of one saved instance: a query on its table (alias and schema it was loaded from), by key. */
function ownRow(instance: BaseModel, meta: ModelMeta, action: string) {
  const pk = requirePk(instance, meta, action);
  const location = (instance as InstanceState)[LOCATION];
  const alias = location?.alias ?? routedAlias(meta, action === 'load' ? 'read' : 'write', meta.database, { instance });
  const db = action === 'load' ? databaseOf(meta, alias) : writing(meta, alias);
  // A reflected table with a composite key is addressed by every key column, never by the first alone.
  const keys = (meta.compositeKey ?? [meta.pkName]).map((name) => {
    const field = meta.fields.get(name)!;
    const value = (instance as unknown as Record<string, unknown>)[field.attname];
    if (value === undefined || value === null) throw new QueryError(`Cannot ${action} a ${meta.name} without a value for its key column ${field.name}.`);
    return { column: field.column, value: db.driver.toDb(field.type, value) as never };
  });
  const query = (runner: Parameters<typeof tableQuery>[0]) => {
    const q = tableQuery(runner, meta, location?.schema, undefined, alias);
    for (const key of keys) q.where(key.column, key.value);
    return q;
  };
  return { db, pk, query };
}

/** Resolves update values to fields, refusing unknown names and the primary key. */
function fieldsOf(meta: ModelMeta, values: Record<string, unknown>): FieldMeta[] {
  return Object.keys(values).map((key) => {
    const field = meta.fields.get(key) ?? meta.attnames.get(key);
    if (!field) throw new QueryError(`${meta.name} has no field "${key}" (fields: ${[...meta.fields.keys()].join(', ')}).`);
    if (field.primaryKey) throw new QueryError(`${meta.name}.${field.name} is the primary key and cannot be updated.`);
    return field;
  });
}

/** `save()` of a saved instance: preSave, validation, UPDATE of every field, postSave. */
export async function saveExisting(instance: BaseModel): Promise<void> {
  const meta = metaOf(instance);
  const { signals } = meta;
  writing(meta, (instance as InstanceState)[LOCATION]?.alias ?? routedAlias(meta, 'write', meta.database, { instance }));
  touchOnSave(instance, meta);
  if (signals.preSave.hasReceivers) await signals.preSave.send(meta.model, instance, { created: false });
  // Fields never loaded (only() / defer()) are neither checked nor written.
  const target = instance as unknown as Record<string, unknown>;
  const fields = [...meta.fields.values()].filter((f) => !f.primaryKey && target[f.attname] !== undefined);
  await validateInstance(instance, meta, { fields, insert: false });
  const { db, query } = ownRow(instance, meta, 'save');
  const row = rowOf(instance, fields, db.driver);
  if (Object.keys(row).length) await execute(db, (runner) => query(runner).update(row));
  if (signals.postSave.hasReceivers) await signals.postSave.send(meta.model, instance, { created: false });
}

/**
 * `instance.update(values)`: preUpdate (the instance still holds its old values), then the values are set,
 * validated and written (those fields only), then postUpdate. A value `undefined` is not given (pass null to
 * clear a field). When validation or the write fails, the instance gets its old values back.
 */
export async function updateInstance(instance: BaseModel, values: Record<string, unknown>): Promise<void> {
  const meta = metaOf(instance);
  const { signals } = meta;
  fieldsOf(meta, values);
  const named: Record<string, unknown> = {};
  for (const key of Object.keys(values)) if (values[key] !== undefined) named[key] = values[key];
  // `autoNow` fields the values do not name are written too (set to now).
  const given = withAutoNow(meta, named);
  const fields = fieldsOf(meta, given);
  const { db, query } = ownRow(instance, meta, 'update');
  if (signals.preUpdate.hasReceivers) await signals.preUpdate.send(meta.model, instance, { values });
  const target = instance as unknown as Record<string, unknown>;
  const previous = fields.map((f) => target[f.attname]);
  for (const key of Object.keys(given)) target[key] = given[key];
  try {
    await validateInstance(instance, meta, { fields, insert: false });
    const row = rowOf(instance, fields, db.driver);
    if (fields.length) await execute(db, (runner) => query(runner).update(row));
  } catch (error) {
    fields.forEach((f, i) => (target[f.attname] = previous[i]));
    throw error;
  }
  if (signals.postUpdate.hasReceivers) await signals.postUpdate.send(meta.model, instance, { values });
}

/** Deletes the row of a saved instance (preDelete / postDelete); returns the number of rows deleted. */
export async function deleteInstance(instance: BaseModel): Promise<number> {
  const meta = metaOf(instance);
  const { signals } = meta;
  const { db, query } = ownRow(instance, meta, 'delete');
  if (signals.preDelete.hasReceivers) await signals.preDelete.send(meta.model, instance, {});
  const count = await execute(db, (runner) => query(runner).delete());
  (instance as unknown as Record<symbol, unknown>)[PERSISTED] = false;
  if (signals.postDelete.hasReceivers) await signals.postDelete.send(meta.model, instance, { deleted: Number(count) });
  return Number(count);
}

/** Reloads every field of a saved instance from its row. */
export async function reloadInstance(instance: BaseModel): Promise<void> {
  const meta = metaOf(instance);
  const { db, pk, query } = ownRow(instance, meta, 'load');
  const rows: Record<string, unknown>[] = await db.read((target) => execute(target, (runner) => query(runner).select('*')));
  if (rows.length === 0) throw new ObjectNotFound(`${meta.name} with ${meta.pkName}=${String(pk)} no longer exists.`);
  Object.assign(instance, hydratorFor(meta, db.driver)(rows[0]));
  // A related instance known by its key only is now loaded (assigned, not deleted: keeps the object's shape).
  if ((instance as InstanceState)[STUB]) (instance as InstanceState)[STUB] = false;
}
